#include "hw/discovery.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "nvml/errors.h"
#include "nvml/fake_library.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

DiscoveryOptions NoSysfs() {
  DiscoveryOptions o;
  o.read_sysfs = false;
  return o;
}

std::vector<uint32_t> ProfileIds(const GpuInfo& gpu) {
  std::vector<uint32_t> ids;
  for (const MigProfile& p : gpu.migProfiles) ids.push_back(p.id);
  return ids;
}

std::vector<std::string> ProfileNames(const GpuInfo& gpu) {
  std::vector<std::string> names;
  for (const MigProfile& p : gpu.migProfiles) names.push_back(p.name);
  return names;
}

const MigProfile* FindProfile(const GpuInfo& gpu, uint32_t id) {
  for (const MigProfile& p : gpu.migProfiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

TEST(DiscoverTest, H100FixtureFacts) {
  // sysfs like the fixture: 0000:00:06.0 under pci0000:00, numa_node -1.
  fs::path root = fs::path(testing_util::UniqueTempDir()) / "discovery_h100_sysfs";
  fs::remove_all(root);
  fs::create_directories(root / "sys/devices/pci0000:00/0000:00:06.0");
  std::ofstream(root / "sys/devices/pci0000:00/0000:00:06.0/numa_node") << "-1\n";
  fs::create_directories(root / "sys/bus/pci/devices");
  fs::create_directory_symlink("../../../devices/pci0000:00/0000:00:06.0",
                               root / "sys/bus/pci/devices/0000:00:06.0");
  DiscoveryOptions options;
  options.sysfs_root = root.string();

  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  absl::StatusOr<NodeInfo> node = Discover(nvml, options);
  ASSERT_OK(node);
  EXPECT_EQ(nvml.SessionCount(), 0);
  EXPECT_EQ(nvml.CallCount("Init"), 1);
  EXPECT_EQ(nvml.CallCount("Shutdown"), 1);

  EXPECT_EQ(node->driverVersion, "580.159.04");
  EXPECT_EQ(node->cudaDriverVersion, "13.0");
  EXPECT_EQ(node->nvmlVersion, "13.580.159.04");
  EXPECT_THAT(node->warnings, ::testing::IsEmpty());
  ASSERT_EQ(node->gpus.size(), 1u);
  const GpuInfo& gpu = node->gpus[0];
  EXPECT_EQ(gpu.index, 0u);
  EXPECT_EQ(gpu.minor, 0u);
  EXPECT_EQ(gpu.uuid, "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  EXPECT_EQ(gpu.name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(gpu.brand, "Nvidia");
  EXPECT_EQ(gpu.architecture, "Hopper");
  EXPECT_EQ(gpu.architectureCode, 9u);
  EXPECT_EQ(gpu.cudaComputeCapability, "9.0");
  EXPECT_EQ(gpu.pciBusID, "0000:00:06.0");
  EXPECT_EQ(gpu.pciDeviceID, 590352606u);  // 0x233010DE
  EXPECT_EQ(gpu.memoryBytes, 85520809984ULL);
  EXPECT_EQ(gpu.addressingMode, "None");
  EXPECT_EQ(gpu.pcieRoot, "pci0000:00");
  EXPECT_EQ(gpu.numaNode, std::nullopt);
  EXPECT_EQ(gpu.virtualizationMode, 1u);  // passthrough
  EXPECT_TRUE(gpu.migCapable);
  EXPECT_FALSE(gpu.migEnabled);
  EXPECT_THAT(gpu.migDevices, ::testing::IsEmpty());
  ASSERT_TRUE(gpu.fabric.has_value());
  EXPECT_EQ(gpu.fabric->state, 0u);
  EXPECT_EQ(gpu.fabric->CliqueKey(), "");

  // `nvidia-smi mig -lgip` order and names.
  EXPECT_THAT(ProfileIds(gpu), ElementsAre(19, 20, 15, 14, 9, 5, 0));
  EXPECT_THAT(ProfileNames(gpu),
              ElementsAre("1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb",
                          "3g.40gb", "4g.40gb", "7g.80gb"));
  // `mig -lgipp` placements.
  auto placements = [&](uint32_t id) {
    std::vector<std::pair<uint32_t, uint32_t>> out;
    for (const MigPlacement& p : FindProfile(gpu, id)->placements) {
      out.emplace_back(p.start, p.size);
    }
    return out;
  };
  using P = std::pair<uint32_t, uint32_t>;
  EXPECT_THAT(placements(19), ElementsAre(P{0, 1}, P{1, 1}, P{2, 1}, P{3, 1},
                                          P{4, 1}, P{5, 1}, P{6, 1}));
  EXPECT_THAT(placements(20), ElementsAre(P{0, 1}, P{1, 1}, P{2, 1}, P{3, 1},
                                          P{4, 1}, P{5, 1}, P{6, 1}));
  EXPECT_THAT(placements(15), ElementsAre(P{0, 2}, P{2, 2}, P{4, 2}, P{6, 2}));
  EXPECT_THAT(placements(14), ElementsAre(P{0, 2}, P{2, 2}, P{4, 2}));
  EXPECT_THAT(placements(9), ElementsAre(P{0, 4}, P{4, 4}));
  EXPECT_THAT(placements(5), ElementsAre(P{0, 4}));
  EXPECT_THAT(placements(0), ElementsAre(P{0, 8}));

  const MigProfile& p7 = *FindProfile(gpu, 0);
  EXPECT_EQ(p7.index, 4u);
  EXPECT_EQ(p7.slices, 7u);
  EXPECT_EQ(p7.instances, 1u);
  EXPECT_EQ(p7.multiprocessors, 132u);
  EXPECT_EQ(p7.copyEngines, 8u);
  EXPECT_EQ(p7.decoders, 7u);
  EXPECT_EQ(p7.encoders, 0u);
  EXPECT_EQ(p7.jpegEngines, 7u);
  EXPECT_EQ(p7.ofaEngines, 1u);
  EXPECT_EQ(p7.memoryMB, 81152u);
  EXPECT_EQ(FindProfile(gpu, 20)->index, 7u);
  EXPECT_EQ(FindProfile(gpu, 20)->ofaEngines, 1u);
}

TEST(DiscoverTest, MissingSysfsIsAWarningOnly) {
  DiscoveryOptions options;
  options.sysfs_root = (fs::path(testing_util::UniqueTempDir()) / "no_such_sysfs").string();
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  absl::StatusOr<NodeInfo> node = Discover(nvml, options);
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].pcieRoot, std::nullopt);
  EXPECT_EQ(node->gpus[0].numaNode, std::nullopt);
  ASSERT_EQ(node->warnings.size(), 1u);
  EXPECT_THAT(node->warnings[0],
              HasSubstr("gpu 0: pcieRoot: "));
  EXPECT_THAT(node->warnings[0], HasSubstr("0000:00:06.0: no such device"));
}

TEST(DiscoverTest, A100WithMigDevices) {
  nvml::FakeLibrary nvml(nvml::FakeA100Config(2, /*mig_enabled=*/true));
  absl::StatusOr<std::string> mig_a =
      nvml.CreateMigDeviceForTest(0, NVML_GPU_INSTANCE_PROFILE_1_SLICE, 0);
  absl::StatusOr<std::string> mig_b =
      nvml.CreateMigDeviceForTest(0, NVML_GPU_INSTANCE_PROFILE_3_SLICE, 4);
  absl::StatusOr<std::string> mig_c =
      nvml.CreateMigDeviceForTest(1, NVML_GPU_INSTANCE_PROFILE_7_SLICE, 0);
  ASSERT_OK(mig_a);
  ASSERT_OK(mig_b);
  ASSERT_OK(mig_c);

  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->driverVersion, "550.54.15");
  EXPECT_EQ(node->cudaDriverVersion, "12.4");
  ASSERT_EQ(node->gpus.size(), 2u);
  const GpuInfo& g0 = node->gpus[0];
  EXPECT_EQ(g0.name, "NVIDIA A100-SXM4-40GB");
  EXPECT_EQ(g0.architecture, "Ampere");
  EXPECT_EQ(g0.cudaComputeCapability, "8.0");
  EXPECT_EQ(g0.pciBusID, "0000:07:00.0");
  EXPECT_EQ(node->gpus[1].pciBusID, "0000:0f:00.0");
  EXPECT_TRUE(g0.migEnabled);
  EXPECT_THAT(ProfileIds(g0), ElementsAre(19, 20, 15, 14, 9, 5, 0));
  EXPECT_THAT(ProfileNames(g0),
              ElementsAre("1g.5gb", "1g.5gb+me", "1g.10gb", "2g.10gb",
                          "3g.20gb", "4g.20gb", "7g.40gb"));

  ASSERT_EQ(g0.migDevices.size(), 2u);
  const MigDeviceInfo& a = g0.migDevices[0];
  EXPECT_EQ(a.uuid, *mig_a);
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(a.gpuInstanceId, 1u);
  EXPECT_EQ(a.computeInstanceId, 0u);
  EXPECT_EQ(a.profileId, 19u);
  EXPECT_EQ(a.profileName, "1g.5gb");
  EXPECT_EQ(a.placement, (MigPlacement{0, 1}));
  EXPECT_EQ(a.multiprocessors, 14u);
  EXPECT_EQ(a.memoryMB, 4864u);
  EXPECT_EQ(a.gpuInstanceSlices, 1u);
  EXPECT_EQ(a.computeInstanceSlices, 1u);
  const MigDeviceInfo& b = g0.migDevices[1];
  EXPECT_EQ(b.uuid, *mig_b);
  EXPECT_EQ(b.index, 1u);
  EXPECT_EQ(b.gpuInstanceId, 2u);
  EXPECT_EQ(b.profileId, 9u);
  EXPECT_EQ(b.profileName, "3g.20gb");
  EXPECT_EQ(b.placement, (MigPlacement{4, 4}));
  EXPECT_EQ(b.multiprocessors, 42u);
  EXPECT_EQ(b.decoders, 2u);
  EXPECT_EQ(b.memoryMB, 19968u);
  EXPECT_THAT(b.uuid, ::testing::StartsWith("MIG-"));

  ASSERT_EQ(node->gpus[1].migDevices.size(), 1u);
  EXPECT_EQ(node->gpus[1].migDevices[0].uuid, *mig_c);
  EXPECT_EQ(node->gpus[1].migDevices[0].profileName, "7g.40gb");
  EXPECT_EQ(node->gpus[1].migDevices[0].placement, (MigPlacement{0, 8}));
  EXPECT_THAT(node->warnings, ::testing::IsEmpty());
}

TEST(DiscoverTest, MigEnabledWithoutDevicesHasNoMigDevices) {
  nvml::FakeLibrary nvml(nvml::FakeA100Config(1, /*mig_enabled=*/true));
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_TRUE(node->gpus[0].migEnabled);
  EXPECT_THAT(node->gpus[0].migDevices, ::testing::IsEmpty());
  // The stranded-capacity warning belongs to devices::BuildGpuDevices.
  EXPECT_THAT(node->warnings, ::testing::IsEmpty());
}

TEST(DiscoverTest, GpuErrorNamesIndexAndCall) {
  nvml::FakeLibrary nvml(nvml::FakeA100Config(2, false));
  nvml.FailNext("GetUUID", NVML_ERROR_UNKNOWN);  // GPU 0's UUID
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kUnknown,
                             "gpu 0: nvmlDeviceGetUUID: Unknown Error (999)"));
  EXPECT_EQ(nvml::ReturnCode(node.status()), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(nvml.SessionCount(), 0);  // Shutdown still ran
}

TEST(DiscoverTest, SecondGpuError) {
  nvml::FakeLibrary nvml(nvml::FakeA100Config(2, false));
  // GPU 0 reads all profile indexes first; the next read is GPU 1's first.
  for (int i = 0; i < NVML_GPU_INSTANCE_PROFILE_COUNT; ++i) {
    nvml.FailNext("GetGpuInstanceProfileInfo", NVML_ERROR_NOT_SUPPORTED);
  }
  nvml.FailNext("GetGpuInstanceProfileInfo", NVML_ERROR_NO_PERMISSION);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  EXPECT_THAT(node,
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "gpu 1: nvmlDeviceGetGpuInstanceProfileInfoV: "
                       "Insufficient Permissions (4)"));
  EXPECT_EQ(nvml::ReturnCode(node.status()), NVML_ERROR_NO_PERMISSION);
  EXPECT_EQ(nvml.SessionCount(), 0);
}

TEST(DiscoverTest, MemoryNotSupported) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.gpus[0].memory.reset();
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].memoryBytes, std::nullopt);
  // Without total memory the names come from NVML.
  EXPECT_THAT(ProfileNames(node->gpus[0]),
              ElementsAre("1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb",
                          "3g.40gb", "4g.40gb", "7g.80gb"));
}

TEST(DiscoverTest, MemoryOtherErrorFails) {
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  nvml.FailNext("GetMemoryInfo", NVML_ERROR_GPU_IS_LOST);
  EXPECT_THAT(Discover(nvml, NoSysfs()),
              StatusIs(absl::StatusCode::kUnavailable,
                       "gpu 0: nvmlDeviceGetMemoryInfo: GPU is lost (15)"));
}

TEST(DiscoverTest, AddressingModeOnlyWithSymbol) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.missing_symbols = {"nvmlDeviceGetAddressingMode"};
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].addressingMode, std::nullopt);
  EXPECT_EQ(nvml.CallCount("GetAddressingMode"), 0);

  nvml::FakeConfig ats = nvml::FakeH100Config();
  ats.gpus[0].addressing_mode = NVML_DEVICE_ADDRESSING_MODE_ATS;
  nvml::FakeLibrary nvml_ats(ats);
  node = Discover(nvml_ats, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].addressingMode, "ATS");

  nvml::FakeConfig unsupported = nvml::FakeH100Config();
  unsupported.gpus[0].addressing_mode.reset();
  nvml::FakeLibrary nvml_unsupported(unsupported);
  node = Discover(nvml_unsupported, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].addressingMode, std::nullopt);
}

TEST(DiscoverTest, MigNotCapable) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.gpus[0].mig_capable = false;
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_FALSE(node->gpus[0].migCapable);
  EXPECT_FALSE(node->gpus[0].migEnabled);
  EXPECT_THAT(node->gpus[0].migProfiles, ::testing::IsEmpty());
  EXPECT_EQ(nvml.CallCount("GetGpuInstanceProfileInfo"), 0);
}

TEST(DiscoverTest, MigModeSymbolMissing) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.missing_symbols = {"nvmlDeviceGetMigMode"};
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_FALSE(node->gpus[0].migCapable);
  EXPECT_EQ(nvml.CallCount("GetMigMode"), 0);
}

TEST(DiscoverTest, MigModeOtherErrorFails) {
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  nvml.FailNext("GetMigMode", NVML_ERROR_UNKNOWN);
  EXPECT_THAT(Discover(nvml, NoSysfs()),
              StatusIs(absl::StatusCode::kUnknown,
                       "gpu 0: nvmlDeviceGetMigMode: Unknown Error (999)"));
}

TEST(DiscoverTest, ProfileInfoV1Fallback) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.missing_symbols = {"nvmlDeviceGetGpuInstanceProfileInfoV"};
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_THAT(ProfileNames(node->gpus[0]),
              ElementsAre("1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb",
                          "3g.40gb", "4g.40gb", "7g.80gb"));
  EXPECT_THAT(node->warnings, ::testing::IsEmpty());
}

TEST(DiscoverTest, NvmlNameMismatchWarns) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  std::snprintf(config.gpus[0].profiles[0].info.name,
                sizeof config.gpus[0].profiles[0].info.name, "MIG 1g.11gb");
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_EQ(node->gpus[0].migProfiles[0].name, "1g.10gb");
  EXPECT_THAT(node->warnings,
              ElementsAre("gpu 0: MIG profile 19 is named \"1g.10gb\" here "
                          "but \"1g.11gb\" by NVML"));
}

TEST(DiscoverTest, InitFailure) {
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  nvml.FailNext("Init", NVML_ERROR_DRIVER_NOT_LOADED);
  EXPECT_THAT(Discover(nvml, NoSysfs()),
              StatusIs(absl::StatusCode::kUnavailable,
                       "nvmlInitWithFlags: Driver Not Loaded (9)"));
  EXPECT_EQ(nvml.CallCount("Shutdown"), 0);
}

TEST(DiscoverTest, ShutdownFailureAfterSuccess) {
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  nvml.FailNext("Shutdown", NVML_ERROR_UNKNOWN);
  EXPECT_THAT(Discover(nvml, NoSysfs()),
              StatusIs(absl::StatusCode::kUnknown,
                       "nvmlShutdown: Unknown Error (999)"));
}

TEST(DiscoverTest, InSessionNeedsInit) {
  nvml::FakeLibrary nvml(nvml::FakeH100Config());
  EXPECT_THAT(DiscoverInSession(nvml, NoSysfs()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvmlSystemGetDriverVersion: Uninitialized (1)"));
  ASSERT_OK(nvml.Init(0));
  ASSERT_OK(DiscoverInSession(nvml, NoSysfs()));
  EXPECT_EQ(nvml.SessionCount(), 1);
}

TEST(DiscoverTest, SkipsDgxDisplay) {
  nvml::FakeConfig config = nvml::FakeA100Config(2, false);
  config.gpus[0].name = "NVIDIA DGX Display";
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  ASSERT_EQ(node->gpus.size(), 1u);
  EXPECT_EQ(node->gpus[0].index, 1u);
  EXPECT_TRUE(IsSkippedDeviceName("DGX Display"));
  EXPECT_FALSE(IsSkippedDeviceName("NVIDIA A100-SXM4-40GB"));
}

TEST(DiscoverTest, FabricClique) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  nvmlGpuFabricInfo_v3_t fabric{};
  const unsigned char uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
                                  0xde, 0xf0, 0x01, 0x02, 0x03, 0x04,
                                  0x05, 0x06, 0x07, 0x08};
  std::memcpy(fabric.clusterUuid, uuid, 16);
  fabric.cliqueId = 32766;
  fabric.state = NVML_GPU_FABRIC_STATE_COMPLETED;
  fabric.status = NVML_SUCCESS;
  fabric.healthSummary = NVML_GPU_FABRIC_HEALTH_SUMMARY_HEALTHY;
  config.gpus[0].fabric = fabric;
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  ASSERT_TRUE(node->gpus[0].fabric.has_value());
  const FabricInfo& f = *node->gpus[0].fabric;
  EXPECT_EQ(f.clusterUuid, "12345678-9abc-def0-0102-030405060708");
  EXPECT_EQ(f.cliqueId, 32766u);
  EXPECT_EQ(f.state, 3u);
  EXPECT_EQ(f.healthSummary, 1u);
  EXPECT_EQ(f.CliqueKey(), "12345678-9abc-def0-0102-030405060708.32766");
}

TEST(DiscoverTest, FabricNotSupported) {
  nvml::FakeConfig config = nvml::FakeH100Config();
  config.gpus[0].fabric.reset();
  nvml::FakeLibrary nvml(config);
  absl::StatusOr<NodeInfo> node = Discover(nvml, NoSysfs());
  ASSERT_OK(node);
  EXPECT_FALSE(node->gpus[0].fabric.has_value());
}

TEST(FabricInfoTest, CliqueKey) {
  FabricInfo f;
  f.clusterUuid = "12345678-9abc-def0-0102-030405060708";
  f.cliqueId = 7;
  f.state = NVML_GPU_FABRIC_STATE_COMPLETED;
  EXPECT_EQ(f.CliqueKey(), "12345678-9abc-def0-0102-030405060708.7");
  f.state = NVML_GPU_FABRIC_STATE_IN_PROGRESS;
  EXPECT_EQ(f.CliqueKey(), "12345678-9abc-def0-0102-030405060708.7");
  f.state = NVML_GPU_FABRIC_STATE_NOT_SUPPORTED;
  EXPECT_EQ(f.CliqueKey(), "");
  f.state = NVML_GPU_FABRIC_STATE_COMPLETED;
  f.clusterUuid = "00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(f.CliqueKey(), "");
  f.clusterUuid = "";
  EXPECT_EQ(f.CliqueKey(), "");
}

}  // namespace
}  // namespace hw

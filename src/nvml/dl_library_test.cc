#include "nvml/dl_library.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/nvml_mock_env.h"
#include "testing/temp_dir.h"
#include "nvml/errors.h"
#include "testing/status_matchers.h"

namespace nvml {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

TEST(LoadLibraryTest, MissingFile) {
  EXPECT_THAT(LoadLibrary("/no/such/dir/libnvidia-ml.so.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot load NVML library "
                                 "/no/such/dir/libnvidia-ml.so.1: ")));
}

TEST(LoadLibraryTest, NotALibrary) {
  fs::path path = fs::path(testing_util::UniqueTempDir()) / "not_a_library.so.1";
  std::ofstream(path) << "this is text\n";
  EXPECT_THAT(LoadLibrary(path.string()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot load NVML library " + path.string())));
}

TEST(LoadFromDriverRootTest, NamesSearchedPaths) {
  fs::path root = fs::path(testing_util::UniqueTempDir()) / "empty_driver_root";
  fs::create_directories(root);
  absl::StatusOr<std::unique_ptr<Library>> lib = LoadFromDriverRoot(root.string());
  EXPECT_THAT(lib, StatusIs(absl::StatusCode::kNotFound,
                            HasSubstr(root.string() + "/usr/lib64/libnvidia-ml.so.1")));
}

#ifdef NOT_NVML_LIBRARY
TEST(LoadLibraryTest, LibraryWithoutInit) {
  EXPECT_THAT(LoadLibrary(NOT_NVML_LIBRARY),
              StatusIs(absl::StatusCode::kNotFound,
                       std::string("NVML library ") + NOT_NVML_LIBRARY +
                           " does not export nvmlInit_v2"));
}
#endif

#ifdef MINIMAL_NVML_LIBRARY
TEST(MinimalLibraryTest, FallbacksAndMissingSymbols) {
  absl::StatusOr<std::unique_ptr<Library>> lib = LoadLibrary(MINIMAL_NVML_LIBRARY);
  ASSERT_OK(lib);
  Library& nvml = **lib;
  EXPECT_TRUE(nvml.HasSymbol("nvmlInit_v2"));
  EXPECT_FALSE(nvml.HasSymbol("nvmlDeviceGetMigMode"));
  ASSERT_OK(nvml.Init(0));
  ASSERT_OK(nvml.Init(NVML_INIT_FLAG_NO_GPUS));

  // Old names are used when the versioned ones are absent.
  absl::StatusOr<unsigned int> count = nvml.DeviceGetCount();
  ASSERT_OK(count);
  EXPECT_EQ(*count, 2u);
  absl::StatusOr<nvmlDevice_t> dev = nvml.DeviceGetHandleByIndex(1);
  ASSERT_OK(dev);
  EXPECT_THAT(nvml.DeviceGetHandleByIndex(5),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "nvmlDeviceGetHandleByIndex: minimal: error (2)"));
  absl::StatusOr<std::string> name = nvml.GetName(*dev);
  ASSERT_OK(name);
  EXPECT_EQ(*name, "Minimal GPU");

  // The library's own error string; the code survives in the payload.
  absl::StatusOr<nvmlMemory_t> mem = nvml.GetMemoryInfo(*dev);
  EXPECT_THAT(mem, StatusIs(absl::StatusCode::kUnimplemented,
                            "nvmlDeviceGetMemoryInfo: minimal: not supported (3)"));
  EXPECT_TRUE(IsNotSupported(mem.status()));

  // Missing symbol: FUNCTION_NOT_FOUND under the preferred name.
  absl::StatusOr<MigMode> mig = nvml.GetMigMode(*dev);
  EXPECT_THAT(mig, StatusIs(absl::StatusCode::kUnimplemented,
                            "nvmlDeviceGetMigMode: Function Not Found (13)"));
  EXPECT_TRUE(IsFunctionNotFound(mig.status()));
  EXPECT_TRUE(IsFunctionNotFound(nvml.GetPciInfo(*dev).status()));
  EXPECT_THAT(nvml.GetPciInfo(*dev).status().message(),
              "nvmlDeviceGetPciInfo_v3: Function Not Found (13)");

  // GI profile info falls back to v1 (no name).
  absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t> info =
      nvml.GetGpuInstanceProfileInfo(*dev, 0);
  ASSERT_OK(info);
  EXPECT_EQ(info->id, 19u);
  EXPECT_EQ(info->memorySizeMB, 4864u);
  EXPECT_EQ(info->version, 0u);
  EXPECT_STREQ(info->name, "");

  // Fabric V: v3 refused, v2 accepted.
  absl::StatusOr<nvmlGpuFabricInfo_v3_t> fabric = nvml.GetGpuFabricInfo(*dev);
  ASSERT_OK(fabric);
  EXPECT_EQ(fabric->version, nvmlGpuFabricInfo_v2);
  EXPECT_EQ(fabric->cliqueId, 5u);
  EXPECT_EQ(fabric->state, NVML_GPU_FABRIC_STATE_COMPLETED);
  EXPECT_EQ(fabric->clusterUuid[0], 0xab);
  EXPECT_EQ(fabric->healthSummary, 0);

  ASSERT_OK(nvml.Shutdown());
  ASSERT_OK(nvml.Shutdown());
  EXPECT_THAT(nvml.Shutdown(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        "nvmlShutdown: minimal: error (1)"));
}
#endif

// ---- Against the NVML mock (testing/nvml-mock) ---------------------------
#ifdef NVML_MOCK_LIBRARY
class MockLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path dir = fs::path(testing_util::UniqueTempDir()) / "dl_library_mock";
    ASSERT_NO_FATAL_FAILURE(testing_util::UseNvmlMockTopology("h100-pcie-vm", dir));
    absl::StatusOr<std::unique_ptr<Library>> lib = LoadLibrary(NVML_MOCK_LIBRARY);
    ASSERT_OK(lib);
    lib_ = std::move(*lib);
    ASSERT_OK(lib_->Init(NVML_INIT_FLAG_NO_GPUS));
  }
  void TearDown() override {
    if (lib_ != nullptr) {
      EXPECT_OK(lib_->Shutdown());
    }
  }
  std::unique_ptr<Library> lib_;
};

TEST_F(MockLibraryTest, FixtureIdentity) {
  Library& nvml = *lib_;
  EXPECT_TRUE(nvml.HasSymbol("nvmlDeviceGetMigMode"));
  EXPECT_FALSE(nvml.HasSymbol("nvmlNoSuchFunction"));
  absl::StatusOr<std::string> driver = nvml.SystemGetDriverVersion();
  ASSERT_OK(driver);
  EXPECT_EQ(*driver, "580.159.04");
  absl::StatusOr<int> cuda = nvml.SystemGetCudaDriverVersion();
  ASSERT_OK(cuda);
  EXPECT_EQ(*cuda, 13000);
  absl::StatusOr<unsigned int> count = nvml.DeviceGetCount();
  ASSERT_OK(count);
  ASSERT_EQ(*count, 1u);
  absl::StatusOr<nvmlDevice_t> dev = nvml.DeviceGetHandleByIndex(0);
  ASSERT_OK(dev);
  absl::StatusOr<std::string> uuid = nvml.GetUUID(*dev);
  ASSERT_OK(uuid);
  EXPECT_EQ(*uuid, "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  absl::StatusOr<std::string> name = nvml.GetName(*dev);
  ASSERT_OK(name);
  EXPECT_EQ(*name, "NVIDIA H100 80GB HBM3");
  absl::StatusOr<nvmlPciInfo_t> pci = nvml.GetPciInfo(*dev);
  ASSERT_OK(pci);
  EXPECT_STREQ(pci->busId, "00000000:00:06.0");
  EXPECT_EQ(pci->pciDeviceId, 590352606u);
  absl::StatusOr<nvmlMemory_t> mem = nvml.GetMemoryInfo(*dev);
  ASSERT_OK(mem);
  EXPECT_EQ(mem->total, 85520809984ULL);
  absl::StatusOr<nvmlDeviceArchitecture_t> arch = nvml.GetArchitecture(*dev);
  ASSERT_OK(arch);
  EXPECT_EQ(*arch, static_cast<nvmlDeviceArchitecture_t>(NVML_DEVICE_ARCH_HOPPER));
  absl::StatusOr<nvmlBrandType_t> brand = nvml.GetBrand(*dev);
  ASSERT_OK(brand);
  EXPECT_EQ(*brand, NVML_BRAND_NVIDIA);
  absl::StatusOr<ComputeCapability> cc = nvml.GetCudaComputeCapability(*dev);
  ASSERT_OK(cc);
  EXPECT_EQ(cc->major, 9);
  EXPECT_EQ(cc->minor, 0);
  absl::StatusOr<unsigned int> minor = nvml.GetMinorNumber(*dev);
  ASSERT_OK(minor);
  EXPECT_EQ(*minor, 0u);
  absl::StatusOr<MigMode> mig = nvml.GetMigMode(*dev);
  ASSERT_OK(mig);
  EXPECT_EQ(mig->current, 0u);
  EXPECT_EQ(mig->pending, 0u);
  EXPECT_TRUE(IsNotSupported(nvml.GetNumaNodeId(*dev).status()));
}

TEST_F(MockLibraryTest, FixtureProfiles) {
  Library& nvml = *lib_;
  absl::StatusOr<nvmlDevice_t> dev = nvml.DeviceGetHandleByIndex(0);
  ASSERT_OK(dev);
  absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t> info =
      nvml.GetGpuInstanceProfileInfo(*dev, NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1);
  ASSERT_OK(info);
  EXPECT_EQ(info->id, 20u);
  EXPECT_EQ(info->memorySizeMB, 9984u);
  EXPECT_STREQ(info->name, "MIG 1g.10gb+me");
  EXPECT_TRUE(IsNotSupported(nvml.GetGpuInstanceProfileInfo(*dev, 5).status()));
  EXPECT_TRUE(IsNvmlInvalidArgument(nvml.GetGpuInstanceProfileInfo(*dev, 17).status()));
  absl::StatusOr<std::vector<nvmlGpuInstancePlacement_t>> placements =
      nvml.GetGpuInstancePossiblePlacements(*dev, 15);
  ASSERT_OK(placements);
  ASSERT_EQ(placements->size(), 4u);
  EXPECT_EQ((*placements)[3].start, 6u);
  EXPECT_EQ((*placements)[3].size, 2u);
}
#endif

}  // namespace
}  // namespace nvml

// hw::Discover through nvml::LoadLibrary against the NVML mock with the
// h100-pcie-vm topology: the facts must be those of the real machine in
// shared/fixtures/h100-pcie-vm. Skipped when the mock or the topology is
// not built.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/nvml_mock_env.h"
#include "testing/temp_dir.h"
#include "hw/discovery.h"
#include "nvml/dl_library.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

TEST(DiscoveryMockTest, H100FixtureThroughDlopen) {
#ifndef NVML_MOCK_LIBRARY
  GTEST_SKIP() << "target nvml_mock not available";
#else
  fs::path dir = fs::path(testing_util::UniqueTempDir()) / "discovery_mock";
  ASSERT_NO_FATAL_FAILURE(testing_util::UseNvmlMockTopology("h100-pcie-vm", dir));

  absl::StatusOr<std::unique_ptr<nvml::Library>> lib =
      nvml::LoadLibrary(NVML_MOCK_LIBRARY);
  ASSERT_OK(lib);
  DiscoveryOptions options;
  options.read_sysfs = false;
  absl::StatusOr<NodeInfo> node = Discover(**lib, options);
  ASSERT_OK(node);
  EXPECT_EQ(node->driverVersion, "580.159.04");
  EXPECT_EQ(node->cudaDriverVersion, "13.0");
  ASSERT_EQ(node->gpus.size(), 1u);
  const GpuInfo& gpu = node->gpus[0];
  EXPECT_EQ(gpu.uuid, "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  EXPECT_EQ(gpu.name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(gpu.minor, 0u);
  EXPECT_EQ(gpu.brand, "Nvidia");
  EXPECT_EQ(gpu.architecture, "Hopper");
  EXPECT_EQ(gpu.cudaComputeCapability, "9.0");
  EXPECT_EQ(gpu.pciBusID, "0000:00:06.0");
  EXPECT_EQ(gpu.memoryBytes, 85520809984ULL);
  EXPECT_TRUE(gpu.migCapable);
  EXPECT_FALSE(gpu.migEnabled);
  std::vector<uint32_t> ids;
  std::vector<std::string> names;
  for (const MigProfile& p : gpu.migProfiles) {
    ids.push_back(p.id);
    names.push_back(p.name);
  }
  EXPECT_THAT(ids, ElementsAre(19, 20, 15, 14, 9, 5, 0));
  EXPECT_THAT(names, ElementsAre("1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb",
                                 "3g.40gb", "4g.40gb", "7g.80gb"));
  ASSERT_EQ(gpu.migProfiles[2].placements.size(), 4u);  // 1g.20gb
  EXPECT_EQ(gpu.migProfiles[2].placements[3], (MigPlacement{6, 2}));
  EXPECT_THAT(node->warnings, ::testing::IsEmpty());
#endif
}

}  // namespace
}  // namespace hw

#include "hw/nvidia_caps.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

using ::testing_util::StatusIs;

TEST(ParseCapAccessTest, FixtureOneLine) {
  // As recon.txt shows mig/config.
  absl::StatusOr<CapAccess> a = ParseCapAccess(
      "DeviceFileMinor: 1 DeviceFileMode: 256 DeviceFileModify: 1 ");
  ASSERT_OK(a);
  EXPECT_EQ(*a, (CapAccess{1, 256, true}));
}

TEST(ParseCapAccessTest, MultiLine) {
  absl::StatusOr<CapAccess> a = ParseCapAccess(
      "DeviceFileMinor: 4323\nDeviceFileMode: 256\nDeviceFileModify: 0\n");
  ASSERT_OK(a);
  EXPECT_EQ(*a, (CapAccess{4323, 256, false}));
}

TEST(ParseCapAccessTest, Errors) {
  EXPECT_THAT(ParseCapAccess("DeviceFileMode: 256"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("lacks DeviceFileMinor")));
  EXPECT_THAT(ParseCapAccess("DeviceFileMinor: x DeviceFileMode: 256"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("bad value for DeviceFileMinor:")));
}

TEST(CapPathsTest, Paths) {
  EXPECT_EQ(MigConfigCapPath(), "/proc/driver/nvidia/capabilities/mig/config");
  EXPECT_EQ(MigMonitorCapPath(), "/proc/driver/nvidia/capabilities/mig/monitor");
  EXPECT_EQ(FabricImexMgmtCapPath(),
            "/proc/driver/nvidia/capabilities/fabric-imex-mgmt");
  EXPECT_EQ(GpuInstanceCapPath(0, 7),
            "/proc/driver/nvidia/capabilities/gpu0/mig/gi7/access");
  EXPECT_EQ(ComputeInstanceCapPath(3, 7, 0),
            "/proc/driver/nvidia/capabilities/gpu3/mig/gi7/ci0/access");
  EXPECT_EQ(CapDevicePath(2), "/dev/nvidia-caps/nvidia-cap2");
}

TEST(ReadCapAccessTest, UnderRoot) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(testing_util::UniqueTempDir()) / "caps_root";
  fs::remove_all(root);
  fs::path gi = root / "proc/driver/nvidia/capabilities/gpu0/mig/gi1";
  fs::create_directories(gi / "ci0");
  std::ofstream(gi / "access")
      << "DeviceFileMinor: 12\nDeviceFileMode: 292\nDeviceFileModify: 1\n";
  std::ofstream(gi / "ci0/access")
      << "DeviceFileMinor: 13\nDeviceFileMode: 292\nDeviceFileModify: 1\n";
  std::ofstream(root / "proc/driver/nvidia/capabilities/gpu0/mig/gi1/bad")
      << "garbage";

  absl::StatusOr<CapAccess> g = ReadCapAccess(root.string(), GpuInstanceCapPath(0, 1));
  ASSERT_OK(g);
  EXPECT_EQ(*g, (CapAccess{12, 292, true}));
  absl::StatusOr<CapAccess> c =
      ReadCapAccess(root.string(), ComputeInstanceCapPath(0, 1, 0));
  ASSERT_OK(c);
  EXPECT_EQ(c->minor, 13u);
  EXPECT_THAT(ReadCapAccess(root.string(), GpuInstanceCapPath(0, 2)),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("gi2")));
  EXPECT_THAT(ReadCapAccess(root.string(),
                            "/proc/driver/nvidia/capabilities/gpu0/mig/gi1/bad"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("gi1/bad: capability file lacks")));
}

}  // namespace
}  // namespace hw

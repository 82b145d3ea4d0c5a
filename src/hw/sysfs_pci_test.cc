#include "hw/sysfs_pci.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

namespace fs = std::filesystem;
using ::testing_util::StatusIs;

// A fake sysfs: sys/devices/pci0000:00/0000:00:06.0 (numa -1, as the fixture)
// and sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0 (numa 1), linked from
// sys/bus/pci/devices with relative links like the kernel's.
class SysfsPciTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing_util::UniqueTempDir()) / "sysfs_pci_root";
    fs::remove_all(root_);
    fs::path devices = root_ / "sys/devices";
    fs::path bus = root_ / "sys/bus/pci/devices";
    fs::create_directories(bus);
    fs::create_directories(devices / "pci0000:00/0000:00:06.0");
    std::ofstream(devices / "pci0000:00/0000:00:06.0/numa_node") << "-1\n";
    fs::create_directories(devices / "pci0000:3a/0000:3a:00.0/0000:3b:00.0");
    std::ofstream(devices / "pci0000:3a/0000:3a:00.0/0000:3b:00.0/numa_node")
        << "1\n";
    fs::create_directory_symlink("../../../devices/pci0000:00/0000:00:06.0",
                                 bus / "0000:00:06.0");
    fs::create_directory_symlink(
        "../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0",
        bus / "0000:3b:00.0");
    // A link without a root complex in its target.
    fs::create_directories(devices / "platform/odd");
    fs::create_directory_symlink("../../../devices/platform/odd",
                                 bus / "0000:99:00.0");
  }
  fs::path root_;
};

TEST_F(SysfsPciTest, PcieRoot) {
  absl::StatusOr<std::string> r = ReadPcieRoot(root_.string(), "0000:00:06.0");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "pci0000:00");
  r = ReadPcieRoot(root_.string(), "0000:3b:00.0");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "pci0000:3a");
}

TEST_F(SysfsPciTest, PcieRootErrors) {
  EXPECT_THAT(ReadPcieRoot(root_.string(), "0000:01:00.0"),
              StatusIs(absl::StatusCode::kNotFound,
                       ::testing::HasSubstr("0000:01:00.0: no such device")));
  EXPECT_THAT(ReadPcieRoot(root_.string(), "0000:99:00.0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("no PCI root complex")));
}

TEST_F(SysfsPciTest, NumaNode) {
  absl::StatusOr<std::optional<int>> n = ReadNumaNode(root_.string(), "0000:00:06.0");
  ASSERT_OK(n);
  EXPECT_EQ(*n, std::nullopt);
  n = ReadNumaNode(root_.string(), "0000:3b:00.0");
  ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(ReadNumaNode(root_.string(), "0000:01:00.0"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(SysfsPciTest, NumaNodeGarbage) {
  std::ofstream(root_ / "sys/devices/pci0000:00/0000:00:06.0/numa_node") << "x";
  EXPECT_THAT(ReadNumaNode(root_.string(), "0000:00:06.0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("not a number")));
}

}  // namespace
}  // namespace hw

#include "hw/proc_devices.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

using ::testing_util::StatusIs;

// /proc/devices of the fixture machine (shared/fixtures/h100-pcie-vm/recon.txt).
constexpr char kFixtureProcDevices[] = R"(Character devices:
  1 mem
  4 /dev/vc/0
  4 tty
  4 ttyS
  5 /dev/tty
  5 /dev/console
  5 /dev/ptmx
  7 vcs
 10 misc
 13 input
128 ptm
136 pts
195 nvidia
195 nvidiactl
203 cpu/cpuid
231 infiniband_mad
231 infiniband_verbs
238 nvidia-uvm
239 nvidia-nvswitch
240 nvidia-nvlink
241 nvidia-caps
242 nvidia-caps-imex-channels
243 hidraw
244 infiniband_verbs
245 infiniband_mad
246 macvtap
247 mei
248 bsg
249 watchdog
250 ptp
251 pps
252 dax
253 dimmctl
254 ndctl

Block devices:
  7 loop
253 zram
254 virtblk
259 blkext
)";

TEST(ParseProcDevicesTest, FixtureMajors) {
  absl::StatusOr<DeviceMajors> m = ParseProcDevices(kFixtureProcDevices);
  ASSERT_OK(m);
  EXPECT_EQ(m->nvidia, 195u);
  EXPECT_EQ(m->nvidiaUvm, 238u);
  EXPECT_EQ(m->nvidiaCaps, 241u);
  EXPECT_EQ(m->nvidiaCapsImexChannels, 242u);
  EXPECT_EQ(m->all.at("nvidiactl"), 195u);
  EXPECT_EQ(m->all.at("nvidia-nvswitch"), 239u);
  // Duplicated names keep the first major; block devices are ignored.
  EXPECT_EQ(m->all.at("infiniband_verbs"), 231u);
  EXPECT_EQ(m->all.count("zram"), 0u);
  EXPECT_EQ(m->all.count("loop"), 0u);
}

TEST(ParseProcDevicesTest, FrontendPreferred) {
  absl::StatusOr<DeviceMajors> m = ParseProcDevices(
      "Character devices:\n195 nvidia-frontend\n196 nvidia\n");
  ASSERT_OK(m);
  EXPECT_EQ(m->nvidia, 195u);
}

TEST(ParseProcDevicesTest, NoDriver) {
  absl::StatusOr<DeviceMajors> m =
      ParseProcDevices("Character devices:\n  1 mem\n\nBlock devices:\n");
  ASSERT_OK(m);
  EXPECT_FALSE(m->nvidia.has_value());
  EXPECT_FALSE(m->nvidiaUvm.has_value());
  EXPECT_FALSE(m->nvidiaCaps.has_value());
  EXPECT_FALSE(m->nvidiaCapsImexChannels.has_value());
}

TEST(ParseProcDevicesTest, MalformedLine) {
  EXPECT_THAT(ParseProcDevices("Character devices:\nabc nvidia\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("\"abc nvidia\"")));
}

TEST(ReadProcDevicesTest, ReadsUnderRoot) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(testing_util::UniqueTempDir()) / "proc_devices_root";
  fs::remove_all(root);
  fs::create_directories(root / "proc");
  std::ofstream(root / "proc/devices") << kFixtureProcDevices;
  absl::StatusOr<DeviceMajors> m = ReadProcDevices(root.string());
  ASSERT_OK(m);
  EXPECT_EQ(m->nvidiaCaps, 241u);
  EXPECT_THAT(ReadProcDevices((root / "missing").string()),
              StatusIs(absl::StatusCode::kNotFound,
                       ::testing::HasSubstr("missing/proc/devices")));
}

}  // namespace
}  // namespace hw

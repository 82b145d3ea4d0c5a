// visibility_test.cc: a process sees only the GPUs whose /dev/nvidia<minor>
// exists in its device dir (NVML_MOCK_DEV_DIR), renumbered from 0, like a
// container that received some GPUs through CDI.
#include <sys/stat.h>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

class VisibilityTest : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    UseTopology("dgx-a100");
    ::unsetenv("NVML_MOCK_IGNORE_DEV");
    dev_ = dir_ + "/dev";
    ::mkdir(dev_.c_str(), 0755);
    ::setenv("NVML_MOCK_DEV_DIR", dev_.c_str(), 1);
  }
  unsigned Count() {
    unsigned n = 99;
    EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_SUCCESS);
    return n;
  }
  std::string dev_;
};

TEST_F(VisibilityTest, OnlyNvidia1) {
  WriteText(dev_ + "/nvidiactl", "");
  WriteText(dev_ + "/nvidia1", "");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  ASSERT_EQ(Count(), 1u);
  nvmlDevice_t d = Gpu(0);
  unsigned minor = 9, index = 9;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*)>("nvmlDeviceGetMinorNumber", d, &minor), NVML_SUCCESS);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*)>("nvmlDeviceGetIndex", d, &index), NVML_SUCCESS);
  EXPECT_EQ(minor, 1u);
  EXPECT_EQ(index, 0u);
  char uuid[96];
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetUUID", d, uuid, 96u), NVML_SUCCESS);
  EXPECT_STREQ(uuid, "GPU-a100a100-0000-4000-8000-000000000001");
  nvmlDevice_t other = nullptr;
  EXPECT_EQ(Call<nvmlReturn_t(const char*, nvmlDevice_t*)>("nvmlDeviceGetHandleByUUID",
                      "GPU-a100a100-0000-4000-8000-000000000000", &other), NVML_ERROR_NOT_FOUND);
}

TEST_F(VisibilityTest, NoGpuNodes) {
  WriteText(dev_ + "/nvidiactl", "");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  EXPECT_EQ(Count(), 0u);
}

TEST_F(VisibilityTest, IgnoreDev) {
  ::setenv("NVML_MOCK_IGNORE_DEV", "1", 1);
  ASSERT_EQ(Init(), NVML_SUCCESS);
  EXPECT_EQ(Count(), 8u);
}

}  // namespace
}  // namespace nvml_mock_test

// events_test.cc: fault injection through nvml-mock-ctl (another process):
// XID events reach waiters (also in other processes), lost GPUs, failing
// and slow functions.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

using Wait = nvmlReturn_t(nvmlEventSet_t, nvmlEventData_t*, unsigned);

class EventsTest : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    UseTopology("dgx-a100");
    ASSERT_EQ(Init(), NVML_SUCCESS);
  }
  nvmlEventSet_t Register(nvmlDevice_t d) {
    nvmlEventSet_t set = nullptr;
    EXPECT_EQ(Call<nvmlReturn_t(nvmlEventSet_t*)>("nvmlEventSetCreate", &set), NVML_SUCCESS);
    EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned long long, nvmlEventSet_t)>("nvmlDeviceRegisterEvents", d,
                        static_cast<unsigned long long>(nvmlEventTypeXidCriticalError), set), NVML_SUCCESS);
    return set;
  }
};

TEST_F(EventsTest, XidReachesWaiter) {
  nvmlDevice_t d2 = Gpu(2);
  Ctl("xid --gpu 2 --xid 13");  // before registration: not delivered
  nvmlEventSet_t set = Register(d2);
  nvmlEventData_t ev{};
  EXPECT_EQ(Call<Wait>("nvmlEventSetWait_v2", set, &ev, 50u), NVML_ERROR_TIMEOUT);
  Ctl("xid --gpu 1 --xid 31");  // another GPU: not delivered
  Ctl("xid --gpu GPU-a100a100-0000-4000-8000-000000000002 --xid 79 --gi 3 --ci 0");
  ASSERT_EQ(Call<Wait>("nvmlEventSetWait_v2", set, &ev, 2000u), NVML_SUCCESS);
  EXPECT_EQ(ev.device, d2);
  EXPECT_EQ(ev.eventType, static_cast<unsigned long long>(nvmlEventTypeXidCriticalError));
  EXPECT_EQ(ev.eventData, 79u);
  EXPECT_EQ(ev.gpuInstanceId, 3u);
  EXPECT_EQ(ev.computeInstanceId, 0u);
  EXPECT_EQ(Call<Wait>("nvmlEventSetWait_v2", set, &ev, 20u), NVML_ERROR_TIMEOUT);
  EXPECT_EQ(Call<nvmlReturn_t(nvmlEventSet_t)>("nvmlEventSetFree", set), NVML_SUCCESS);
}

TEST_F(EventsTest, WaiterInAnotherProcess) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    nvmlEventSet_t set = Register(Gpu(5));
    char ready = 'r';
    if (::write(pipefd[1], &ready, 1) != 1) ::_exit(3);
    nvmlEventData_t ev{};
    nvmlReturn_t r = Call<Wait>("nvmlEventSetWait_v2", set, &ev, 10000u);
    ::_exit(r == NVML_SUCCESS && ev.eventData == 48 && ev.device == Gpu(5) ? 0 : 1);
  }
  ::close(pipefd[1]);
  char c = 0;
  ASSERT_EQ(::read(pipefd[0], &c, 1), 1);
  ::close(pipefd[0]);
  Ctl("xid --gpu 5 --xid 48");
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(EventsTest, LostGpu) {
  nvmlDevice_t d = Gpu(3);
  nvmlEventSet_t set = Register(d);
  Ctl("lose --gpu GPU-a100a100-0000-4000-8000-000000000003");
  char name[96];
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetName", d, name, 96u), NVML_ERROR_GPU_IS_LOST);
  unsigned minor = 0;
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*)>("nvmlDeviceGetMinorNumber", d, &minor), NVML_ERROR_GPU_IS_LOST);
  nvmlEventData_t ev{};
  EXPECT_EQ(Call<Wait>("nvmlEventSetWait_v2", set, &ev, 1000u), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetName", Gpu(2), name, 96u), NVML_SUCCESS);
  Ctl("heal --gpu GPU-a100a100-0000-4000-8000-000000000003");
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetName", d, name, 96u), NVML_SUCCESS);
}

TEST_F(EventsTest, FailAfterNCallsAndSleep) {
  Ctl("fail --function nvmlDeviceGetCount_v2 --code 999 --after 3");
  unsigned n = 0;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_SUCCESS) << i;
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount", &n), NVML_SUCCESS);
  Ctl("sleep --function nvmlDeviceGetCount --ms 150");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount", &n), NVML_SUCCESS);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  Ctl("reset");
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_SUCCESS);
}

}  // namespace
}  // namespace nvml_mock_test

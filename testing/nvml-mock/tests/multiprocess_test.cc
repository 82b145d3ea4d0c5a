// multiprocess_test.cc: the MIG state lives in a locked state file, so a
// process sees what another one created (like hardware), and concurrent
// creators/destroyers leave a consistent, parseable state.
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include <nlohmann/json.hpp>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

using CreateGi = nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*);

nvmlReturn_t SetMig(nvmlDevice_t d, unsigned mode) {
  nvmlReturn_t act;
  return Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlReturn_t*)>("nvmlDeviceSetMigMode", d, mode, &act);
}

TEST_F(MockTest, StatePersistsAcrossProcesses) {
  UseTopology("h100-pcie-vm");
  int rc = InChild([&] {
    if (Init() != NVML_SUCCESS) return 1;
    nvmlDevice_t d = nullptr;
    if (Call<nvmlReturn_t(unsigned, nvmlDevice_t*)>("nvmlDeviceGetHandleByIndex_v2", 0u, &d) != NVML_SUCCESS) return 2;
    if (SetMig(d, 1) != NVML_SUCCESS) return 3;
    nvmlGpuInstance_t gi = nullptr;
    if (Call<CreateGi>("nvmlDeviceCreateGpuInstance", d, 14u, &gi) != NVML_SUCCESS) return 4;
    return 0;
  });
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(Init(), NVML_SUCCESS);
  nvmlDevice_t d = Gpu(0);
  unsigned cur = 0, pend = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*, unsigned*)>("nvmlDeviceGetMigMode", d, &cur, &pend), NVML_SUCCESS);
  EXPECT_EQ(cur, 1u);
  nvmlGpuInstance_t gis[4];
  unsigned count = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*, unsigned*)>("nvmlDeviceGetGpuInstances", d, 14u,
                      gis, &count), NVML_SUCCESS);
  EXPECT_EQ(count, 1u);
  // And a change made by another process while we are initialised is seen
  // on the next call.
  rc = InChild([&] {
    nvmlGpuInstance_t gi = nullptr;
    return Call<CreateGi>("nvmlDeviceCreateGpuInstance", d, 14u, &gi) == NVML_SUCCESS ? 0 : 1;
  });
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*, unsigned*)>("nvmlDeviceGetGpuInstances", d, 14u,
                      gis, &count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
}

TEST_F(MockTest, ConcurrentProcessesKeepStateConsistent) {
  UseTopology("h100-pcie-vm");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  nvmlDevice_t d = Gpu(0);
  ASSERT_EQ(SetMig(d, 1), NVML_SUCCESS);
  auto worker = [&](unsigned seed) {
    return [&, seed] {
      unsigned profiles[] = {19, 14, 9, 15, 20};
      for (unsigned op = 0; op < 50; ++op) {
        unsigned p = profiles[(seed + op) % 5];
        nvmlGpuInstance_t gi = nullptr;
        nvmlReturn_t r = Call<CreateGi>("nvmlDeviceCreateGpuInstance", d, p, &gi);
        if (r != NVML_SUCCESS && r != NVML_ERROR_INSUFFICIENT_RESOURCES) return 10;
        if (r == NVML_SUCCESS && op % 2 == 1) {
          nvmlReturn_t dr = Call<nvmlReturn_t(nvmlGpuInstance_t)>("nvmlGpuInstanceDestroy", gi);
          // The other process may have destroyed it already.
          if (dr != NVML_SUCCESS && dr != NVML_ERROR_NOT_FOUND && dr != NVML_ERROR_INVALID_ARGUMENT) return 11;
        }
      }
      return 0;
    };
  };
  std::fflush(nullptr);
  pid_t a = ::fork();
  if (a == 0) ::_exit(worker(0)());
  pid_t b = ::fork();
  if (b == 0) ::_exit(worker(3)());
  int sa = 0, sb = 0;
  ASSERT_EQ(::waitpid(a, &sa, 0), a);
  ASSERT_EQ(::waitpid(b, &sb, 0), b);
  EXPECT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) == 0) << sa;
  EXPECT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) == 0) << sb;

  nlohmann::json doc = nlohmann::json::parse(ReadText(state_));  // throws if corrupt
  const auto& gis = doc.at("gpus").at("GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd").at("gpuInstances");
  std::vector<int> used(8, 0);
  std::set<unsigned> ids;
  for (const auto& gi : gis) {
    EXPECT_TRUE(ids.insert(gi.at("id").get<unsigned>()).second) << "duplicate GI id";
    for (unsigned s = gi.at("start").get<unsigned>(); s < gi.at("start").get<unsigned>() + gi.at("size").get<unsigned>(); ++s) {
      ASSERT_LT(s, 8u);
      EXPECT_EQ(used[s]++, 0) << "overlapping placements at slice " << s;
    }
  }
  // The library agrees with the file.
  unsigned total = 0;
  for (unsigned p : {19u, 14u, 9u, 15u, 20u}) {
    nvmlGpuInstance_t out[8];
    unsigned count = 0;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*, unsigned*)>("nvmlDeviceGetGpuInstances", d, p, out,
                        &count), NVML_SUCCESS);
    total += count;
  }
  EXPECT_EQ(total, gis.size());
}

}  // namespace
}  // namespace nvml_mock_test

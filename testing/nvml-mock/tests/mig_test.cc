// mig_test.cc: MIG behaves like hardware: mode changes, GPU/compute
// instance creation with placement and overlap rules, MIG device handles
// and UUIDs, destroy rules, capability files under the driver root, and
// the pre-created dgx-a100-half-balanced layout.
#include <sys/stat.h>

#include <map>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

using U32 = nvmlReturn_t(nvmlDevice_t, unsigned*);
using CreateGiAt = nvmlReturn_t(nvmlDevice_t, unsigned, const nvmlGpuInstancePlacement_t*, nvmlGpuInstance_t*);
using CreateCi = nvmlReturn_t(nvmlGpuInstance_t, unsigned, nvmlComputeInstance_t*);

nvmlReturn_t SetMig(nvmlDevice_t d, unsigned mode) {
  nvmlReturn_t act = NVML_ERROR_UNKNOWN;
  nvmlReturn_t r = Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlReturn_t*)>("nvmlDeviceSetMigMode", d, mode, &act);
  if (r == NVML_SUCCESS) {
    EXPECT_EQ(act, NVML_SUCCESS);
  }
  return r;
}

nvmlReturn_t GiAt(nvmlDevice_t d, unsigned profile, unsigned start, unsigned size, nvmlGpuInstance_t* gi) {
  nvmlGpuInstancePlacement_t p{start, size};
  return Call<CreateGiAt>("nvmlDeviceCreateGpuInstanceWithPlacement", d, profile, &p, gi);
}

std::string Uuid(nvmlDevice_t d) {
  char buf[96] = {};
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetUUID", d, buf, 96u), NVML_SUCCESS);
  return buf;
}

class MigTest : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    UseTopology("h100-pcie-vm");
    ::setenv("NVML_MOCK_ROOT", (dir_ + "/root").c_str(), 1);
    ASSERT_EQ(Init(), NVML_SUCCESS);
    dev_ = Gpu(0);
  }
  nvmlDevice_t dev_ = nullptr;
};

TEST_F(MigTest, CreateNeedsMigEnabled) {
  nvmlGpuInstance_t gi = nullptr;
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceCreateGpuInstance", dev_, 19u, &gi),
            NVML_ERROR_NOT_SUPPORTED);
  ASSERT_EQ(SetMig(dev_, 1), NVML_SUCCESS);
  unsigned cur = 0, pend = 0, max = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*, unsigned*)>("nvmlDeviceGetMigMode", dev_, &cur, &pend), NVML_SUCCESS);
  EXPECT_EQ(cur, 1u);
  EXPECT_EQ(pend, 1u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetMaxMigDeviceCount", dev_, &max), NVML_SUCCESS);
  EXPECT_EQ(max, 7u);
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceCreateGpuInstance", dev_, 19u, &gi),
            NVML_SUCCESS);
}

TEST_F(MigTest, PlacementsOverlapAndIds) {
  ASSERT_EQ(SetMig(dev_, 1), NVML_SUCCESS);
  nvmlGpuInstance_t g3 = nullptr, g2 = nullptr, g1 = nullptr, bad = nullptr;
  ASSERT_EQ(GiAt(dev_, 9, 4, 4, &g3), NVML_SUCCESS);  // 3g.40gb at 4:4
  EXPECT_EQ(GiAt(dev_, 9, 4, 4, &bad), NVML_ERROR_INSUFFICIENT_RESOURCES);
  EXPECT_EQ(GiAt(dev_, 19, 5, 1, &bad), NVML_ERROR_INSUFFICIENT_RESOURCES);
  EXPECT_EQ(GiAt(dev_, 0, 0, 8, &bad), NVML_ERROR_INSUFFICIENT_RESOURCES);
  EXPECT_EQ(GiAt(dev_, 19, 7, 1, &bad), NVML_ERROR_INVALID_ARGUMENT);  // not a placement of 19
  EXPECT_EQ(GiAt(dev_, 14, 2, 1, &bad), NVML_ERROR_INVALID_ARGUMENT);  // wrong size
  ASSERT_EQ(GiAt(dev_, 14, 2, 2, &g2), NVML_SUCCESS);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceCreateGpuInstance", dev_, 19u, &g1),
            NVML_SUCCESS);
  nvmlGpuInstanceInfo_t info{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t, nvmlGpuInstanceInfo_t*)>("nvmlGpuInstanceGetInfo", g1, &info), NVML_SUCCESS);
  EXPECT_EQ(info.profileId, 19u);
  EXPECT_EQ(info.placement.start, 0u);  // first free placement
  EXPECT_EQ(info.placement.size, 1u);
  EXPECT_EQ(info.device, dev_);
  EXPECT_EQ(info.id, 7u);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t, nvmlGpuInstanceInfo_t*)>("nvmlGpuInstanceGetInfo", g3, &info), NVML_SUCCESS);
  EXPECT_EQ(info.id, 2u);
  unsigned remaining = 9;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, unsigned*)>("nvmlDeviceGetGpuInstanceRemainingCapacity", dev_, 19u,
                      &remaining), NVML_SUCCESS);
  EXPECT_EQ(remaining, 1u);  // only slice 1 is left
  nvmlGpuInstance_t gis[8];
  unsigned count = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*, unsigned*)>("nvmlDeviceGetGpuInstances", dev_,
                      14u, gis, &count), NVML_SUCCESS);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(gis[0], g2);
  nvmlGpuInstance_t byId = nullptr;
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceGetGpuInstanceById", dev_, 2u, &byId),
            NVML_SUCCESS);
  EXPECT_EQ(byId, g3);
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceGetGpuInstanceById", dev_, 11u, &byId),
            NVML_ERROR_NOT_FOUND);
}

TEST_F(MigTest, ComputeInstancesAndMigDevices) {
  ASSERT_EQ(SetMig(dev_, 1), NVML_SUCCESS);
  nvmlGpuInstance_t gi = nullptr;
  ASSERT_EQ(GiAt(dev_, 9, 0, 4, &gi), NVML_SUCCESS);
  nvmlComputeInstanceProfileInfo_v2_t ciInfo{};
  ciInfo.version = nvmlComputeInstanceProfileInfo_v2;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t, unsigned, unsigned, nvmlComputeInstanceProfileInfo_v2_t*)>("nvmlGpuInstanceGetComputeInstanceProfileInfoV", gi, 2u, 0u, &ciInfo), NVML_SUCCESS);
  EXPECT_EQ(ciInfo.sliceCount, 3u);
  EXPECT_STREQ(ciInfo.name, "MIG 3g.40gb");
  nvmlComputeInstance_t c1 = nullptr, cfull = nullptr;
  ASSERT_EQ(Call<CreateCi>("nvmlGpuInstanceCreateComputeInstance", gi, 0u, &c1), NVML_SUCCESS);  // 1c
  EXPECT_EQ(Call<CreateCi>("nvmlGpuInstanceCreateComputeInstance", gi, ciInfo.id, &cfull),
            NVML_ERROR_INSUFFICIENT_RESOURCES);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlComputeInstance_t)>("nvmlComputeInstanceDestroy", c1), NVML_SUCCESS);
  ASSERT_EQ(Call<CreateCi>("nvmlGpuInstanceCreateComputeInstance", gi, ciInfo.id, &cfull), NVML_SUCCESS);
  nvmlComputeInstanceInfo_t info{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlComputeInstance_t, nvmlComputeInstanceInfo_t*)>("nvmlComputeInstanceGetInfo_v2", cfull,
                      &info), NVML_SUCCESS);
  EXPECT_EQ(info.gpuInstance, gi);
  EXPECT_EQ(info.device, dev_);
  EXPECT_EQ(info.placement.size, 3u);

  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlDevice_t*)>("nvmlDeviceGetMigDeviceHandleByIndex", dev_, 0u, &mig),
            NVML_SUCCESS);
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlDevice_t*)>("nvmlDeviceGetMigDeviceHandleByIndex", dev_, 1u, &mig),
            NVML_ERROR_NOT_FOUND);
  unsigned isMig = 0, giId = 99, ciId = 99;
  ASSERT_EQ(Call<U32>("nvmlDeviceIsMigDeviceHandle", mig, &isMig), NVML_SUCCESS);
  EXPECT_EQ(isMig, 1u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetGpuInstanceId", mig, &giId), NVML_SUCCESS);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetComputeInstanceId", mig, &ciId), NVML_SUCCESS);
  EXPECT_EQ(giId, 1u);
  EXPECT_EQ(ciId, 0u);
  nvmlDevice_t parent = nullptr;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlDevice_t*)>("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", mig, &parent),
            NVML_SUCCESS);
  EXPECT_EQ(parent, dev_);
  std::string uuid = Uuid(mig);
  EXPECT_EQ(uuid.size(), 40u);
  EXPECT_EQ(uuid.rfind("MIG-", 0), 0u);
  nvmlDevice_t byUuid = nullptr;
  ASSERT_EQ(Call<nvmlReturn_t(const char*, nvmlDevice_t*)>("nvmlDeviceGetHandleByUUID", uuid.c_str(), &byUuid), NVML_SUCCESS);
  EXPECT_EQ(byUuid, mig);
  char name[96];
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, char*, unsigned)>("nvmlDeviceGetName", mig, name, 96u), NVML_SUCCESS);
  EXPECT_STREQ(name, "NVIDIA H100 80GB HBM3 MIG 3g.40gb");
  nvmlDeviceAttributes_t attr{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlDeviceAttributes_t*)>("nvmlDeviceGetAttributes_v2", mig, &attr), NVML_SUCCESS);
  EXPECT_EQ(attr.multiprocessorCount, 60u);
  EXPECT_EQ(attr.gpuInstanceSliceCount, 3u);
  EXPECT_EQ(attr.memorySizeMB, 40448u);
  nvmlMemory_t mem{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlMemory_t*)>("nvmlDeviceGetMemoryInfo", mig, &mem), NVML_SUCCESS);
  EXPECT_EQ(mem.total, 40448ULL << 20);

  // Capability files and nodes under the driver root.
  std::string caps = dir_ + "/root/proc/driver/nvidia/capabilities/gpu0/mig/gi1";
  EXPECT_EQ(ReadText(caps + "/access"), "DeviceFileMinor: 12\nDeviceFileMode: 292\nDeviceFileModify: 1\n");
  EXPECT_EQ(ReadText(caps + "/ci0/access"), "DeviceFileMinor: 13\nDeviceFileMode: 292\nDeviceFileModify: 1\n");
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/root/dev/nvidia-caps/nvidia-cap13").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));

  // Destroy rules: GI with a CI is in use; MIG cannot be disabled with GIs.
  EXPECT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t)>("nvmlGpuInstanceDestroy", gi), NVML_ERROR_IN_USE);
  EXPECT_EQ(SetMig(dev_, 0), NVML_ERROR_IN_USE);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlComputeInstance_t)>("nvmlComputeInstanceDestroy", cfull), NVML_SUCCESS);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t)>("nvmlGpuInstanceDestroy", gi), NVML_SUCCESS);
  EXPECT_NE(::stat(caps.c_str(), &st), 0);
  EXPECT_NE(::stat((dir_ + "/root/dev/nvidia-caps/nvidia-cap13").c_str(), &st), 0);
  EXPECT_EQ(Call<U32>("nvmlDeviceGetGpuInstanceId", mig, &giId), NVML_ERROR_INVALID_ARGUMENT);  // stale handle
  EXPECT_EQ(SetMig(dev_, 0), NVML_SUCCESS);
}

TEST_F(MigTest, MigUuidsAreStable) {
  ASSERT_EQ(SetMig(dev_, 1), NVML_SUCCESS);
  nvmlGpuInstance_t gi = nullptr;
  nvmlComputeInstance_t ci = nullptr;
  ASSERT_EQ(GiAt(dev_, 19, 3, 1, &gi), NVML_SUCCESS);
  ASSERT_EQ(Call<CreateCi>("nvmlGpuInstanceCreateComputeInstance", gi, 0u, &ci), NVML_SUCCESS);
  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlDevice_t*)>("nvmlDeviceGetMigDeviceHandleByIndex", dev_, 0u, &mig),
            NVML_SUCCESS);
  std::string first = Uuid(mig);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlComputeInstance_t)>("nvmlComputeInstanceDestroy", ci), NVML_SUCCESS);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t)>("nvmlGpuInstanceDestroy", gi), NVML_SUCCESS);
  ASSERT_EQ(GiAt(dev_, 19, 3, 1, &gi), NVML_SUCCESS);
  ASSERT_EQ(Call<CreateCi>("nvmlGpuInstanceCreateComputeInstance", gi, 0u, &ci), NVML_SUCCESS);
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlDevice_t*)>("nvmlDeviceGetMigDeviceHandleByIndex", dev_, 0u, &mig),
            NVML_SUCCESS);
  EXPECT_EQ(Uuid(mig), first);
}

TEST_F(MockTest, HalfBalancedLayout) {
  UseTopology("dgx-a100-half-balanced");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  unsigned n = 0;
  ASSERT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_SUCCESS);
  ASSERT_EQ(n, 8u);
  for (unsigned i = 0; i < 8; ++i) {
    nvmlDevice_t d = Gpu(i);
    unsigned max = 0;
    ASSERT_EQ(Call<U32>("nvmlDeviceGetMaxMigDeviceCount", d, &max), NVML_SUCCESS);
    std::map<unsigned, int> profiles;
    for (unsigned m = 0; m < max; ++m) {
      nvmlDevice_t mig = nullptr;
      nvmlReturn_t r = Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlDevice_t*)>("nvmlDeviceGetMigDeviceHandleByIndex", d, m, &mig);
      if (r == NVML_ERROR_NOT_FOUND) continue;
      ASSERT_EQ(r, NVML_SUCCESS);
      unsigned giId = 0;
      ASSERT_EQ(Call<U32>("nvmlDeviceGetGpuInstanceId", mig, &giId), NVML_SUCCESS);
      nvmlGpuInstance_t gi = nullptr;
      ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstance_t*)>("nvmlDeviceGetGpuInstanceById", d, giId, &gi),
                NVML_SUCCESS);
      nvmlGpuInstanceInfo_t info{};
      ASSERT_EQ(Call<nvmlReturn_t(nvmlGpuInstance_t, nvmlGpuInstanceInfo_t*)>("nvmlGpuInstanceGetInfo", gi, &info), NVML_SUCCESS);
      profiles[info.profileId]++;
    }
    if (i < 4) {
      EXPECT_EQ(max, 7u);
      EXPECT_EQ(profiles, (std::map<unsigned, int>{{19, 2}, {14, 1}, {9, 1}})) << "GPU " << i;
    } else {
      EXPECT_EQ(max, 0u);
      EXPECT_TRUE(profiles.empty()) << "GPU " << i;
    }
  }
}

TEST_F(MockTest, NoMigGpu) {
  UseTopology("l4");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  unsigned cur = 0, pend = 0;
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*, unsigned*)>("nvmlDeviceGetMigMode", Gpu(0), &cur, &pend),
            NVML_ERROR_NOT_SUPPORTED);
  nvmlGpuInstanceProfileInfo_t info{};
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstanceProfileInfo_t*)>("nvmlDeviceGetGpuInstanceProfileInfo",
                      Gpu(0), 0u, &info), NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(MockTest, FabricOnGb200) {
  UseTopology("gb200-nvl72-tray");
  ASSERT_EQ(Init(), NVML_SUCCESS);
  for (unsigned i = 0; i < 4; ++i) {
    nvmlGpuFabricInfoV_t f{};
    f.version = nvmlGpuFabricInfo_v3;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlGpuFabricInfoV_t*)>("nvmlDeviceGetGpuFabricInfoV", Gpu(i), &f), NVML_SUCCESS);
    EXPECT_EQ(f.state, NVML_GPU_FABRIC_STATE_COMPLETED);
    EXPECT_EQ(f.status, NVML_SUCCESS);
    EXPECT_EQ(f.cliqueId, 32766u);
    EXPECT_EQ(f.clusterUuid[0], 0x5a);
    EXPECT_EQ(f.healthSummary, NVML_GPU_FABRIC_HEALTH_SUMMARY_HEALTHY);
    nvmlGpuFabricInfo_v2_t f2{};
    f2.version = nvmlGpuFabricInfo_v2;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlGpuFabricInfo_v2_t*)>("nvmlDeviceGetGpuFabricInfoV", Gpu(i), &f2), NVML_SUCCESS);
    EXPECT_EQ(f2.cliqueId, 32766u);
    f2.version = 12345;
    EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlGpuFabricInfo_v2_t*)>("nvmlDeviceGetGpuFabricInfoV", Gpu(i), &f2),
              NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  }
}

}  // namespace
}  // namespace nvml_mock_test

// identity_test.cc: the h100-pcie-vm topology reproduces the captured
// machine (fixtures/h100-pcie-vm: nvml.json, recon.txt) through NVML.
#include <cstring>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

using Str = nvmlReturn_t(nvmlDevice_t, char*, unsigned);
using U32 = nvmlReturn_t(nvmlDevice_t, unsigned*);

class H100Test : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    UseTopology("h100-pcie-vm");
    ASSERT_EQ(Init(), NVML_SUCCESS);
    dev_ = Gpu(0);
  }
  std::string S(const char* fn) {
    char buf[128] = {};
    EXPECT_EQ(Call<Str>(fn, dev_, buf, sizeof buf), NVML_SUCCESS) << fn;
    return buf;
  }
  nvmlDevice_t dev_ = nullptr;
};

TEST(NvmlMockInit, CallsBeforeInitAreUninitialized) {
  unsigned n = 0;
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(Call<nvmlReturn_t()>("nvmlShutdown"), NVML_ERROR_UNINITIALIZED);
}

TEST_F(H100Test, InitIsReferenceCounted) {
  EXPECT_EQ(Call<nvmlReturn_t(unsigned)>("nvmlInitWithFlags", 0u), NVML_SUCCESS);
  EXPECT_EQ(Call<nvmlReturn_t()>("nvmlShutdown"), NVML_SUCCESS);
  unsigned n = 0;
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_SUCCESS);
  EXPECT_EQ(Call<nvmlReturn_t()>("nvmlShutdown"), NVML_SUCCESS);
  EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_ERROR_UNINITIALIZED);
}

TEST_F(H100Test, SystemVersions) {
  char buf[80];
  ASSERT_EQ(Call<nvmlReturn_t(char*, unsigned)>("nvmlSystemGetDriverVersion", buf, 80u), NVML_SUCCESS);
  EXPECT_STREQ(buf, "580.159.04");
  ASSERT_EQ(Call<nvmlReturn_t(char*, unsigned)>("nvmlSystemGetNVMLVersion", buf, 80u), NVML_SUCCESS);
  EXPECT_STREQ(buf, "13.580.159.04");
  EXPECT_EQ(Call<nvmlReturn_t(char*, unsigned)>("nvmlSystemGetDriverVersion", buf, 5u),
            NVML_ERROR_INSUFFICIENT_SIZE);
  int cuda = 0;
  ASSERT_EQ(Call<nvmlReturn_t(int*)>("nvmlSystemGetCudaDriverVersion_v2", &cuda), NVML_SUCCESS);
  EXPECT_EQ(cuda, 13000);
  ASSERT_EQ(Call<nvmlReturn_t(int*)>("nvmlSystemGetCudaDriverVersion", &cuda), NVML_SUCCESS);
  EXPECT_EQ(cuda, 13000);
}

TEST_F(H100Test, Identity) {
  unsigned n = 0;
  ASSERT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount", &n), NVML_SUCCESS);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(S("nvmlDeviceGetName"), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(S("nvmlDeviceGetUUID"), "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  EXPECT_EQ(S("nvmlDeviceGetSerial"), "1752724007035");
  EXPECT_EQ(S("nvmlDeviceGetVbiosVersion"), "96.00.DA.00.0C");
  unsigned v = 99;
  ASSERT_EQ(Call<U32>("nvmlDeviceGetMinorNumber", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 0u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetIndex", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 0u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetArchitecture", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 9u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetBrand", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 14u);
  int major = 0, minor = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, int*, int*)>("nvmlDeviceGetCudaComputeCapability", dev_, &major, &minor),
            NVML_SUCCESS);
  EXPECT_EQ(major, 9);
  EXPECT_EQ(minor, 0);
  EXPECT_EQ(Call<U32>("nvmlDeviceGetNumaNodeId", dev_, &v), NVML_ERROR_NOT_SUPPORTED);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetVirtualizationMode", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 1u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetComputeMode", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 0u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetPersistenceMode", dev_, &v), NVML_SUCCESS);
  EXPECT_EQ(v, 1u);
  unsigned long long events = 0;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned long long*)>("nvmlDeviceGetSupportedEventTypes", dev_, &events),
            NVML_SUCCESS);
  EXPECT_EQ(events, 65439u);
  nvmlDeviceAddressingMode_t am{};
  am.version = nvmlDeviceAddressingMode_v1;
  am.value = 7;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlDeviceAddressingMode_t*)>("nvmlDeviceGetAddressingMode", dev_, &am),
            NVML_SUCCESS);
  EXPECT_EQ(am.value, 0u);
  nvmlGpuFabricInfoV_t fab{};
  fab.version = nvmlGpuFabricInfo_v3;
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlGpuFabricInfoV_t*)>("nvmlDeviceGetGpuFabricInfoV", dev_, &fab),
            NVML_ERROR_NOT_SUPPORTED);
  nvmlGpuFabricInfo_t fab1{};
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlGpuFabricInfo_t*)>("nvmlDeviceGetGpuFabricInfo", dev_, &fab1),
            NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(H100Test, PciAndMemory) {
  nvmlPciInfo_t pci{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlPciInfo_t*)>("nvmlDeviceGetPciInfo_v3", dev_, &pci), NVML_SUCCESS);
  EXPECT_STREQ(pci.busId, "00000000:00:06.0");
  EXPECT_STREQ(pci.busIdLegacy, "0000:00:06.0");
  EXPECT_EQ(pci.domain, 0u);
  EXPECT_EQ(pci.bus, 0u);
  EXPECT_EQ(pci.device, 6u);
  EXPECT_EQ(pci.pciDeviceId, 590352606u);
  EXPECT_EQ(pci.pciSubSystemId, 381751518u);
  nvmlMemory_t mem{};
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlMemory_t*)>("nvmlDeviceGetMemoryInfo", dev_, &mem), NVML_SUCCESS);
  EXPECT_EQ(mem.total, 85520809984ULL);
  EXPECT_EQ(mem.free, 85017493504ULL);
  EXPECT_EQ(mem.used, 503316480ULL);
  nvmlMemory_v2_t m2{};
  EXPECT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlMemory_v2_t*)>("nvmlDeviceGetMemoryInfo_v2", dev_, &m2),
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  m2.version = nvmlMemory_v2;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, nvmlMemory_v2_t*)>("nvmlDeviceGetMemoryInfo_v2", dev_, &m2), NVML_SUCCESS);
  EXPECT_EQ(m2.total, 85520809984ULL);
  EXPECT_EQ(m2.reserved, 503316480ULL);
  EXPECT_EQ(m2.used, 0ULL);
  EXPECT_EQ(m2.free, 85017493504ULL);
}

TEST_F(H100Test, HandleLookups) {
  using ByStr = nvmlReturn_t(const char*, nvmlDevice_t*);
  nvmlDevice_t d = nullptr;
  for (const char* id : {"00000000:00:06.0", "0000:00:06.0", "0000:00:06.0", "00:06.0"}) {
    d = nullptr;
    EXPECT_EQ(Call<ByStr>("nvmlDeviceGetHandleByPciBusId_v2", id, &d), NVML_SUCCESS) << id;
    EXPECT_EQ(d, dev_) << id;
  }
  EXPECT_EQ(Call<ByStr>("nvmlDeviceGetHandleByPciBusId", "0000:00:06.0", &d), NVML_SUCCESS);
  EXPECT_EQ(Call<ByStr>("nvmlDeviceGetHandleByPciBusId_v2", "0000:00:07.0", &d), NVML_ERROR_NOT_FOUND);
  d = nullptr;
  EXPECT_EQ(Call<ByStr>("nvmlDeviceGetHandleByUUID", "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd", &d), NVML_SUCCESS);
  EXPECT_EQ(d, dev_);
  EXPECT_EQ(Call<ByStr>("nvmlDeviceGetHandleByUUID", "GPU-00000000-0000-0000-0000-000000000000", &d),
            NVML_ERROR_NOT_FOUND);
  EXPECT_EQ(Call<nvmlReturn_t(unsigned, nvmlDevice_t*)>("nvmlDeviceGetHandleByIndex", 0u, &d), NVML_SUCCESS);
  EXPECT_EQ(Call<nvmlReturn_t(unsigned, nvmlDevice_t*)>("nvmlDeviceGetHandleByIndex_v2", 1u, &d),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(H100Test, MigCapableAndDisabled) {
  unsigned cur = 9, pend = 9, max = 9;
  ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned*, unsigned*)>("nvmlDeviceGetMigMode", dev_, &cur, &pend),
            NVML_SUCCESS);
  EXPECT_EQ(cur, 0u);
  EXPECT_EQ(pend, 0u);
  ASSERT_EQ(Call<U32>("nvmlDeviceGetMaxMigDeviceCount", dev_, &max), NVML_SUCCESS);
  EXPECT_EQ(max, 0u);
}

TEST_F(H100Test, GpuInstanceProfilesAsCaptured) {
  using Info = nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstanceProfileInfo_t*);
  struct Want {
    unsigned index, id, slices, instances, sms, ce, dec, jpeg, ofa;
    unsigned long long mem;
    const char* name;
  };
  const Want want[] = {{0, 19, 1, 7, 16, 1, 1, 1, 0, 9984, "MIG 1g.10gb"},
                       {1, 14, 2, 3, 32, 2, 2, 2, 0, 20096, "MIG 2g.20gb"},
                       {2, 9, 3, 2, 60, 3, 3, 3, 0, 40448, "MIG 3g.40gb"},
                       {3, 5, 4, 1, 64, 4, 4, 4, 0, 40448, "MIG 4g.40gb"},
                       {4, 0, 7, 1, 132, 8, 7, 7, 1, 81152, "MIG 7g.80gb"},
                       {7, 20, 1, 1, 16, 1, 1, 1, 1, 9984, "MIG 1g.10gb+me"},
                       {9, 15, 1, 4, 26, 1, 1, 1, 0, 20096, "MIG 1g.20gb"}};
  for (const Want& w : want) {
    nvmlGpuInstanceProfileInfo_t info{};
    ASSERT_EQ(Call<Info>("nvmlDeviceGetGpuInstanceProfileInfo", dev_, w.index, &info), NVML_SUCCESS) << w.index;
    EXPECT_EQ(info.id, w.id);
    EXPECT_EQ(info.sliceCount, w.slices);
    EXPECT_EQ(info.instanceCount, w.instances);
    EXPECT_EQ(info.multiprocessorCount, w.sms);
    EXPECT_EQ(info.copyEngineCount, w.ce);
    EXPECT_EQ(info.decoderCount, w.dec);
    EXPECT_EQ(info.encoderCount, 0u);
    EXPECT_EQ(info.jpegCount, w.jpeg);
    EXPECT_EQ(info.ofaCount, w.ofa);
    EXPECT_EQ(info.memorySizeMB, w.mem);
    EXPECT_EQ(info.isP2pSupported, 0u);
    nvmlGpuInstanceProfileInfo_v2_t v2{};
    v2.version = nvmlGpuInstanceProfileInfo_v2;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstanceProfileInfo_v2_t*)>("nvmlDeviceGetGpuInstanceProfileInfoV", dev_, w.index, &v2), NVML_SUCCESS);
    EXPECT_STREQ(v2.name, w.name);
    EXPECT_EQ(v2.id, w.id);
    nvmlGpuInstanceProfileInfo_v3_t v3{};
    v3.version = nvmlGpuInstanceProfileInfo_v3;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstanceProfileInfo_v3_t*)>("nvmlDeviceGetGpuInstanceProfileInfoByIdV", dev_, w.id, &v3), NVML_SUCCESS);
    EXPECT_STREQ(v3.name, w.name);
    EXPECT_EQ(v3.memorySizeMB, w.mem);
    EXPECT_EQ(v3.capabilities, 0u);
  }
  for (unsigned idx : {5u, 6u, 8u, 10u, 11u, 12u, 13u, 14u, 15u, 16u}) {
    nvmlGpuInstanceProfileInfo_t info{};
    EXPECT_EQ(Call<Info>("nvmlDeviceGetGpuInstanceProfileInfo", dev_, idx, &info), NVML_ERROR_NOT_SUPPORTED) << idx;
  }
  for (unsigned idx : {17u, 18u, 19u}) {
    nvmlGpuInstanceProfileInfo_t info{};
    EXPECT_EQ(Call<Info>("nvmlDeviceGetGpuInstanceProfileInfo", dev_, idx, &info), NVML_ERROR_INVALID_ARGUMENT) << idx;
  }
}

TEST_F(H100Test, PlacementsAsCaptured) {
  using Pl = nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstancePlacement_t*, unsigned*);
  const std::vector<std::pair<unsigned, std::string>> want = {
      {19, "{0,1,2,3,4,5,6}:1"}, {20, "{0,1,2,3,4,5,6}:1"}, {15, "{0,2,4,6}:2"}, {14, "{0,2,4}:2"},
      {9, "{0,4}:4"}, {5, "{0}:4"}, {0, "{0}:8"}};
  for (const auto& [id, text] : want) {
    for (const char* fn : {"nvmlDeviceGetGpuInstancePossiblePlacements_v2", "nvmlDeviceGetGpuInstancePossiblePlacements"}) {
      unsigned count = 0;
      ASSERT_EQ(Call<Pl>(fn, dev_, id, nullptr, &count), NVML_SUCCESS);
      std::vector<nvmlGpuInstancePlacement_t> pl(count);
      ASSERT_EQ(Call<Pl>(fn, dev_, id, pl.data(), &count), NVML_SUCCESS);
      std::string got = "{";
      for (unsigned i = 0; i < count; ++i) got += (i ? "," : "") + std::to_string(pl[i].start);
      got += "}:" + std::to_string(count ? pl[0].size : 0);
      EXPECT_EQ(got, text) << fn << " profile " << id;
    }
    unsigned remaining = 0;
    ASSERT_EQ(Call<nvmlReturn_t(nvmlDevice_t, unsigned, unsigned*)>("nvmlDeviceGetGpuInstanceRemainingCapacity",
                        dev_, id, &remaining), NVML_SUCCESS);
    EXPECT_EQ(remaining, id == 19 ? 7u : id == 15 ? 4u : id == 14 ? 3u : id == 9 ? 2u : 1u) << id;
  }
}

TEST_F(H100Test, PlacementBufferTooSmallReportsTheCount) {
  using Pl = nvmlReturn_t(nvmlDevice_t, unsigned, nvmlGpuInstancePlacement_t*, unsigned*);
  std::vector<nvmlGpuInstancePlacement_t> pl(3, nvmlGpuInstancePlacement_t{99, 99});
  unsigned count = 3;  // profile 19 has 7 placements
  EXPECT_EQ(Call<Pl>("nvmlDeviceGetGpuInstancePossiblePlacements_v2", dev_, 19u, pl.data(), &count),
            NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(count, 7u);
  EXPECT_EQ(pl[0].start, 99u);  // nothing written on failure
  EXPECT_EQ(Call<Pl>("nvmlDeviceGetGpuInstancePossiblePlacements_v2", dev_, 19u, pl.data(), nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace nvml_mock_test

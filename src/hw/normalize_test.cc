#include "hw/normalize.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nvml/nvml_abi.h"
#include "testing/status_matchers.h"

namespace hw {
namespace {

using ::testing_util::StatusIs;

TEST(NormalizePciBusIdTest, Table) {
  struct Case {
    std::string in, want;
  } cases[] = {
      {"00000000:00:06.0", "0000:00:06.0"},  // the fixture H100
      {"00000000:3B:00.0", "0000:3b:00.0"},
      {"00000001:AF:00.0", "0001:af:00.0"},
      {"0000:3B:00.0", "0000:3b:00.0"},      // already 4-digit domain
      {"00010000:01:00.0", "00010000:01:00.0"},  // domain 0x10000 keeps 8
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizePciBusId(c.in), c.want) << c.in;
  }
}

TEST(CudaDriverVersionStringTest, Table) {
  EXPECT_EQ(CudaDriverVersionString(13000), "13.0");
  EXPECT_EQ(CudaDriverVersionString(12040), "12.4");
  EXPECT_EQ(CudaDriverVersionString(12080), "12.8");
  EXPECT_EQ(CudaDriverVersionString(11020), "11.2");
}

TEST(ComputeCapabilityStringTest, Formats) {
  EXPECT_EQ(ComputeCapabilityString(9, 0), "9.0");
  EXPECT_EQ(ComputeCapabilityString(12, 1), "12.1");
}

TEST(ArchitectureNameTest, Table) {
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_KEPLER), "Kepler");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_MAXWELL), "Maxwell");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_PASCAL), "Pascal");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_VOLTA), "Volta");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_TURING), "Turing");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_AMPERE), "Ampere");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_ADA), "Ada Lovelace");
  EXPECT_EQ(ArchitectureName(9), "Hopper");  // the fixture's value
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_BLACKWELL), "Blackwell");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_RUBIN), "Rubin");
  EXPECT_EQ(ArchitectureName(NVML_DEVICE_ARCH_UNKNOWN), "Unknown");
  EXPECT_EQ(ArchitectureName(11), "Unknown");
}

TEST(BrandNameTest, GoNvlibNames) {
  const char* want[] = {"Unknown",    "Quadro",    "Tesla",
                        "NVS",        "Grid",      "GeForce",
                        "Titan",      "NvidiaVApps", "NvidiaVPC",
                        "NvidiaVCS",  "NvidiaVWS", "NvidiaCloudGaming",
                        "QuadroRTX",  "NvidiaRTX", "Nvidia",
                        "GeForceRTX", "TitanRTX"};
  for (uint32_t b = 0; b < 17; ++b) EXPECT_EQ(BrandName(b), want[b]) << b;
  EXPECT_EQ(BrandName(14), "Nvidia");  // the fixture's value
  EXPECT_EQ(BrandName(17), "Unknown");
}

TEST(AddressingModeNameTest, Table) {
  EXPECT_EQ(AddressingModeName(0), "None");
  EXPECT_EQ(AddressingModeName(1), "HMM");
  EXPECT_EQ(AddressingModeName(2), "ATS");
  EXPECT_EQ(AddressingModeName(3), "");
}

constexpr uint64_t kH100Memory = 85520809984ULL;  // fixture total
constexpr uint64_t kA100Memory = 42949672960ULL;  // 40 GiB

TEST(MigProfileNameTest, H100Fixture) {
  // index, slices, memory MB -> name (the fixture's NVML names).
  EXPECT_EQ(MigProfileName(0, 1, 9984, kH100Memory), "1g.10gb");
  EXPECT_EQ(MigProfileName(7, 1, 9984, kH100Memory), "1g.10gb+me");
  EXPECT_EQ(MigProfileName(9, 1, 20096, kH100Memory), "1g.20gb");
  EXPECT_EQ(MigProfileName(1, 2, 20096, kH100Memory), "2g.20gb");
  EXPECT_EQ(MigProfileName(2, 3, 40448, kH100Memory), "3g.40gb");
  EXPECT_EQ(MigProfileName(3, 4, 40448, kH100Memory), "4g.40gb");
  EXPECT_EQ(MigProfileName(4, 7, 81152, kH100Memory), "7g.80gb");
}

TEST(MigProfileNameTest, A100) {
  EXPECT_EQ(MigProfileName(0, 1, 4864, kA100Memory), "1g.5gb");
  EXPECT_EQ(MigProfileName(7, 1, 4864, kA100Memory), "1g.5gb+me");
  EXPECT_EQ(MigProfileName(9, 1, 9856, kA100Memory), "1g.10gb");
  EXPECT_EQ(MigProfileName(1, 2, 9856, kA100Memory), "2g.10gb");
  EXPECT_EQ(MigProfileName(2, 3, 19968, kA100Memory), "3g.20gb");
  EXPECT_EQ(MigProfileName(3, 4, 19968, kA100Memory), "4g.20gb");
  EXPECT_EQ(MigProfileName(4, 7, 40192, kA100Memory), "7g.40gb");
}

TEST(MigProfileSuffixTest, Table) {
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE), "");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1), "+me");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1), "+me");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2), "");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE_GFX), "+gfx");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_4_SLICE_GFX), "+gfx");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX), "+gfx");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE_NO_ME), "-me");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_2_SLICE_NO_ME), "-me");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME),
            "+me.all");
  EXPECT_EQ(MigProfileSuffix(NVML_GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME),
            "+me.all");
}

TEST(MigMemorySizeGBTest, EdgeCases) {
  EXPECT_EQ(MigMemorySizeGB(0, 4864), 0u);
  EXPECT_EQ(MigMemorySizeGB(kA100Memory, 0), 0u);
}

TEST(StripNvmlProfileNameTest, Table) {
  EXPECT_EQ(StripNvmlProfileName("MIG 1g.10gb+me"), "1g.10gb+me");
  EXPECT_EQ(StripNvmlProfileName("1g.10gb"), "1g.10gb");
  EXPECT_EQ(StripNvmlProfileName(""), "");
}

TEST(UuidStringTest, Formats) {
  unsigned char bytes[16] = {0x8d, 0x85, 0xc9, 0x4b, 0xc9, 0x85, 0x7c, 0x46,
                             0xad, 0x76, 0x91, 0x6c, 0x81, 0x6a, 0x3d, 0xdd};
  EXPECT_EQ(UuidString(bytes), "8d85c94b-c985-7c46-ad76-916c816a3ddd");
}

}  // namespace
}  // namespace hw

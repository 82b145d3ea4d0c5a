#include "hw/normalize.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nvml/nvml_abi.h"

namespace hw {

std::string NormalizePciBusId(const std::string& nvml_bus_id) {
  std::string id = absl::AsciiStrToLower(nvml_bus_id);
  // Domain is everything before the first ':'.
  size_t colon = id.find(':');
  if (colon == 8 && absl::StartsWith(id, "0000")) id = id.substr(4);
  return id;
}

std::string CudaDriverVersionString(int version) {
  return absl::StrCat(NVML_CUDA_DRIVER_VERSION_MAJOR(version), ".",
                      NVML_CUDA_DRIVER_VERSION_MINOR(version));
}

std::string ComputeCapabilityString(int major, int minor) {
  return absl::StrCat(major, ".", minor);
}

std::string ArchitectureName(uint32_t architecture) {
  switch (architecture) {
    case NVML_DEVICE_ARCH_KEPLER: return "Kepler";
    case NVML_DEVICE_ARCH_MAXWELL: return "Maxwell";
    case NVML_DEVICE_ARCH_PASCAL: return "Pascal";
    case NVML_DEVICE_ARCH_VOLTA: return "Volta";
    case NVML_DEVICE_ARCH_TURING: return "Turing";
    case NVML_DEVICE_ARCH_AMPERE: return "Ampere";
    case NVML_DEVICE_ARCH_ADA: return "Ada Lovelace";
    case NVML_DEVICE_ARCH_HOPPER: return "Hopper";
    case NVML_DEVICE_ARCH_BLACKWELL: return "Blackwell";
    case NVML_DEVICE_ARCH_RUBIN: return "Rubin";
    default: return "Unknown";
  }
}

std::string BrandName(uint32_t brand) {
  switch (brand) {
    case NVML_BRAND_UNKNOWN: return "Unknown";
    case NVML_BRAND_QUADRO: return "Quadro";
    case NVML_BRAND_TESLA: return "Tesla";
    case NVML_BRAND_NVS: return "NVS";
    case NVML_BRAND_GRID: return "Grid";
    case NVML_BRAND_GEFORCE: return "GeForce";
    case NVML_BRAND_TITAN: return "Titan";
    case NVML_BRAND_NVIDIA_VAPPS: return "NvidiaVApps";
    case NVML_BRAND_NVIDIA_VPC: return "NvidiaVPC";
    case NVML_BRAND_NVIDIA_VCS: return "NvidiaVCS";
    case NVML_BRAND_NVIDIA_VWS: return "NvidiaVWS";
    case NVML_BRAND_NVIDIA_CLOUD_GAMING: return "NvidiaCloudGaming";
    case NVML_BRAND_QUADRO_RTX: return "QuadroRTX";
    case NVML_BRAND_NVIDIA_RTX: return "NvidiaRTX";
    case NVML_BRAND_NVIDIA: return "Nvidia";
    case NVML_BRAND_GEFORCE_RTX: return "GeForceRTX";
    case NVML_BRAND_TITAN_RTX: return "TitanRTX";
    default: return "Unknown";
  }
}

std::string AddressingModeName(uint32_t mode) {
  switch (mode) {
    case NVML_DEVICE_ADDRESSING_MODE_NONE: return "None";
    case NVML_DEVICE_ADDRESSING_MODE_HMM: return "HMM";
    case NVML_DEVICE_ADDRESSING_MODE_ATS: return "ATS";
    default: return "";
  }
}

uint64_t MigMemorySizeGB(uint64_t total_memory_bytes,
                         uint64_t profile_memory_mb) {
  if (total_memory_bytes == 0) return 0;
  constexpr double kMiB = 1024.0 * 1024.0;
  constexpr uint64_t kGiB = 1024ULL * 1024ULL * 1024ULL;
  double fraction = static_cast<double>(profile_memory_mb) * kMiB /
                    static_cast<double>(total_memory_bytes);
  fraction = std::ceil(fraction * 8.0) / 8.0;
  double total_gb =
      static_cast<double>((total_memory_bytes + kGiB - 1) / kGiB);
  return static_cast<uint64_t>(std::round(fraction * total_gb));
}

std::string MigProfileSuffix(uint32_t profile_index) {
  switch (profile_index) {
    case NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1:
    case NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1:
      return "+me";
    case NVML_GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME:
    case NVML_GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME:
      return "+me.all";
    case NVML_GPU_INSTANCE_PROFILE_1_SLICE_GFX:
    case NVML_GPU_INSTANCE_PROFILE_2_SLICE_GFX:
    case NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX:
    case NVML_GPU_INSTANCE_PROFILE_4_SLICE_GFX:
      return "+gfx";
    case NVML_GPU_INSTANCE_PROFILE_1_SLICE_NO_ME:
    case NVML_GPU_INSTANCE_PROFILE_2_SLICE_NO_ME:
      return "-me";
    default:
      return "";
  }
}

std::string MigProfileName(uint32_t profile_index, uint32_t slices,
                           uint64_t profile_memory_mb,
                           uint64_t total_memory_bytes) {
  return absl::StrCat(slices, "g.",
                      MigMemorySizeGB(total_memory_bytes, profile_memory_mb),
                      "gb", MigProfileSuffix(profile_index));
}

std::string StripNvmlProfileName(const std::string& nvml_name) {
  std::string name(absl::StripAsciiWhitespace(nvml_name));
  if (absl::StartsWith(name, "MIG ")) name = name.substr(4);
  return name;
}

std::string UuidString(const unsigned char bytes[16]) {
  char buf[37];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                "%02x%02x%02x%02x%02x%02x",
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5],
                bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15]);
  return buf;
}

}  // namespace hw

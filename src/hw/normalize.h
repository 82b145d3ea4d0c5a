// normalize.h: turns raw NVML values into the strings the reference driver
// publishes: PCI bus id, CUDA driver version, semver, architecture and brand
// names, addressing mode, MIG profile names.
//
// Used by hw::Discover (discovery.cc) and by tests of the layers above.
// Pure functions; thread-safe.
#ifndef DRA_HW_NORMALIZE_H_
#define DRA_HW_NORMALIZE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hw {

// NVML busId ("%08X:%02X:%02X.0") -> sysfs form: lower case, and a leading
// "0000" removed when the domain has 8 digits. "00000000:3B:00.0" ->
// "0000:3b:00.0"; "0000:3b:00.0" stays (go-nvlib GetPCIBusID).
std::string NormalizePciBusId(const std::string& nvml_bus_id);

// nvmlSystemGetCudaDriverVersion value -> "<major>.<minor>":
// 13000 -> "13.0", 12040 -> "12.4", 12080 -> "12.8".
std::string CudaDriverVersionString(int version);

// "major.minor" of a compute capability: (9, 0) -> "9.0".
std::string ComputeCapabilityString(int major, int minor);

// (Version strings become strict semver in devices/semver.h, where the
// DRA attribute rule lives.)

// nvmlDeviceArchitecture_t -> "Kepler", "Maxwell", "Pascal", "Volta",
// "Turing", "Ampere", "Ada Lovelace", "Hopper", "Blackwell", "Rubin";
// anything else -> "Unknown".
std::string ArchitectureName(uint32_t architecture);

// nvmlBrandType_t -> go-nvlib's GetBrandAsString names, which the reference
// publishes as the `brand` attribute: 0 "Unknown", 1 "Quadro", 2 "Tesla",
// 3 "NVS", 4 "Grid", 5 "GeForce", 6 "Titan", 7 "NvidiaVApps", 8 "NvidiaVPC",
// 9 "NvidiaVCS", 10 "NvidiaVWS", 11 "NvidiaCloudGaming", 12 "QuadroRTX",
// 13 "NvidiaRTX", 14 "Nvidia", 15 "GeForceRTX", 16 "TitanRTX"; other values
// "Unknown".
std::string BrandName(uint32_t brand);

// NVML_DEVICE_ADDRESSING_MODE_* -> "None", "HMM", "ATS"; unknown -> "".
std::string AddressingModeName(uint32_t mode);

// go-nvlib's MIG memory size in GB: the profile's share of total memory,
// rounded up to eighths, times total memory in whole GiB (rounded up), then
// rounded: 9984 MB of 85520809984 bytes -> 10.
uint64_t MigMemorySizeGB(uint64_t total_memory_bytes, uint64_t profile_memory_mb);

// The attribute suffix of a GI profile index: "+me" (1_SLICE_REV1,
// 2_SLICE_REV1), "+me.all" (1/2_SLICE_ALL_ME), "+gfx" (1/2/3/4_SLICE_GFX),
// "-me" (1/2_SLICE_NO_ME), "" otherwise.
std::string MigProfileSuffix(uint32_t profile_index);

// Canonical profile name "<slices>g.<GB>gb<suffix>", e.g. "1g.10gb",
// "1g.10gb+me". `slices` is the GI slice count.
std::string MigProfileName(uint32_t profile_index, uint32_t slices,
                           uint64_t profile_memory_mb,
                           uint64_t total_memory_bytes);

// NVML's own profile name without the "MIG " prefix ("MIG 1g.10gb+me" ->
// "1g.10gb+me"); "" when empty.
std::string StripNvmlProfileName(const std::string& nvml_name);

// 16 raw bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case).
std::string UuidString(const unsigned char bytes[16]);

}  // namespace hw

#endif  // DRA_HW_NORMALIZE_H_

// discovery.h: hw::Discover, which reads every fact in gpu_info.h for all
// GPUs on the node through an nvml::Library, plus the sysfs PCI facts.
//
// Session model (the reference's default): Init(NVML_INIT_FLAG_NO_GPUS),
// read everything, Shutdown() -- also on error. DiscoverInSession() skips
// Init/Shutdown for callers that hold a long-lived session.
//
// Rules (reference driver / go-nvlib):
//   - devices named "DGX Display" / "NVIDIA DGX Display" are skipped;
//   - MIG capable = GetMigMode succeeds (NOT_SUPPORTED / FUNCTION_NOT_FOUND
//     mean "not capable"); enabled = current mode ENABLE;
//   - memory NOT_SUPPORTED -> no memoryBytes (UMA systems);
//   - addressingMode only when the library exports
//     nvmlDeviceGetAddressingMode (NOT_SUPPORTED -> absent);
//   - GI profiles: indexes 0..NVML_GPU_INSTANCE_PROFILE_COUNT-1,
//     NOT_SUPPORTED / INVALID_ARGUMENT skipped, sorted like `nvidia-smi mig
//     -lgip` (slices, then memory, then profile index);
//   - existing MIG devices via GetMaxMigDeviceCount/GetMigDeviceHandleByIndex
//     (NOT_FOUND / INVALID_ARGUMENT skipped);
//   - fabric NOT_SUPPORTED -> no fabric;
//   - pcieRoot / NUMA from sysfs; failures become NodeInfo::warnings.
// Any other NVML error fails discovery with "gpu <index>: <call>: <NVML
// error> (<code>)"; the Status keeps the NVML code (nvml::ReturnCode).
//
// Used by cmd/gpu-inventory, devices/ tests and the GPU plugin.
// Thread safety: thread-compatible; safe to call concurrently if the
// Library is (DlLibrary and FakeLibrary are).
#ifndef DRA_HW_DISCOVERY_H_
#define DRA_HW_DISCOVERY_H_

#include <string>

#include "absl/status/statusor.h"
#include "hw/gpu_info.h"
#include "nvml/library.h"

namespace hw {

struct DiscoveryOptions {
  // Driver root (where the driver's files live); recorded for the readers
  // that need it, NVML itself is already loaded. "/" = host root.
  std::string driver_root = "/";
  // Root under which /sys is read for pcieRoot and NUMA. "/" = host root.
  std::string sysfs_root = "/";
  // Read pcieRoot / NUMA from sysfs at all.
  bool read_sysfs = true;
  // Flags for Init() in Discover().
  unsigned int init_flags = NVML_INIT_FLAG_NO_GPUS;
};

// Init, DiscoverInSession, Shutdown. The Shutdown error is returned only if
// discovery itself succeeded.
absl::StatusOr<NodeInfo> Discover(nvml::Library& nvml,
                                  const DiscoveryOptions& options);

// Discovery inside a session the caller has opened with Init().
absl::StatusOr<NodeInfo> DiscoverInSession(nvml::Library& nvml,
                                           const DiscoveryOptions& options);

// Facts of the GPU at NVML `index` (no skip rule applied). Warnings are
// appended to `warnings` when non-null.
absl::StatusOr<GpuInfo> DiscoverGpu(nvml::Library& nvml, unsigned int index,
                                    const DiscoveryOptions& options,
                                    std::vector<std::string>* warnings);

// True for the display devices go-nvlib skips.
bool IsSkippedDeviceName(const std::string& name);

}  // namespace hw

#endif  // DRA_HW_DISCOVERY_H_

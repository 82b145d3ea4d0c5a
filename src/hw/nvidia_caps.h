// nvidia_caps.h: the NVIDIA capability files under
// /proc/driver/nvidia/capabilities. Each "access" file names the minor of a
// /dev/nvidia-caps/nvidia-cap<minor> node and its mode:
//   DeviceFileMinor: 1
//   DeviceFileMode: 256
//   DeviceFileModify: 1
// (the fixture's recon.txt shows the three on one line; both parse).
//
// Paths: mig/config, mig/monitor, fabric-imex-mgmt (files themselves), and
// per MIG device gpu<minor>/mig/gi<G>/access and gpu<minor>/mig/gi<G>/ci<C>/access.
//
// Used to build the MIG and IMEX device nodes for CDI. Stateless; thread-safe.
#ifndef DRA_HW_NVIDIA_CAPS_H_
#define DRA_HW_NVIDIA_CAPS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hw {

inline constexpr char kCapabilitiesDir[] = "/proc/driver/nvidia/capabilities";
inline constexpr char kCapsDeviceDir[] = "/dev/nvidia-caps";

// The content of one access file.
struct CapAccess {
  uint32_t minor = 0;  // DeviceFileMinor
  uint32_t mode = 0;   // DeviceFileMode (decimal in the file; 256 = 0400)
  bool modify = false; // DeviceFileModify
  bool operator==(const CapAccess&) const = default;
};

// Parses an access file. InvalidArgument when DeviceFileMinor or
// DeviceFileMode is missing or not a number.
absl::StatusOr<CapAccess> ParseCapAccess(const std::string& text);

// Reads <root><cap_path>. NotFound when the file is missing.
absl::StatusOr<CapAccess> ReadCapAccess(const std::string& root,
                                        const std::string& cap_path);

// Absolute paths (without a root) of the capability files.
std::string MigConfigCapPath();       // .../capabilities/mig/config
std::string MigMonitorCapPath();      // .../capabilities/mig/monitor
std::string FabricImexMgmtCapPath();  // .../capabilities/fabric-imex-mgmt
// .../capabilities/gpu<gpu_minor>/mig/gi<gi>/access
std::string GpuInstanceCapPath(uint32_t gpu_minor, uint32_t gi);
// .../capabilities/gpu<gpu_minor>/mig/gi<gi>/ci<ci>/access
std::string ComputeInstanceCapPath(uint32_t gpu_minor, uint32_t gi,
                                   uint32_t ci);
// /dev/nvidia-caps/nvidia-cap<minor>
std::string CapDevicePath(uint32_t minor);

}  // namespace hw

#endif  // DRA_HW_NVIDIA_CAPS_H_

// gpu_devices.h: turns hardware facts (hw::NodeInfo) into the DRA devices
// the GPU plugin publishes, exactly as the reference driver names and
// describes them:
//   - a GPU with MIG disabled (or not MIG capable) -> one `gpu` device
//     "gpu-<minor>" with its attributes and `memory` capacity;
//   - a GPU with MIG enabled -> not announced itself; each existing MIG
//     device -> one `mig` device with the GI profile's capacities and one
//     memorySlice<i> capacity per memory slice of its placement.
//
// The same function feeds `gpu-inventory --json` and the ResourceSlice
// publisher, so what the tool shows is what the plugin publishes.
// Pure; thread-safe.
#ifndef DRA_DEVICES_GPU_DEVICES_H_
#define DRA_DEVICES_GPU_DEVICES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "devices/device.h"
#include "hw/gpu_info.h"

namespace devices {

struct BuildResult {
  std::vector<Device> devices;
  // Non-fatal findings worth a log line, e.g. a MIG-enabled GPU with no MIG
  // devices (stranded capacity).
  std::vector<std::string> warnings;
};

// Builds the devices of every GPU in `node`, in GPU index order (a GPU's MIG
// devices in placement order). InvalidArgument, naming the device, when a
// device would break an API rule (name not a DNS label, more than 32
// attributes+capacities, a string over 64 bytes, a version that is not
// semver); the API server would reject the whole slice otherwise.
absl::StatusOr<BuildResult> BuildGpuDevices(const hw::NodeInfo& node);

}  // namespace devices

#endif  // DRA_DEVICES_GPU_DEVICES_H_

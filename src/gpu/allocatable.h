// allocatable.h: the devices this node can hand out, by DRA device name,
// with the hardware facts Prepare needs (minor numbers, GI/CI ids, UUIDs).
// Built from the same hw::NodeInfo and the same naming functions as the
// published devices (devices/gpu_devices.h), so every published name is
// found here.
//
// Used by DeviceState (Prepare, startup reconciliation). Plain values;
// thread-compatible.
#ifndef DRA_GPU_ALLOCATABLE_H_
#define DRA_GPU_ALLOCATABLE_H_

#include <cstdint>
#include <map>
#include <string>

#include "hw/gpu_info.h"

namespace gpu {

struct AllocatableDevice {
  std::string name;   // "gpu-0", "gpu-0-mig-1g5gb-19-0"
  std::string type;   // devices::kTypeGpu or devices::kTypeMig
  std::string uuid;   // GPU-... or MIG-...
  uint32_t minor = 0;  // the GPU's (for MIG: the parent's) minor number
  std::string pci_bus_id;  // the GPU's (parent's) PCI bus id
  // MIG only:
  std::string parent_uuid;
  uint32_t gi_id = 0;
  uint32_t ci_id = 0;
  std::string profile;  // "1g.5gb"
};

using AllocatableDevices = std::map<std::string, AllocatableDevice>;

// GPUs with MIG disabled -> their full device; MIG-enabled GPUs -> their
// existing MIG devices (the parent is not allocatable), as published.
AllocatableDevices BuildAllocatable(const hw::NodeInfo& node);

}  // namespace gpu

#endif  // DRA_GPU_ALLOCATABLE_H_

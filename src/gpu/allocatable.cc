#include "gpu/allocatable.h"

#include "devices/attributes.h"
#include "devices/names.h"

namespace gpu {

AllocatableDevices BuildAllocatable(const hw::NodeInfo& node) {
  AllocatableDevices out;
  for (const auto& g : node.gpus) {
    if (!g.migEnabled) {
      AllocatableDevice d;
      d.name = devices::GpuDeviceName(g.minor);
      d.type = devices::kTypeGpu;
      d.uuid = g.uuid;
      d.minor = g.minor;
      d.pci_bus_id = g.pciBusID;
      out.emplace(d.name, d);
      continue;
    }
    for (const auto& m : g.migDevices) {
      AllocatableDevice d;
      d.name = devices::MigDeviceName(g.minor, m.profileName, m.profileId, m.placement.start);
      d.type = devices::kTypeMig;
      d.uuid = m.uuid;
      d.minor = g.minor;
      d.pci_bus_id = g.pciBusID;
      d.parent_uuid = g.uuid;
      d.gi_id = m.gpuInstanceId;
      d.ci_id = m.computeInstanceId;
      d.profile = m.profileName;
      out.emplace(d.name, d);
    }
  }
  return out;
}

}  // namespace gpu

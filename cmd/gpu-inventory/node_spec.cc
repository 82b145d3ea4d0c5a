#include "cmd/gpu-inventory/node_spec.h"

#include "devices/names.h"
#include "util/status_macros.h"

namespace inventory {

absl::StatusOr<cdi::Spec> NodeSpec(const hw::NodeInfo& node, const cdi::RootOptions& opts) {
  cdi::Spec spec;
  spec.kind = kNodeSpecKind;
  DRA_ASSIGN_OR_RETURN(spec.edits, cdi::DiscoverCommonEdits(opts));
  for (const auto& g : node.gpus) {
    if (!g.migEnabled) {
      cdi::Device d;
      d.name = devices::GpuDeviceName(g.minor);
      DRA_ASSIGN_OR_RETURN(d.edits, cdi::GpuDeviceEdits(opts, g.minor));
      spec.devices.push_back(std::move(d));
      continue;
    }
    for (const auto& m : g.migDevices) {
      cdi::Device d;
      d.name = devices::MigDeviceName(g.minor, m.profileName, m.profileId, m.placement.start);
      DRA_ASSIGN_OR_RETURN(d.edits, cdi::MigDeviceEdits(opts, g.minor, m.gpuInstanceId,
                                                        m.computeInstanceId));
      spec.devices.push_back(std::move(d));
    }
  }
  return spec;
}

}  // namespace inventory

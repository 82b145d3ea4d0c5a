// node_spec.h: a CDI spec with one device per allocatable GPU / MIG device
// of this node (named like the DRA devices: "gpu-0", "gpu-0-mig-1g5gb-19-0"),
// built by the same cdi/ functions the kubelet plugin uses per claim. For
// `gpu-inventory --cdi-spec FILE`: shows (and lets a runtime try) exactly
// what the plugin would inject, without a cluster.
//
// Pure apart from reading the driver root; thread-safe.
#ifndef DRA_CMD_GPU_INVENTORY_NODE_SPEC_H_
#define DRA_CMD_GPU_INVENTORY_NODE_SPEC_H_

#include "absl/status/statusor.h"
#include "cdi/driver_root.h"
#include "cdi/spec.h"
#include "hw/gpu_info.h"

namespace inventory {

inline constexpr char kNodeSpecKind[] = "k8s.gpu.nvidia.com/device";

absl::StatusOr<cdi::Spec> NodeSpec(const hw::NodeInfo& node, const cdi::RootOptions& opts);

}  // namespace inventory

#endif  // DRA_CMD_GPU_INVENTORY_NODE_SPEC_H_

// slice_layout.h: the pure half of ResourceSlice publishing: how one node's
// devices (and shared counter sets) are laid out over the slices of its
// pool, the local checks made before anything is written, and how a
// desired slice is compared with one read back from the API server.
//
// Layout rules (k8s-interfaces.md §3.2, §3.8, §4):
//   - devices are sorted by name and cut into slices of at most
//     `max_devices_per_slice` (128, or 64 when any device uses taints,
//     consumesCounters or list attributes);
//   - shared counter sets get slices of their own (at most 8 sets each),
//     placed first, since 1.35+ servers refuse devices and counters in one
//     slice;
//   - a pool always has at least one slice, possibly empty: an empty pool
//     shows the driver runs.
//
// Used by slice_publisher.h. Pure functions; thread-safe.
#ifndef DRA_KUBELETPLUGIN_SLICE_LAYOUT_H_
#define DRA_KUBELETPLUGIN_SLICE_LAYOUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "devices/device.h"
#include "k8s/resource_types.h"

namespace kubeletplugin {

inline constexpr int kMaxDevicesPerSlice = 128;
inline constexpr int kMaxDevicesPerSliceAdvanced = 64;
inline constexpr int kMaxCounterSetsPerSlice = 8;

// The content of one slice, without pool and identity.
struct DesiredSlice {
  std::vector<devices::Device> devices;
  std::vector<k8s::CounterSet> shared_counters;
  bool operator==(const DesiredSlice&) const = default;
};

// True when `d` uses a feature that lowers the per-slice device limit to
// 64: taints, consumesCounters or list-typed attributes (kept in extra).
bool UsesAdvancedFeatures(const devices::Device& d);

// The device limit for a slice holding `devs`: `override_max` when > 0,
// else 64 if any device uses advanced features, else 128.
int DeviceLimit(const std::vector<devices::Device>& devs, int override_max);

// Lays out a pool (see the file comment). InvalidArgument for an empty or
// duplicate device name, an empty or duplicate counter-set name, or a
// consumesCounters entry naming an unknown counter set.
absl::StatusOr<std::vector<DesiredSlice>> LayoutSlices(std::vector<devices::Device> devs,
                                                       std::vector<k8s::CounterSet> counters,
                                                       int max_devices_per_slice = 0);

// The spec written for `content` as one slice of `pool` on `node`.
k8s::ResourceSliceSpec MakeSliceSpec(const DesiredSlice& content, const std::string& driver,
                                     const std::string& node, const k8s::ResourcePool& pool);

// The content part of a stored slice (devices and counters), for comparing
// with a DesiredSlice. Stored slices with node selectors, allNodes or
// per-device node selection never equal a desired slice.
DesiredSlice ContentOf(const k8s::ResourceSliceSpec& spec);
bool HasForeignPlacement(const k8s::ResourceSliceSpec& spec);

// A stable text key of a DesiredSlice (its v1 JSON), for maps.
std::string ContentKey(const DesiredSlice& content);

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_SLICE_LAYOUT_H_

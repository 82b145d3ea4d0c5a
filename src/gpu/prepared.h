// prepared.h: the GPU plugin's record of a prepared claim's devices, in the
// reference checkpoint's JSON form (upstream-inventory §5 "Checkpoint"):
//   [ {"devices": [ {"gpu": {"info": {"uuid"}, "device": D}}
//                 | {"mig": {"concrete": {"parentMinor", "giId", "ciId",
//                    "migUUID", "parentUUID", "parentPCIBusID"}, "device": D}} ],
//      "configState": {} } ]
// with D = {"Requests", "PoolName", "DeviceName", "CDIDeviceIDs"}.
// The checkpoint store keeps this JSON opaque; this file converts it to and
// from the kubelet-facing PreparedDevice list.
//
// Used by DeviceState. Pure; thread-safe.
#ifndef DRA_GPU_PREPARED_H_
#define DRA_GPU_PREPARED_H_

#include <vector>

#include "absl/status/statusor.h"
#include "gpu/allocatable.h"
#include "kubeletplugin/driver.h"
#include "nlohmann/json.hpp"

namespace gpu {

struct PreparedEntry {
  AllocatableDevice device;              // the hardware it refers to
  kubeletplugin::PreparedDevice result;  // what the kubelet got
};

// One group (configs are not applied yet, so one group holds all devices).
nlohmann::ordered_json EncodePreparedDevices(const std::vector<PreparedEntry>& entries);

// InvalidArgument naming the offending element on malformed input.
absl::StatusOr<std::vector<PreparedEntry>> DecodePreparedDevices(const nlohmann::ordered_json& groups);

}  // namespace gpu

#endif  // DRA_GPU_PREPARED_H_

// json.h: writes devices/Device in the JSON shapes of resource.k8s.io:
// v1 and v1beta2 put attributes and capacity directly on the device;
// v1beta1 nests them under `basic`. Attribute values are
// {"int"|"bool"|"string"|"version": value}; capacities {"value": "<quantity>"}.
//
// Used by gpu-inventory now and by the ResourceSlice publisher later.
// Pure; thread-safe.
#ifndef DRA_DEVICES_JSON_H_
#define DRA_DEVICES_JSON_H_

#include "absl/status/statusor.h"
#include "devices/device.h"
#include "nlohmann/json.hpp"

namespace devices {

enum class ApiVersion { kV1, kV1beta2, kV1beta1 };

// Writes `d`, merging d.extra (v1 names) into the typed fields.
nlohmann::json DeviceToJson(const Device& d, ApiVersion version = ApiVersion::kV1);

// Reads one device in the given version's shape. Attribute kinds and
// capacity members this model does not type go to Device::extra, so
// DeviceToJson(DeviceFromJson(j, v), v) == j for any valid device. Errors:
// InvalidArgument naming the field (missing name, non-object device, bad
// attribute value, unparsable quantity).
absl::StatusOr<Device> DeviceFromJson(const nlohmann::json& j,
                                      ApiVersion version = ApiVersion::kV1);

// The part of `input` that `typed` (its re-encoding from a typed model)
// lacks: object members missing from `typed`, recursively. Members present
// in `typed` are never taken (the typed value wins, so edits of typed
// fields are not undone), which also means unknown fields inside array
// elements are not kept. Applying the result to `typed` with merge_patch
// restores `input` up to those. Used by devices/ and by the k8s
// typed-object codecs to keep fields they do not model.
nlohmann::json JsonResidual(const nlohmann::json& input, const nlohmann::json& typed);

}  // namespace devices

#endif  // DRA_DEVICES_JSON_H_

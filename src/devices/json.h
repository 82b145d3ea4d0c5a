// json.h: writes devices/Device in the JSON shapes of resource.k8s.io:
// v1 and v1beta2 put attributes and capacity directly on the device;
// v1beta1 nests them under `basic`. Attribute values are
// {"int"|"bool"|"string"|"version": value}; capacities {"value": "<quantity>"}.
//
// Used by gpu-inventory now and by the ResourceSlice publisher later.
// Pure; thread-safe.
#ifndef DRA_DEVICES_JSON_H_
#define DRA_DEVICES_JSON_H_

#include "devices/device.h"
#include "nlohmann/json.hpp"

namespace devices {

enum class ApiVersion { kV1, kV1beta2, kV1beta1 };

nlohmann::json DeviceToJson(const Device& d, ApiVersion version = ApiVersion::kV1);

}  // namespace devices

#endif  // DRA_DEVICES_JSON_H_

// device.h: the in-memory form of one DRA device as the GPU driver
// publishes it in a ResourceSlice (name, typed attributes, capacities).
// Version-neutral: devices/json.h writes it as resource.k8s.io/v1 JSON (and
// v1beta1's nested `basic` form), the k8s layer will reuse the same model.
//
// Used by devices/gpu_devices.h (builds them), gpu-inventory (prints them)
// and later the ResourceSlice publisher. Plain values; thread-compatible.
#ifndef DRA_DEVICES_DEVICE_H_
#define DRA_DEVICES_DEVICE_H_

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "devices/quantity.h"
#include "nlohmann/json.hpp"

namespace devices {

// A DeviceAttribute: exactly one of int, bool, string or (semver) version.
struct AttributeValue {
  enum class Kind { kInt, kBool, kString, kVersion };
  Kind kind = Kind::kString;
  int64_t int_value = 0;
  bool bool_value = false;
  std::string string_value;  // for kString and kVersion

  static AttributeValue Int(int64_t v) { return {Kind::kInt, v, false, {}}; }
  static AttributeValue Bool(bool v) { return {Kind::kBool, 0, v, {}}; }
  static AttributeValue String(std::string v) {
    return {Kind::kString, 0, false, std::move(v)};
  }
  static AttributeValue Version(std::string v) {
    return {Kind::kVersion, 0, false, std::move(v)};
  }
  bool operator==(const AttributeValue&) const = default;
};

// One device. Map keys are qualified names; keys without a domain belong to
// the driver's domain (gpu.nvidia.com). std::map keeps them sorted, which is
// also the order Kubernetes' JSON encoder writes map keys in.
struct Device {
  std::string name;
  std::map<std::string, AttributeValue> attributes;
  std::map<std::string, Quantity> capacity;
  // Every other field of the resource.k8s.io Device (v1 JSON names):
  // consumesCounters, taints, nodeName, bindsToNode, capacity
  // requestPolicy, list attributes, ..., kept verbatim so that a device read
  // from the API server is written back unchanged (devices/json.h merges it
  // in). Empty object when there are none.
  nlohmann::json extra = nlohmann::json::object();

  bool operator==(const Device&) const = default;
};

}  // namespace devices

#endif  // DRA_DEVICES_DEVICE_H_

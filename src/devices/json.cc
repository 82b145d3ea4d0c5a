#include "devices/json.h"

namespace devices {
namespace {

nlohmann::json AttributeToJson(const AttributeValue& v) {
  switch (v.kind) {
    case AttributeValue::Kind::kInt:
      return {{"int", v.int_value}};
    case AttributeValue::Kind::kBool:
      return {{"bool", v.bool_value}};
    case AttributeValue::Kind::kVersion:
      return {{"version", v.string_value}};
    case AttributeValue::Kind::kString:
      break;
  }
  return {{"string", v.string_value}};
}

}  // namespace

nlohmann::json DeviceToJson(const Device& d, ApiVersion version) {
  nlohmann::json body = nlohmann::json::object();
  if (!d.attributes.empty()) {
    nlohmann::json attrs = nlohmann::json::object();
    for (const auto& [k, v] : d.attributes) attrs[k] = AttributeToJson(v);
    body["attributes"] = std::move(attrs);
  }
  if (!d.capacity.empty()) {
    nlohmann::json cap = nlohmann::json::object();
    for (const auto& [k, q] : d.capacity) cap[k] = {{"value", q.ToString()}};
    body["capacity"] = std::move(cap);
  }
  nlohmann::json out = {{"name", d.name}};
  if (version == ApiVersion::kV1beta1) {
    out["basic"] = std::move(body);
  } else {
    for (auto& [k, v] : body.items()) out[k] = v;
  }
  return out;
}

}  // namespace devices

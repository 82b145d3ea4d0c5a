#include "devices/json.h"

#include <string>

#include "absl/status/status.h"

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

// Returns false for attribute kinds this model does not type (they stay in
// Device::extra); an error for malformed values of a typed kind.
absl::StatusOr<bool> AttributeFromJson(const nlohmann::json& j, const std::string& name,
                                       AttributeValue* out) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError("attribute " + name + ": not an object");
  }
  if (j.size() != 1) return false;
  auto first = j.begin();
  const std::string& k = first.key();
  const nlohmann::json& v = first.value();
  if (k == "int" && v.is_number_integer()) {
    *out = AttributeValue::Int(v.get<int64_t>());
  } else if (k == "bool" && v.is_boolean()) {
    *out = AttributeValue::Bool(v.get<bool>());
  } else if (k == "string" && v.is_string()) {
    *out = AttributeValue::String(v.get<std::string>());
  } else if (k == "version" && v.is_string()) {
    *out = AttributeValue::Version(v.get<std::string>());
  } else if (k == "int" || k == "bool" || k == "string" || k == "version") {
    return absl::InvalidArgumentError("attribute " + name + ": bad " + k + " value");
  } else {
    return false;
  }
  return true;
}

nlohmann::json TypedToJson(const Device& d) {
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
  return body;
}

}  // namespace

nlohmann::json JsonResidual(const nlohmann::json& input, const nlohmann::json& typed) {
  nlohmann::json out = nlohmann::json::object();
  if (!input.is_object()) return out;
  for (const auto& [k, v] : input.items()) {
    auto it = typed.is_object() ? typed.find(k) : typed.end();
    if (!typed.is_object() || it == typed.end()) {
      if (!v.is_null()) out[k] = v;
    } else if (v.is_object() && it->is_object()) {
      nlohmann::json sub = JsonResidual(v, *it);
      if (!sub.empty()) out[k] = std::move(sub);
    }  // present in `typed`: the typed value wins, whatever its spelling
  }
  return out;
}

nlohmann::json DeviceToJson(const Device& d, ApiVersion version) {
  nlohmann::json body = TypedToJson(d);
  if (d.extra.is_object() && !d.extra.empty()) body.merge_patch(d.extra);
  nlohmann::json out = {{"name", d.name}};
  if (version == ApiVersion::kV1beta1) {
    out["basic"] = std::move(body);
  } else {
    for (auto& [k, v] : body.items()) out[k] = v;
  }
  return out;
}

absl::StatusOr<Device> DeviceFromJson(const nlohmann::json& j, ApiVersion version) {
  if (!j.is_object()) return absl::InvalidArgumentError("device: not an object");
  auto name = j.find("name");
  if (name == j.end() || !name->is_string()) {
    return absl::InvalidArgumentError("device: missing name");
  }
  Device d;
  d.name = name->get<std::string>();
  nlohmann::json body = nlohmann::json::object();
  if (version == ApiVersion::kV1beta1) {
    auto basic = j.find("basic");
    if (basic != j.end() && !basic->is_null()) {
      if (!basic->is_object()) return absl::InvalidArgumentError("device " + d.name + ": basic is not an object");
      body = *basic;
    }
    for (const auto& [k, v] : j.items()) {
      if (k != "name" && k != "basic") body[k] = v;  // unknown siblings of basic
    }
  } else {
    body = j;
    body.erase("name");
  }
  if (auto a = body.find("attributes"); a != body.end() && a->is_object()) {
    for (const auto& [k, v] : a->items()) {
      AttributeValue value;
      absl::StatusOr<bool> typed = AttributeFromJson(v, k, &value);
      if (!typed.ok()) return absl::InvalidArgumentError("device " + d.name + ": " + std::string(typed.status().message()));
      if (*typed) d.attributes[k] = std::move(value);
    }
  }
  if (auto c = body.find("capacity"); c != body.end() && c->is_object()) {
    for (const auto& [k, v] : c->items()) {
      auto value = v.is_object() ? v.find("value") : v.end();
      if (!v.is_object() || value == v.end() || !value->is_string()) {
        return absl::InvalidArgumentError("device " + d.name + ": capacity " + k + ": missing value");
      }
      absl::StatusOr<Quantity> q = Quantity::Parse(value->get<std::string>());
      if (!q.ok()) {
        return absl::InvalidArgumentError("device " + d.name + ": capacity " + k + ": " + std::string(q.status().message()));
      }
      d.capacity[k] = *q;
    }
  }
  // What the typed fields hold never goes to extra (a later edit of them
  // must win), even where the input spelled it differently ("1.0" vs "1").
  d.extra = JsonResidual(body, TypedToJson(d));
  if (auto a = d.extra.find("attributes"); a != d.extra.end()) {
    for (const auto& [k, v] : d.attributes) a->erase(k);
    if (a->empty()) d.extra.erase(a);
  }
  if (auto c = d.extra.find("capacity"); c != d.extra.end()) {
    for (const auto& [k, v] : d.capacity) {
      if (auto e = c->find(k); e != c->end()) {
        e->erase("value");
        if (e->empty()) c->erase(e);
      }
    }
    if (c->empty()) d.extra.erase(c);
  }
  return d;
}

}  // namespace devices

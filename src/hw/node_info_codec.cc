#include "hw/node_info_codec.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace hw {
namespace {

using json = nlohmann::json;

// The one list of fields of each struct, used by both directions.
template <class V>
void Fields(V& v, MigPlacement& p) {
  v("start", p.start);
  v("size", p.size);
}
template <class V>
void Fields(V& v, MigProfile& p) {
  v("id", p.id);
  v("index", p.index);
  v("name", p.name);
  v("slices", p.slices);
  v("instances", p.instances);
  v("multiprocessors", p.multiprocessors);
  v("copyEngines", p.copyEngines);
  v("decoders", p.decoders);
  v("encoders", p.encoders);
  v("jpegEngines", p.jpegEngines);
  v("ofaEngines", p.ofaEngines);
  v("memoryMB", p.memoryMB);
  v("placements", p.placements);
}
template <class V>
void Fields(V& v, MigDeviceInfo& m) {
  v("uuid", m.uuid);
  v("index", m.index);
  v("gpuInstanceId", m.gpuInstanceId);
  v("computeInstanceId", m.computeInstanceId);
  v("profileId", m.profileId);
  v("profileName", m.profileName);
  v("placement", m.placement);
  v("multiprocessors", m.multiprocessors);
  v("copyEngines", m.copyEngines);
  v("decoders", m.decoders);
  v("encoders", m.encoders);
  v("jpegEngines", m.jpegEngines);
  v("ofaEngines", m.ofaEngines);
  v("memoryMB", m.memoryMB);
  v("gpuInstanceSlices", m.gpuInstanceSlices);
  v("computeInstanceSlices", m.computeInstanceSlices);
}
template <class V>
void Fields(V& v, FabricInfo& f) {
  v("clusterUuid", f.clusterUuid);
  v("cliqueId", f.cliqueId);
  v("state", f.state);
  v("status", f.status);
  v("healthSummary", f.healthSummary);
}
template <class V>
void Fields(V& v, GpuInfo& g) {
  v("index", g.index);
  v("minor", g.minor);
  v("uuid", g.uuid);
  v("name", g.name);
  v("brand", g.brand);
  v("architecture", g.architecture);
  v("architectureCode", g.architectureCode);
  v("cudaComputeCapability", g.cudaComputeCapability);
  v("pciBusID", g.pciBusID);
  v("pciDeviceID", g.pciDeviceID);
  v("memoryBytes", g.memoryBytes);
  v("addressingMode", g.addressingMode);
  v("pcieRoot", g.pcieRoot);
  v("numaNode", g.numaNode);
  v("virtualizationMode", g.virtualizationMode);
  v("migCapable", g.migCapable);
  v("migEnabled", g.migEnabled);
  v("migProfiles", g.migProfiles);
  v("migDevices", g.migDevices);
  v("fabric", g.fabric);
}
template <class V>
void Fields(V& v, NodeInfo& n) {
  v("driverVersion", n.driverVersion);
  v("cudaDriverVersion", n.cudaDriverVersion);
  v("nvmlVersion", n.nvmlVersion);
  v("gpus", n.gpus);
  v("warnings", n.warnings);
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// --- Encoding ---
json Encode(const std::string& s) { return s; }
json Encode(bool b) { return b; }
template <class T>
  requires std::is_integral_v<T>
json Encode(T x) {
  return x;
}
template <class T>
json Encode(const std::vector<T>& v);
template <class T>
  requires std::is_class_v<T>
json Encode(const T& x);

struct Encoder {
  json& out;
  template <class T>
  void operator()(const char* key, const T& value) {
    if constexpr (IsOptional<T>::value) {
      if (value) out[key] = Encode(*value);
    } else {
      out[key] = Encode(value);
    }
  }
};
template <class T>
json Encode(const std::vector<T>& v) {
  json a = json::array();
  for (const T& x : v) a.push_back(Encode(x));
  return a;
}
template <class T>
  requires std::is_class_v<T>
json Encode(const T& x) {
  json o = json::object();
  Encoder e{o};
  Fields(e, const_cast<T&>(x));  // Fields only reads through the Encoder
  return o;
}

// --- Decoding ---
absl::Status TypeError(const std::string& path, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat("discovery result: ", path, ": want ", want));
}

absl::Status Decode(const json& j, const std::string& path, std::string* out) {
  if (!j.is_string()) return TypeError(path, "a string");
  *out = j.get<std::string>();
  return absl::OkStatus();
}
absl::Status Decode(const json& j, const std::string& path, bool* out) {
  if (!j.is_boolean()) return TypeError(path, "true or false");
  *out = j.get<bool>();
  return absl::OkStatus();
}
template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
absl::Status Decode(const json& j, const std::string& path, T* out) {
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
      return TypeError(path, "a smaller number");
    }
    *out = static_cast<T>(u);
    return absl::OkStatus();
  }
  if (j.is_number_integer()) {
    const int64_t i = j.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      return TypeError(path, "a number >= 0");
    } else {
      if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) {
        return TypeError(path, "a number in range");
      }
      *out = static_cast<T>(i);
      return absl::OkStatus();
    }
  }
  return TypeError(path, "an integer");
}
template <class T>
absl::Status Decode(const json& j, const std::string& path, std::vector<T>* out);
template <class T>
  requires std::is_class_v<T>
absl::Status Decode(const json& j, const std::string& path, T* out);

struct Decoder {
  const json& in;
  const std::string& path;
  std::set<std::string> seen;
  absl::Status status;
  template <class T>
  void operator()(const char* key, T& value) {
    if (!status.ok()) return;
    seen.insert(key);
    const std::string where = path.empty() ? key : absl::StrCat(path, ".", key);
    auto it = in.find(key);
    if constexpr (IsOptional<T>::value) {
      if (it == in.end()) {
        value.reset();
        return;
      }
      typename T::value_type v{};
      status = Decode(*it, where, &v);
      value = std::move(v);
    } else {
      if (it == in.end()) {
        status = absl::InvalidArgumentError(absl::StrCat("discovery result: ", where, ": missing"));
        return;
      }
      status = Decode(*it, where, &value);
    }
  }
};
template <class T>
absl::Status Decode(const json& j, const std::string& path, std::vector<T>* out) {
  if (!j.is_array()) return TypeError(path, "an array");
  out->clear();
  out->reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    T x{};
    if (absl::Status s = Decode(j[i], absl::StrCat(path, "[", i, "]"), &x); !s.ok()) return s;
    out->push_back(std::move(x));
  }
  return absl::OkStatus();
}
template <class T>
  requires std::is_class_v<T>
absl::Status Decode(const json& j, const std::string& path, T* out) {
  if (!j.is_object()) return TypeError(path.empty() ? "(top)" : path, "an object");
  Decoder d{j, path, {}, absl::OkStatus()};
  Fields(d, *out);
  if (!d.status.ok()) return d.status;
  for (const auto& [key, value] : j.items()) {
    if (!d.seen.contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "discovery result: ", path.empty() ? key : absl::StrCat(path, ".", key),
          ": unknown field"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeNodeInfo(const NodeInfo& node) { return Encode(node).dump(); }

absl::StatusOr<NodeInfo> DecodeNodeInfo(std::string_view json_text) {
  // nlohmann's parser and destructor are iterative; Decode recurses only
  // along NodeInfo's own nesting (5 levels).
  json j = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("discovery result: not JSON");
  NodeInfo node;
  if (absl::Status s = Decode(j, "", &node); !s.ok()) return s;
  return node;
}

}  // namespace hw

// json_reader.h: small helpers for the typed codecs: read optional members
// of a JSON object with type checks, remembering the first type error with
// its field path ("spec.pool.generation: expected integer"), and write
// members only when set. Decoders never throw: every access checks types.
//
// Used by objects.cc and resource_codec.cc only. Thread-compatible.
#ifndef DRA_K8S_JSON_READER_H_
#define DRA_K8S_JSON_READER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "k8s/quantity.h"
#include "nlohmann/json.hpp"

namespace k8s::internal {

class Reader {
 public:
  // The first error seen, or OK.
  const absl::Status& status() const { return status_; }
  void Fail(const std::string& path, const std::string& what) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(path + ": " + what);
  }

  // Member `k` of object `j` if present and not null, else nullptr. A
  // non-object `j` is an error (reported at `path`).
  const nlohmann::json* Member(const nlohmann::json& j, const char* k, const std::string& path) {
    if (j.is_null()) return nullptr;
    if (!j.is_object()) {
      Fail(path, "expected object");
      return nullptr;
    }
    auto it = j.find(k);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }

  std::string Str(const nlohmann::json& j, const char* k, const std::string& path) {
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return "";
    if (!v->is_string()) {
      Fail(path + "." + k, "expected string");
      return "";
    }
    return v->get<std::string>();
  }
  std::optional<std::string> OptStr(const nlohmann::json& j, const char* k, const std::string& path) {
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      Fail(path + "." + k, "expected string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  std::optional<int64_t> OptInt(const nlohmann::json& j, const char* k, const std::string& path) {
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      Fail(path + "." + k, "expected integer");
      return std::nullopt;
    }
    return v->get<int64_t>();
  }
  std::optional<bool> OptBool(const nlohmann::json& j, const char* k, const std::string& path) {
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      Fail(path + "." + k, "expected boolean");
      return std::nullopt;
    }
    return v->get<bool>();
  }
  std::vector<std::string> Strs(const nlohmann::json& j, const char* k, const std::string& path) {
    std::vector<std::string> out;
    for (const nlohmann::json& e : Array(j, k, path)) {
      if (!e.is_string()) {
        Fail(path + "." + k, "expected strings");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  std::map<std::string, std::string> StrMap(const nlohmann::json& j, const char* k,
                                            const std::string& path) {
    std::map<std::string, std::string> out;
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return out;
    if (!v->is_object()) {
      Fail(path + "." + k, "expected object");
      return out;
    }
    for (const auto& [mk, mv] : v->items()) {
      if (!mv.is_string()) {
        Fail(path + "." + k + "." + mk, "expected string");
        return {};
      }
      out[mk] = mv.get<std::string>();
    }
    return out;
  }
  // map<string, Quantity> written as {"k": "1Gi"}.
  std::map<std::string, Quantity> QuantityMap(const nlohmann::json& j, const char* k,
                                              const std::string& path) {
    std::map<std::string, Quantity> out;
    for (const auto& [mk, mv] : StrMap(j, k, path)) {
      absl::StatusOr<Quantity> q = Quantity::Parse(mv);
      if (!q.ok()) {
        Fail(path + "." + k + "." + mk, std::string(q.status().message()));
        return {};
      }
      out[mk] = *q;
    }
    return out;
  }
  // The array member (empty when absent); an error for non-arrays.
  const nlohmann::json& Array(const nlohmann::json& j, const char* k, const std::string& path) {
    static const nlohmann::json kEmpty = nlohmann::json::array();
    const nlohmann::json* v = Member(j, k, path);
    if (!v) return kEmpty;
    if (!v->is_array()) {
      Fail(path + "." + k, "expected array");
      return kEmpty;
    }
    return *v;
  }
  // The raw member, or null.
  nlohmann::json Raw(const nlohmann::json& j, const char* k, const std::string& path) {
    const nlohmann::json* v = Member(j, k, path);
    return v ? *v : nlohmann::json();
  }

 private:
  absl::Status status_;
};

// Writers: set j[k] only when the value is non-empty / engaged.
inline void PutStr(nlohmann::json& j, const char* k, const std::string& v) {
  if (!v.empty()) j[k] = v;
}
template <typename T>
void PutOpt(nlohmann::json& j, const char* k, const std::optional<T>& v) {
  if (v) j[k] = *v;
}
inline void PutStrs(nlohmann::json& j, const char* k, const std::vector<std::string>& v) {
  if (!v.empty()) j[k] = v;
}
inline void PutStrMap(nlohmann::json& j, const char* k, const std::map<std::string, std::string>& v) {
  if (!v.empty()) j[k] = v;
}
inline void PutQuantityMap(nlohmann::json& j, const char* k,
                           const std::map<std::string, Quantity>& v) {
  if (v.empty()) return;
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [mk, q] : v) m[mk] = q.ToString();
  j[k] = std::move(m);
}
inline void PutRaw(nlohmann::json& j, const char* k, const nlohmann::json& v) {
  if (!v.is_null()) j[k] = v;
}

}  // namespace k8s::internal

#endif  // DRA_K8S_JSON_READER_H_

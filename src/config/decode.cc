// decode.cc: see decode.h. The typed decoder walks the JSON tree member by
// member, like Go's encoding/json (via sigs.k8s.io/json) walks the input:
// the first type error is remembered and decoding goes on; a Quantity
// error aborts at once; strict-field errors are collected (deduplicated,
// at most 100) and reported only when nothing else failed.
#include "config/decode.h"

#include <algorithm>
#include <functional>
#include <map>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "config/go_format.h"
#include "config/json_tree.h"
#include "config/quantity_bytes.h"

namespace config {
namespace {

using Type = JsonNode::Type;

constexpr char kInterpretPrefix[] =
    "couldn't get version/kind; json parse error: ";

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

class Decoder {
 public:
  explicit Decoder(DecodeMode mode) : strict_(mode == DecodeMode::kStrict) {}

  struct Field {
    const char* name;
    std::function<void(const JsonNode&)> decode;
  };

  // Decodes the members of object `obj` into the fields of a Go struct
  // named `struct_name`. REQUIRES: obj.type == kObject.
  void Struct(const JsonNode& obj, const char* struct_name,
              std::initializer_list<Field> fields) {
    std::set<std::string> seen;
    for (const auto& [key, value] : obj.members) {
      if (fatal_.has_value()) return;
      const Field* field = nullptr;
      for (const Field& f : fields) {
        if (key == f.name) field = &f;
      }
      if (field == nullptr) {
        if (strict_) StrictError("unknown field", key);
        continue;
      }
      if (strict_ && !seen.insert(key).second) {
        StrictError("duplicate field", key);
      }
      const char* saved_struct = struct_;
      struct_ = struct_name;
      field_stack_.push_back(key);
      strict_stack_.push_back(key);
      field->decode(value);
      strict_stack_.pop_back();
      field_stack_.pop_back();
      struct_ = saved_struct;
    }
  }

  // Field decoders. `go_type` is the Go type named in type errors.
  void String(const JsonNode& n, const char* go_type, std::string* out) {
    if (n.type == Type::kNull) return;
    if (n.type != Type::kString) return TypeError(n, go_type);
    *out = n.text;
  }
  void OptString(const JsonNode& n, const char* go_type,
                 std::optional<std::string>* out) {
    if (n.type == Type::kNull) return out->reset();
    if (n.type != Type::kString) return TypeError(n, go_type);
    *out = n.text;
  }
  void OptInt(const JsonNode& n, std::optional<int64_t>* out) {
    if (n.type == Type::kNull) return out->reset();
    if (n.type != Type::kNumber) return TypeError(n, "int");
    if (!n.is_int64) return TypeError(n, "int", /*with_literal=*/true);
    *out = n.int64_value;
  }
  void OptBool(const JsonNode& n, std::optional<bool>* out) {
    if (n.type == Type::kNull) return out->reset();
    if (n.type != Type::kBool) return TypeError(n, "bool");
    *out = n.boolean;
  }
  void OptQuantity(const JsonNode& n, std::optional<std::string>* out) {
    if (n.type == Type::kNull) return out->reset();
    std::optional<std::string> q = Quantity(n, Path());
    if (q.has_value()) *out = std::move(*q);
  }
  void QuantityMap(const JsonNode& n, const char* go_type,
                   std::map<std::string, std::string>* out) {
    if (n.type == Type::kNull) return out->clear();
    if (n.type != Type::kObject) return TypeError(n, go_type);
    std::set<std::string> seen;
    for (const auto& [key, value] : n.members) {
      if (fatal_.has_value()) return;
      if (strict_ && !seen.insert(key).second) {
        StrictError("duplicate field", key);
      }
      // A null element is a zero Quantity, as Quantity.UnmarshalJSON does.
      if (value.type == Type::kNull) {
        (*out)[key] = "0";
        continue;
      }
      std::optional<std::string> q =
          Quantity(value, absl::StrCat(Path(), ".", key));
      if (q.has_value()) (*out)[key] = std::move(*q);
    }
  }
  // Pointer-to-struct field: null resets it; an object is decoded on top of
  // the existing value (Go reuses a non-nil pointer).
  template <typename T>
  void OptStruct(const JsonNode& n, const char* go_type, std::optional<T>* out,
                 const std::function<void(const JsonNode&, T*)>& decode) {
    if (n.type == Type::kNull) return out->reset();
    if (n.type != Type::kObject) return TypeError(n, go_type);
    if (!out->has_value()) out->emplace();
    decode(n, &**out);
  }

  // The decode outcome, in Go's precedence order.
  absl::Status Result() const {
    if (fatal_.has_value()) return *fatal_;
    if (type_error_.has_value()) {
      return absl::InvalidArgumentError(*type_error_);
    }
    if (!strict_errors_.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "strict decoding error: ", absl::StrJoin(strict_errors_, ", ")));
    }
    return absl::OkStatus();
  }

 private:
  std::string Path() const { return absl::StrJoin(strict_stack_, "."); }

  void TypeError(const JsonNode& n, const char* go_type,
                 bool with_literal = false) {
    if (type_error_.has_value()) return;
    type_error_ = absl::StrCat(
        "json: cannot unmarshal ", GoValueKind(n, with_literal),
        " into Go struct field ", struct_ == nullptr ? "" : struct_, ".",
        absl::StrJoin(field_stack_, "."), " of type ", go_type);
  }

  void StrictError(const char* what, const std::string& key) {
    std::string path = key;
    if (!strict_stack_.empty()) path = absl::StrCat(Path(), ".", key);
    std::string err = absl::StrCat(what, " ", GoQuote(path));
    if (strict_errors_.size() >= 100 || !seen_strict_.insert(err).second) {
      return;
    }
    strict_errors_.push_back(std::move(err));
  }

  // Quantity.UnmarshalJSON: the literal (string contents, or the raw
  // number/bool text), trimmed, must parse. Errors abort decoding.
  std::optional<std::string> Quantity(const JsonNode& n,
                                      const std::string& path) {
    std::string text;
    switch (n.type) {
      case Type::kString:
      case Type::kNumber: text = n.text; break;
      case Type::kBool: text = n.boolean ? "true" : "false"; break;
      case Type::kObject: text = "{...}"; break;
      case Type::kArray: text = "[...]"; break;
      case Type::kNull: text = "null"; break;
    }
    text = std::string(absl::StripAsciiWhitespace(text));
    absl::StatusOr<int64_t> v = QuantityValue(text);
    if (!v.ok()) {
      fatal_ = absl::InvalidArgumentError(
          absl::StrCat("invalid quantity ", GoQuote(text), " for field ", path,
                       ": ", v.status().message()));
      return std::nullopt;
    }
    return text;
  }

  const bool strict_;
  const char* struct_ = nullptr;
  std::vector<std::string> field_stack_;
  std::vector<std::string> strict_stack_;
  std::optional<std::string> type_error_;
  std::optional<absl::Status> fatal_;
  std::vector<std::string> strict_errors_;
  std::set<std::string> seen_strict_;
};

using Field = Decoder::Field;

// TypeMeta fields: already read by Interpret(); known for strictness.
Field TypeMetaField(Decoder& d, const char* name) {
  return {name, [&d](const JsonNode& n) {
            std::string ignored;
            d.String(n, "string", &ignored);
          }};
}

void DecodeMpsConfig(Decoder& d, const JsonNode& n, MpsConfig* c) {
  d.Struct(n, "MpsConfig",
           {{"defaultActiveThreadPercentage",
             [&](const JsonNode& v) {
               d.OptInt(v, &c->default_active_thread_percentage);
             }},
            {"defaultPinnedDeviceMemoryLimit",
             [&](const JsonNode& v) {
               d.OptQuantity(v, &c->default_pinned_device_memory_limit);
             }},
            {"defaultPerDevicePinnedMemoryLimit", [&](const JsonNode& v) {
               d.QuantityMap(v, "v1beta1.MpsPerDevicePinnedMemoryLimit",
                             &c->default_per_device_pinned_memory_limit);
             }}});
}

Field MpsConfigField(Decoder& d, std::optional<MpsConfig>* out) {
  return {"mpsConfig", [&d, out](const JsonNode& v) {
            d.OptStruct<MpsConfig>(v, "v1beta1.MpsConfig", out,
                                   [&d](const JsonNode& o, MpsConfig* c) {
                                     DecodeMpsConfig(d, o, c);
                                   });
          }};
}

void DecodeGpuSharing(Decoder& d, const JsonNode& n, GpuSharing* s) {
  d.Struct(
      n, "GpuSharing",
      {{"strategy",
        [&](const JsonNode& v) {
          d.String(v, "v1beta1.GpuSharingStrategy", &s->strategy);
        }},
       {"timeSlicingConfig",
        [&](const JsonNode& v) {
          d.OptStruct<TimeSlicingConfig>(
              v, "v1beta1.TimeSlicingConfig", &s->time_slicing_config,
              [&d](const JsonNode& o, TimeSlicingConfig* c) {
                d.Struct(o, "TimeSlicingConfig",
                         {{"interval", [&d, c](const JsonNode& i) {
                             d.OptString(i, "v1beta1.TimeSliceInterval",
                                         &c->interval);
                           }}});
              });
        }},
       MpsConfigField(d, &s->mps_config)});
}

void DecodeMigDeviceSharing(Decoder& d, const JsonNode& n,
                            MigDeviceSharing* s) {
  d.Struct(n, "MigDeviceSharing",
           {{"strategy",
             [&](const JsonNode& v) {
               d.String(v, "v1beta1.GpuSharingStrategy", &s->strategy);
             }},
            MpsConfigField(d, &s->mps_config)});
}

void DecodeIommu(Decoder& d, const JsonNode& n, IommuConfig* c) {
  d.Struct(n, "IOMMUConfig",
           {{"backendPolicy",
             [&](const JsonNode& v) {
               d.String(v, "v1beta1.IOMMUBackendPolicy", &c->backend_policy);
             }},
            {"enableAPIDevice", [&](const JsonNode& v) {
               d.OptBool(v, &c->enable_api_device);
             }}});
}

AnyConfig DecodeKind(Decoder& d, const JsonNode& root, std::string_view kind) {
  if (kind == kGpuConfigKind) {
    GpuConfig c;
    d.Struct(root, "GpuConfig",
             {TypeMetaField(d, "apiVersion"), TypeMetaField(d, "kind"),
              {"sharing", [&](const JsonNode& v) {
                 d.OptStruct<GpuSharing>(v, "v1beta1.GpuSharing", &c.sharing,
                                         [&d](const JsonNode& o, GpuSharing* s) {
                                           DecodeGpuSharing(d, o, s);
                                         });
               }}});
    return c;
  }
  if (kind == kMigDeviceConfigKind) {
    MigDeviceConfig c;
    d.Struct(root, "MigDeviceConfig",
             {TypeMetaField(d, "apiVersion"), TypeMetaField(d, "kind"),
              {"sharing", [&](const JsonNode& v) {
                 d.OptStruct<MigDeviceSharing>(
                     v, "v1beta1.MigDeviceSharing", &c.sharing,
                     [&d](const JsonNode& o, MigDeviceSharing* s) {
                       DecodeMigDeviceSharing(d, o, s);
                     });
               }}});
    return c;
  }
  if (kind == kVfioDeviceConfigKind) {
    VfioDeviceConfig c;
    d.Struct(root, "VfioDeviceConfig",
             {TypeMetaField(d, "apiVersion"), TypeMetaField(d, "kind"),
              {"iommu", [&](const JsonNode& v) {
                 d.OptStruct<IommuConfig>(v, "v1beta1.IOMMUConfig", &c.iommu,
                                          [&d](const JsonNode& o, IommuConfig* i) {
                                            DecodeIommu(d, o, i);
                                          });
               }}});
    return c;
  }
  if (kind == kComputeDomainChannelConfigKind) {
    ComputeDomainChannelConfig c;
    d.Struct(root, "ComputeDomainChannelConfig",
             {TypeMetaField(d, "apiVersion"), TypeMetaField(d, "kind"),
              {"domainID",
               [&](const JsonNode& v) { d.String(v, "string", &c.domain_id); }},
              {"allocationMode", [&](const JsonNode& v) {
                 d.String(v, "string", &c.allocation_mode);
               }}});
    return c;
  }
  if (kind == kComputeDomainDaemonConfigKind) {
    ComputeDomainDaemonConfig c;
    d.Struct(root, "ComputeDomainDaemonConfig",
             {TypeMetaField(d, "apiVersion"), TypeMetaField(d, "kind"),
              {"domainID", [&](const JsonNode& v) {
                 d.String(v, "string", &c.domain_id);
               }}});
    return c;
  }
  return NonConfigObject{std::string(kind)};
}

bool IsRegisteredKind(std::string_view kind) {
  for (const char* k :
       {kGpuConfigKind, kMigDeviceConfigKind, kVfioDeviceConfigKind,
        kComputeDomainChannelConfigKind, kComputeDomainDaemonConfigKind,
        kComputeDomainKind, kComputeDomainCliqueKind}) {
    if (kind == k) return true;
  }
  return false;
}

struct TypeMeta {
  std::string api_version;
  std::string kind;
};

// json.DefaultMetaFactory.Interpret: a lenient (case-insensitive) read of
// apiVersion and kind.
absl::StatusOr<TypeMeta> Interpret(const JsonNode& root) {
  TypeMeta tm;
  if (root.type == Type::kNull) return tm;
  if (root.type != Type::kObject) {
    return absl::InvalidArgumentError(absl::StrCat(
        kInterpretPrefix, "json: cannot unmarshal ", GoValueKind(root, false),
        " into Go value of type struct { APIVersion string "
        "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
        "\"json:\\\"kind,omitempty\\\"\" }"));
  }
  std::optional<std::string> first_error;
  for (const auto& [key, value] : root.members) {
    std::string* target = nullptr;
    if (absl::EqualsIgnoreCase(key, "apiVersion")) target = &tm.api_version;
    if (absl::EqualsIgnoreCase(key, "kind")) target = &tm.kind;
    if (target == nullptr || value.type == Type::kNull) continue;
    if (value.type == Type::kString) {
      *target = value.text;
    } else if (!first_error.has_value()) {
      first_error = absl::StrCat(
          "json: cannot unmarshal ", GoValueKind(value, false),
          " into Go struct field .",
          target == &tm.kind ? "kind" : "apiVersion", " of type string");
    }
  }
  if (first_error.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kInterpretPrefix, *first_error));
  }
  return tm;
}

void AppendMps(std::string* out, const MpsConfig& c) {
  *out += "{";
  bool first = true;
  auto sep = [&] {
    if (!first) *out += ",";
    first = false;
  };
  if (c.default_active_thread_percentage.has_value()) {
    sep();
    absl::StrAppend(out, "\"defaultActiveThreadPercentage\":",
                    *c.default_active_thread_percentage);
  }
  if (c.default_pinned_device_memory_limit.has_value()) {
    sep();
    absl::StrAppend(out, "\"defaultPinnedDeviceMemoryLimit\":",
                    GoJsonString(*c.default_pinned_device_memory_limit));
  }
  if (!c.default_per_device_pinned_memory_limit.empty()) {
    sep();
    *out += "\"defaultPerDevicePinnedMemoryLimit\":{";
    bool first_entry = true;
    for (const auto& [k, v] : c.default_per_device_pinned_memory_limit) {
      if (!first_entry) *out += ",";
      first_entry = false;
      absl::StrAppend(out, GoJsonString(k), ":", GoJsonString(v));
    }
    *out += "}";
  }
  *out += "}";
}

}  // namespace

absl::StatusOr<AnyConfig> Decode(std::string_view json, DecodeMode mode) {
  absl::StatusOr<JsonNode> root = ParseJsonTree(json);
  if (!root.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kInterpretPrefix, root.status().message()));
  }
  absl::StatusOr<TypeMeta> tm = Interpret(*root);
  if (!tm.ok()) return tm.status();

  // schema.ParseGroupVersion.
  std::string group;
  std::string version;
  const std::string& gv = tm->api_version;
  if (!gv.empty() && gv != "/") {
    const size_t slashes = std::count(gv.begin(), gv.end(), '/');
    if (slashes == 0) {
      version = gv;
    } else if (slashes == 1) {
      const size_t i = gv.find('/');
      group = gv.substr(0, i);
      version = gv.substr(i + 1);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected GroupVersion string: ", gv));
    }
  }
  if (tm->kind.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Object 'Kind' is missing in '", AV(json), "'"));
  }
  if (version.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Object 'apiVersion' is missing in '", AV(json), "'"));
  }
  if (group != kGroupName || version != kVersion ||
      !IsRegisteredKind(tm->kind)) {
    const std::string gv_string =
        group.empty() ? version : absl::StrCat(group, "/", version);
    return absl::InvalidArgumentError(absl::StrCat(
        "no kind ", GoQuote(tm->kind), " is registered for version ",
        GoQuote(gv_string), " in scheme ", GoQuote(kSchemeName)));
  }
  Decoder decoder(mode);
  AnyConfig config = DecodeKind(decoder, *root, tm->kind);
  if (absl::Status s = decoder.Result(); !s.ok()) return s;
  return config;
}

std::string Encode(const AnyConfig& config) {
  std::string out = absl::StrCat("{\"kind\":", GoJsonString(KindOf(config)),
                                 ",\"apiVersion\":\"", kApiVersion, "\"");
  if (const auto* c = std::get_if<GpuConfig>(&config)) {
    if (c->sharing.has_value()) {
      const GpuSharing& s = *c->sharing;
      absl::StrAppend(&out, ",\"sharing\":{\"strategy\":",
                      GoJsonString(s.strategy));
      if (s.time_slicing_config.has_value()) {
        out += ",\"timeSlicingConfig\":{";
        if (s.time_slicing_config->interval.has_value()) {
          absl::StrAppend(&out, "\"interval\":",
                          GoJsonString(*s.time_slicing_config->interval));
        }
        out += "}";
      }
      if (s.mps_config.has_value()) {
        out += ",\"mpsConfig\":";
        AppendMps(&out, *s.mps_config);
      }
      out += "}";
    }
  } else if (const auto* m = std::get_if<MigDeviceConfig>(&config)) {
    if (m->sharing.has_value()) {
      absl::StrAppend(&out, ",\"sharing\":{\"strategy\":",
                      GoJsonString(m->sharing->strategy));
      if (m->sharing->mps_config.has_value()) {
        out += ",\"mpsConfig\":";
        AppendMps(&out, *m->sharing->mps_config);
      }
      out += "}";
    }
  } else if (const auto* v = std::get_if<VfioDeviceConfig>(&config)) {
    if (v->iommu.has_value()) {
      absl::StrAppend(&out, ",\"iommu\":{\"backendPolicy\":",
                      GoJsonString(v->iommu->backend_policy));
      if (v->iommu->enable_api_device.has_value()) {
        absl::StrAppend(&out, ",\"enableAPIDevice\":",
                        *v->iommu->enable_api_device ? "true" : "false");
      }
      out += "}";
    }
  } else if (const auto* ch = std::get_if<ComputeDomainChannelConfig>(&config)) {
    absl::StrAppend(&out, ",\"domainID\":", GoJsonString(ch->domain_id));
    if (!ch->allocation_mode.empty()) {
      absl::StrAppend(&out, ",\"allocationMode\":",
                      GoJsonString(ch->allocation_mode));
    }
  } else if (const auto* d = std::get_if<ComputeDomainDaemonConfig>(&config)) {
    absl::StrAppend(&out, ",\"domainID\":", GoJsonString(d->domain_id));
  }
  out += "}";
  return out;
}

}  // namespace config

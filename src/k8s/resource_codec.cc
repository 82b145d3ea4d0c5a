#include "k8s/resource_codec.h"

#include <utility>

#include "k8s/json_reader.h"

namespace k8s {

using internal::PutOpt;
using internal::PutQuantityMap;
using internal::PutRaw;
using internal::PutStr;
using internal::PutStrs;
using internal::Reader;

absl::StatusOr<ApiVersion> ParseApiVersion(const std::string& v) {
  if (v == "v1") return ApiVersion::kV1;
  if (v == "v1beta2") return ApiVersion::kV1beta2;
  if (v == "v1beta1") return ApiVersion::kV1beta1;
  return absl::InvalidArgumentError("unsupported resource.k8s.io version \"" + v + "\"");
}

std::string ApiVersionName(ApiVersion v) {
  switch (v) {
    case ApiVersion::kV1: return "v1";
    case ApiVersion::kV1beta2: return "v1beta2";
    case ApiVersion::kV1beta1: return "v1beta1";
  }
  return "v1";
}

namespace {

// ---- v1beta1 <-> v1 reshaping ----

void RequestsToV1(nlohmann::json* devices) {
  if (!devices || !devices->is_object() || !devices->contains("requests")) return;
  nlohmann::json& reqs = (*devices)["requests"];
  if (!reqs.is_array()) return;
  for (nlohmann::json& r : reqs) {
    if (!r.is_object()) continue;
    nlohmann::json out = nlohmann::json::object();
    nlohmann::json exactly = nlohmann::json::object();
    for (auto& [k, v] : r.items()) {
      if (k == "name" || k == "firstAvailable") {
        out[k] = v;
      } else {
        exactly[k] = v;
      }
    }
    // A v1beta1 request without firstAvailable is an exact request, even
    // when it carries no exact fields: keep that, or v1 -> v1beta1 -> v1
    // would turn an empty `exactly` into none (found by
    // k8s_object_decoder_fuzzer).
    if (!exactly.empty() || !out.contains("firstAvailable")) out["exactly"] = std::move(exactly);
    r = std::move(out);
  }
}

void RequestsFromV1(nlohmann::json* devices) {
  if (!devices || !devices->is_object() || !devices->contains("requests")) return;
  nlohmann::json& reqs = (*devices)["requests"];
  if (!reqs.is_array()) return;
  for (nlohmann::json& r : reqs) {
    if (!r.is_object()) continue;
    auto ex = r.find("exactly");
    if (ex == r.end()) continue;
    nlohmann::json exactly = std::move(*ex);
    r.erase(ex);
    if (exactly.is_object()) {
      for (auto& [k, v] : exactly.items()) r[k] = v;
    }
  }
}

nlohmann::json* Ptr(nlohmann::json& j, const nlohmann::json::json_pointer& p) {
  return j.contains(p) ? &j[p] : nullptr;
}

void Reshape(nlohmann::json& obj, bool to_v1) {
  if (!obj.is_object()) return;
  const std::string kind = obj.value("kind", "");
  if (kind == "ResourceSlice") {
    nlohmann::json* devs = Ptr(obj, "/spec/devices"_json_pointer);
    if (!devs || !devs->is_array()) return;
    for (nlohmann::json& d : *devs) {
      if (!d.is_object()) continue;
      if (to_v1) {
        auto basic = d.find("basic");
        if (basic == d.end()) continue;
        nlohmann::json b = std::move(*basic);
        d.erase("basic");
        if (b.is_object()) {
          for (auto& [k, v] : b.items()) d[k] = v;
        }
      } else {
        nlohmann::json out = {{"name", d.value("name", nlohmann::json())}};
        nlohmann::json basic = nlohmann::json::object();
        for (auto& [k, v] : d.items()) {
          if (k != "name") basic[k] = v;
        }
        out["basic"] = std::move(basic);
        d = std::move(out);
      }
    }
  } else if (kind == "ResourceClaim") {
    nlohmann::json* devs = Ptr(obj, "/spec/devices"_json_pointer);
    to_v1 ? RequestsToV1(devs) : RequestsFromV1(devs);
  } else if (kind == "ResourceClaimTemplate") {
    nlohmann::json* devs = Ptr(obj, "/spec/spec/devices"_json_pointer);
    to_v1 ? RequestsToV1(devs) : RequestsFromV1(devs);
  }
}

// ---- shared pieces ----

std::vector<std::string> ReadSelectors(Reader& r, const nlohmann::json& j, const std::string& p) {
  std::vector<std::string> out;
  for (const nlohmann::json& s : r.Array(j, "selectors", p)) {
    out.push_back(r.Str(r.Raw(s, "cel", p + ".selectors"), "expression", p + ".selectors.cel"));
  }
  return out;
}

void PutSelectors(nlohmann::json& j, const std::vector<std::string>& sel) {
  for (const std::string& s : sel) j["selectors"].push_back({{"cel", {{"expression", s}}}});
}

std::optional<OpaqueDeviceConfiguration> ReadOpaque(Reader& r, const nlohmann::json& j,
                                                    const std::string& p) {
  nlohmann::json o = r.Raw(j, "opaque", p);
  if (o.is_null()) return std::nullopt;
  OpaqueDeviceConfiguration c;
  c.driver = r.Str(o, "driver", p + ".opaque");
  c.parameters = r.Raw(o, "parameters", p + ".opaque");
  return c;
}

void PutOpaque(nlohmann::json& j, const std::optional<OpaqueDeviceConfiguration>& c) {
  if (!c) return;
  nlohmann::json o = {{"driver", c->driver}};
  PutRaw(o, "parameters", c->parameters);
  j["opaque"] = std::move(o);
}

// Adds the kept unknown fields of `extra` to `typed` without overriding
// anything the typed model wrote (objects merge key by key).
void MergeKept(nlohmann::json& typed, const nlohmann::json& extra) {
  if (!extra.is_object() || !typed.is_object()) return;
  for (const auto& [k, v] : extra.items()) {
    auto it = typed.find(k);
    if (it == typed.end()) {
      typed[k] = v;
    } else if (it->is_object() && v.is_object()) {
      MergeKept(*it, v);
    }
  }
}

nlohmann::json PutExactTyped(const ExactDeviceRequest& e) {
  nlohmann::json j = nlohmann::json::object();
  PutStr(j, "deviceClassName", e.device_class_name);
  PutSelectors(j, e.selectors);
  PutStr(j, "allocationMode", e.allocation_mode);
  PutOpt(j, "count", e.count);
  PutOpt(j, "adminAccess", e.admin_access);
  PutRaw(j, "tolerations", e.tolerations);
  if (!e.capacity_requests.empty()) {
    nlohmann::json cap = nlohmann::json::object();
    PutQuantityMap(cap, "requests", e.capacity_requests);
    j["capacity"] = std::move(cap);
  }
  return j;
}

nlohmann::json PutExact(const ExactDeviceRequest& e) {
  nlohmann::json j = PutExactTyped(e);
  MergeKept(j, e.extra);
  return j;
}

ExactDeviceRequest ReadExact(Reader& r, const nlohmann::json& j, const std::string& p) {
  ExactDeviceRequest e;
  e.device_class_name = r.Str(j, "deviceClassName", p);
  e.selectors = ReadSelectors(r, j, p);
  e.allocation_mode = r.Str(j, "allocationMode", p);
  e.count = r.OptInt(j, "count", p);
  e.admin_access = r.OptBool(j, "adminAccess", p);
  e.tolerations = r.Raw(j, "tolerations", p);
  e.capacity_requests = r.QuantityMap(r.Raw(j, "capacity", p), "requests", p + ".capacity");
  e.extra = devices::JsonResidual(j, PutExactTyped(e));
  // The names of a request and of a sub-request belong to the enclosing
  // structs; in `exactly` they would collide with the v1beta1 flat form.
  e.extra.erase("name");
  e.extra.erase("firstAvailable");
  return e;
}

// The unknown fields of a v1 request (anything but name, exactly and
// firstAvailable), nulls dropped.
nlohmann::json RequestResidual(const nlohmann::json& q) {
  nlohmann::json out = nlohmann::json::object();
  if (!q.is_object()) return out;
  for (const auto& [k, v] : q.items()) {
    if (k != "name" && k != "exactly" && k != "firstAvailable" && !v.is_null()) out[k] = v;
  }
  return out;
}

nlohmann::json PutConstraint(const DeviceConstraint& c, bool with_extra) {
  nlohmann::json j = nlohmann::json::object();
  PutStrs(j, "requests", c.requests);
  PutOpt(j, "matchAttribute", c.match_attribute);
  PutOpt(j, "distinctAttribute", c.distinct_attribute);
  if (with_extra) MergeKept(j, c.extra);
  return j;
}

nlohmann::json PutClaimConfig(const DeviceClaimConfiguration& c, bool with_extra) {
  nlohmann::json j = nlohmann::json::object();
  PutStrs(j, "requests", c.requests);
  PutOpaque(j, c.opaque);
  if (with_extra) MergeKept(j, c.extra);
  return j;
}

ResourceClaimSpec ReadClaimSpec(Reader& r, const nlohmann::json& spec, const std::string& p0) {
  ResourceClaimSpec s;
  const std::string p = p0 + ".devices";
  nlohmann::json d = r.Raw(spec, "devices", p0);
  for (const nlohmann::json& q : r.Array(d, "requests", p)) {
    const std::string qp = p + ".requests";
    DeviceRequest req;
    req.name = r.Str(q, "name", qp);
    req.extra = RequestResidual(q);
    if (nlohmann::json ex = r.Raw(q, "exactly", qp); !ex.is_null()) {
      req.exactly = ReadExact(r, ex, qp + ".exactly");
    }
    for (const nlohmann::json& sub : r.Array(q, "firstAvailable", qp)) {
      DeviceSubRequest sr;
      sr.name = r.Str(sub, "name", qp + ".firstAvailable");
      sr.request = ReadExact(r, sub, qp + ".firstAvailable");
      req.first_available.push_back(std::move(sr));
    }
    s.requests.push_back(std::move(req));
  }
  for (const nlohmann::json& c : r.Array(d, "constraints", p)) {
    DeviceConstraint dc;
    dc.requests = r.Strs(c, "requests", p + ".constraints");
    dc.match_attribute = r.OptStr(c, "matchAttribute", p + ".constraints");
    dc.distinct_attribute = r.OptStr(c, "distinctAttribute", p + ".constraints");
    dc.extra = devices::JsonResidual(c, PutConstraint(dc, false));
    s.constraints.push_back(std::move(dc));
  }
  for (const nlohmann::json& c : r.Array(d, "config", p)) {
    DeviceClaimConfiguration cc;
    cc.requests = r.Strs(c, "requests", p + ".config");
    cc.opaque = ReadOpaque(r, c, p + ".config");
    cc.extra = devices::JsonResidual(c, PutClaimConfig(cc, false));
    s.config.push_back(std::move(cc));
  }
  return s;
}

nlohmann::json PutClaimSpec(const ResourceClaimSpec& s) {
  nlohmann::json d = nlohmann::json::object();
  for (const DeviceRequest& req : s.requests) {
    nlohmann::json q = {{"name", req.name}};
    if (req.exactly) q["exactly"] = PutExact(*req.exactly);
    for (const DeviceSubRequest& sr : req.first_available) {
      nlohmann::json sub = PutExact(sr.request);
      sub["name"] = sr.name;
      q["firstAvailable"].push_back(std::move(sub));
    }
    MergeKept(q, req.extra);
    d["requests"].push_back(std::move(q));
  }
  for (const DeviceConstraint& c : s.constraints) {
    d["constraints"].push_back(PutConstraint(c, true));
  }
  for (const DeviceClaimConfiguration& c : s.config) {
    d["config"].push_back(PutClaimConfig(c, true));
  }
  return {{"devices", d}};
}

nlohmann::json Header(const std::string& kind, ApiVersion v, const ObjectMeta& m) {
  return {{"apiVersion", "resource.k8s.io/" + ApiVersionName(v)}, {"kind", kind},
          {"metadata", MetaToJson(m)}};
}

// Encodes the typed part in the v1 shape (apiVersion v1), merges extra,
// reshapes for `v`.
nlohmann::json Finish(nlohmann::json typed, const nlohmann::json& extra, ApiVersion v) {
  if (extra.is_object() && !extra.empty()) typed.merge_patch(extra);
  typed["apiVersion"] = "resource.k8s.io/" + ApiVersionName(v);
  return typed;
}

absl::StatusOr<nlohmann::json> Prepare(const nlohmann::json& j, const char* kind, ApiVersion v) {
  if (!j.is_object()) return absl::InvalidArgumentError(std::string(kind) + ": not a JSON object");
  nlohmann::json c = j;
  // The version reshaping is chosen by `kind`: an object of another kind
  // would be decoded in the wrong shape (found by k8s_object_decoder_fuzzer).
  if (auto k = c.find("kind"); k != c.end() && !(k->is_string() && *k == kind)) {
    return absl::InvalidArgumentError(std::string(kind) + ": kind: got " + k->dump() +
                                      ", want \"" + kind + "\"");
  }
  c["kind"] = kind;
  if (v == ApiVersion::kV1beta1) Reshape(c, true);
  c["apiVersion"] = "resource.k8s.io/v1";
  return c;
}

// The typed encodings in v1 shape without extra.
nlohmann::json TypedSlice(const ResourceSlice& o) {
  nlohmann::json j = Header("ResourceSlice", ApiVersion::kV1, o.metadata);
  const ResourceSliceSpec& s = o.spec;
  nlohmann::json spec = {{"driver", s.driver},
                         {"pool", {{"name", s.pool.name},
                                   {"generation", s.pool.generation},
                                   {"resourceSliceCount", s.pool.resource_slice_count}}}};
  PutOpt(spec, "nodeName", s.node_name);
  PutRaw(spec, "nodeSelector", s.node_selector);
  PutOpt(spec, "allNodes", s.all_nodes);
  PutOpt(spec, "perDeviceNodeSelection", s.per_device_node_selection);
  for (const devices::Device& d : s.devices) {
    spec["devices"].push_back(devices::DeviceToJson(d, ApiVersion::kV1));
  }
  for (const CounterSet& cs : s.shared_counters) {
    nlohmann::json c = {{"name", cs.name}, {"counters", nlohmann::json::object()}};
    for (const auto& [k, q] : cs.counters) c["counters"][k] = {{"value", q.ToString()}};
    spec["sharedCounters"].push_back(std::move(c));
  }
  j["spec"] = std::move(spec);
  return j;
}

nlohmann::json TypedClaimStatus(const ResourceClaimStatus& s) {
  nlohmann::json st = nlohmann::json::object();
  if (s.allocation) {
    const AllocationResult& a = *s.allocation;
    nlohmann::json devs = nlohmann::json::object();
    for (const DeviceRequestAllocationResult& r : a.results) {
      nlohmann::json j = {{"request", r.request}, {"driver", r.driver}, {"pool", r.pool},
                          {"device", r.device}};
      PutOpt(j, "adminAccess", r.admin_access);
      PutRaw(j, "tolerations", r.tolerations);
      PutStrs(j, "bindingConditions", r.binding_conditions);
      PutStrs(j, "bindingFailureConditions", r.binding_failure_conditions);
      PutOpt(j, "shareID", r.share_id);
      PutQuantityMap(j, "consumedCapacity", r.consumed_capacity);
      devs["results"].push_back(std::move(j));
    }
    for (const DeviceAllocationConfiguration& c : a.config) {
      nlohmann::json j = {{"source", c.source}};
      PutStrs(j, "requests", c.requests);
      PutOpaque(j, c.opaque);
      devs["config"].push_back(std::move(j));
    }
    nlohmann::json alloc = nlohmann::json::object();
    if (!devs.empty()) alloc["devices"] = std::move(devs);
    PutRaw(alloc, "nodeSelector", a.node_selector);
    PutOpt(alloc, "allocationTimestamp", a.allocation_timestamp);
    st["allocation"] = std::move(alloc);
  }
  for (const ResourceClaimConsumerReference& r : s.reserved_for) {
    nlohmann::json j = {{"resource", r.resource}, {"name", r.name}, {"uid", r.uid}};
    PutStr(j, "apiGroup", r.api_group);
    st["reservedFor"].push_back(std::move(j));
  }
  for (const AllocatedDeviceStatus& d : s.devices) {
    nlohmann::json j = {{"driver", d.driver}, {"pool", d.pool}, {"device", d.device}};
    PutOpt(j, "shareID", d.share_id);
    PutRaw(j, "conditions", d.conditions);
    PutRaw(j, "data", d.data);
    PutRaw(j, "networkData", d.network_data);
    st["devices"].push_back(std::move(j));
  }
  return st;
}

nlohmann::json TypedClaim(const ResourceClaim& o) {
  nlohmann::json j = Header("ResourceClaim", ApiVersion::kV1, o.metadata);
  j["spec"] = PutClaimSpec(o.spec);
  nlohmann::json st = TypedClaimStatus(o.status);
  if (!st.empty()) j["status"] = std::move(st);
  return j;
}

nlohmann::json TypedTemplate(const ResourceClaimTemplate& o) {
  nlohmann::json j = Header("ResourceClaimTemplate", ApiVersion::kV1, o.metadata);
  nlohmann::json spec = {{"spec", PutClaimSpec(o.spec)}};
  nlohmann::json cm = MetaToJson(o.claim_metadata);
  if (!cm.empty()) spec["metadata"] = std::move(cm);
  j["spec"] = std::move(spec);
  return j;
}

nlohmann::json TypedClass(const DeviceClass& o) {
  nlohmann::json j = Header("DeviceClass", ApiVersion::kV1, o.metadata);
  nlohmann::json spec = nlohmann::json::object();
  PutSelectors(spec, o.selectors);
  for (const auto& c : o.config) {
    nlohmann::json e = nlohmann::json::object();
    PutOpaque(e, c);
    spec["config"].push_back(std::move(e));
  }
  PutOpt(spec, "extendedResourceName", o.extended_resource_name);
  j["spec"] = std::move(spec);
  return j;
}

template <typename T>
absl::StatusOr<T> Done(Reader& r, const nlohmann::json& v1, T obj, nlohmann::json typed) {
  if (!r.status().ok()) return r.status();
  obj.extra = devices::JsonResidual(v1, typed);
  return obj;
}

}  // namespace

nlohmann::json ToV1Shape(nlohmann::json obj, ApiVersion version) {
  if (version == ApiVersion::kV1beta1) Reshape(obj, true);
  if (obj.is_object()) obj["apiVersion"] = "resource.k8s.io/v1";
  return obj;
}

nlohmann::json FromV1Shape(nlohmann::json obj, ApiVersion version) {
  if (version == ApiVersion::kV1beta1) Reshape(obj, false);
  if (obj.is_object()) obj["apiVersion"] = "resource.k8s.io/" + ApiVersionName(version);
  return obj;
}

nlohmann::json ToJson(const ResourceSlice& o, ApiVersion v) {
  return FromV1Shape(Finish(TypedSlice(o), o.extra, ApiVersion::kV1), v);
}
nlohmann::json ToJson(const ResourceClaim& o, ApiVersion v) {
  return FromV1Shape(Finish(TypedClaim(o), o.extra, ApiVersion::kV1), v);
}
nlohmann::json ToJson(const ResourceClaimTemplate& o, ApiVersion v) {
  return FromV1Shape(Finish(TypedTemplate(o), o.extra, ApiVersion::kV1), v);
}
nlohmann::json ToJson(const DeviceClass& o, ApiVersion v) {
  return FromV1Shape(Finish(TypedClass(o), o.extra, ApiVersion::kV1), v);
}

absl::StatusOr<ResourceSlice> ResourceSliceFromJson(const nlohmann::json& in, ApiVersion v) {
  absl::StatusOr<nlohmann::json> j = Prepare(in, "ResourceSlice", v);
  if (!j.ok()) return j.status();
  Reader r;
  ResourceSlice o;
  if (absl::StatusOr<ObjectMeta> m = MetaFromJson(r.Raw(*j, "metadata", "")); m.ok()) {
    o.metadata = *m;
  } else {
    return m.status();
  }
  nlohmann::json spec = r.Raw(*j, "spec", "");
  ResourceSliceSpec& s = o.spec;
  s.driver = r.Str(spec, "driver", "spec");
  nlohmann::json pool = r.Raw(spec, "pool", "spec");
  s.pool.name = r.Str(pool, "name", "spec.pool");
  s.pool.generation = r.OptInt(pool, "generation", "spec.pool").value_or(0);
  s.pool.resource_slice_count = r.OptInt(pool, "resourceSliceCount", "spec.pool").value_or(0);
  s.node_name = r.OptStr(spec, "nodeName", "spec");
  s.node_selector = r.Raw(spec, "nodeSelector", "spec");
  s.all_nodes = r.OptBool(spec, "allNodes", "spec");
  s.per_device_node_selection = r.OptBool(spec, "perDeviceNodeSelection", "spec");
  for (const nlohmann::json& d : r.Array(spec, "devices", "spec")) {
    absl::StatusOr<devices::Device> dev = devices::DeviceFromJson(d, ApiVersion::kV1);
    if (!dev.ok()) {
      r.Fail("spec.devices", std::string(dev.status().message()));
      break;
    }
    s.devices.push_back(std::move(*dev));
  }
  for (const nlohmann::json& c : r.Array(spec, "sharedCounters", "spec")) {
    CounterSet cs;
    cs.name = r.Str(c, "name", "spec.sharedCounters");
    nlohmann::json counters = r.Raw(c, "counters", "spec.sharedCounters");
    if (counters.is_object()) {
      for (const auto& [k, val] : counters.items()) {
        std::string q = r.Str(val, "value", "spec.sharedCounters.counters." + k);
        absl::StatusOr<Quantity> parsed = Quantity::Parse(q);
        if (!parsed.ok()) {
          r.Fail("spec.sharedCounters.counters." + k, std::string(parsed.status().message()));
        } else {
          cs.counters[k] = *parsed;
        }
      }
    }
    s.shared_counters.push_back(std::move(cs));
  }
  nlohmann::json typed = r.status().ok() ? TypedSlice(o) : nlohmann::json();
  return Done(r, *j, std::move(o), std::move(typed));
}

absl::StatusOr<ResourceClaim> ResourceClaimFromJson(const nlohmann::json& in, ApiVersion v) {
  absl::StatusOr<nlohmann::json> j = Prepare(in, "ResourceClaim", v);
  if (!j.ok()) return j.status();
  Reader r;
  ResourceClaim o;
  if (absl::StatusOr<ObjectMeta> m = MetaFromJson(r.Raw(*j, "metadata", "")); m.ok()) {
    o.metadata = *m;
  } else {
    return m.status();
  }
  o.spec = ReadClaimSpec(r, r.Raw(*j, "spec", ""), "spec");
  nlohmann::json st = r.Raw(*j, "status", "");
  if (nlohmann::json a = r.Raw(st, "allocation", "status"); !a.is_null()) {
    AllocationResult ar;
    const std::string p = "status.allocation.devices";
    nlohmann::json devs = r.Raw(a, "devices", "status.allocation");
    for (const nlohmann::json& x : r.Array(devs, "results", p)) {
      const std::string rp = p + ".results";
      DeviceRequestAllocationResult res;
      res.request = r.Str(x, "request", rp);
      res.driver = r.Str(x, "driver", rp);
      res.pool = r.Str(x, "pool", rp);
      res.device = r.Str(x, "device", rp);
      res.admin_access = r.OptBool(x, "adminAccess", rp);
      res.tolerations = r.Raw(x, "tolerations", rp);
      res.binding_conditions = r.Strs(x, "bindingConditions", rp);
      res.binding_failure_conditions = r.Strs(x, "bindingFailureConditions", rp);
      res.share_id = r.OptStr(x, "shareID", rp);
      res.consumed_capacity = r.QuantityMap(x, "consumedCapacity", rp);
      ar.results.push_back(std::move(res));
    }
    for (const nlohmann::json& x : r.Array(devs, "config", p)) {
      DeviceAllocationConfiguration c;
      c.source = r.Str(x, "source", p + ".config");
      c.requests = r.Strs(x, "requests", p + ".config");
      c.opaque = ReadOpaque(r, x, p + ".config");
      ar.config.push_back(std::move(c));
    }
    ar.node_selector = r.Raw(a, "nodeSelector", "status.allocation");
    ar.allocation_timestamp = r.OptStr(a, "allocationTimestamp", "status.allocation");
    o.status.allocation = std::move(ar);
  }
  for (const nlohmann::json& x : r.Array(st, "reservedFor", "status")) {
    ResourceClaimConsumerReference ref;
    ref.api_group = r.Str(x, "apiGroup", "status.reservedFor");
    ref.resource = r.Str(x, "resource", "status.reservedFor");
    ref.name = r.Str(x, "name", "status.reservedFor");
    ref.uid = r.Str(x, "uid", "status.reservedFor");
    o.status.reserved_for.push_back(std::move(ref));
  }
  for (const nlohmann::json& x : r.Array(st, "devices", "status")) {
    AllocatedDeviceStatus d;
    d.driver = r.Str(x, "driver", "status.devices");
    d.pool = r.Str(x, "pool", "status.devices");
    d.device = r.Str(x, "device", "status.devices");
    d.share_id = r.OptStr(x, "shareID", "status.devices");
    d.conditions = r.Raw(x, "conditions", "status.devices");
    d.data = r.Raw(x, "data", "status.devices");
    d.network_data = r.Raw(x, "networkData", "status.devices");
    o.status.devices.push_back(std::move(d));
  }
  nlohmann::json typed = r.status().ok() ? TypedClaim(o) : nlohmann::json();
  return Done(r, *j, std::move(o), std::move(typed));
}

absl::StatusOr<ResourceClaimTemplate> ResourceClaimTemplateFromJson(const nlohmann::json& in,
                                                                    ApiVersion v) {
  absl::StatusOr<nlohmann::json> j = Prepare(in, "ResourceClaimTemplate", v);
  if (!j.ok()) return j.status();
  Reader r;
  ResourceClaimTemplate o;
  if (absl::StatusOr<ObjectMeta> m = MetaFromJson(r.Raw(*j, "metadata", "")); m.ok()) {
    o.metadata = *m;
  } else {
    return m.status();
  }
  nlohmann::json spec = r.Raw(*j, "spec", "");
  if (absl::StatusOr<ObjectMeta> m = MetaFromJson(r.Raw(spec, "metadata", "spec")); m.ok()) {
    o.claim_metadata = *m;
  } else {
    return m.status();
  }
  o.spec = ReadClaimSpec(r, r.Raw(spec, "spec", "spec"), "spec.spec");
  nlohmann::json typed = r.status().ok() ? TypedTemplate(o) : nlohmann::json();
  return Done(r, *j, std::move(o), std::move(typed));
}

absl::StatusOr<DeviceClass> DeviceClassFromJson(const nlohmann::json& in, ApiVersion v) {
  absl::StatusOr<nlohmann::json> j = Prepare(in, "DeviceClass", v);
  if (!j.ok()) return j.status();
  Reader r;
  DeviceClass o;
  if (absl::StatusOr<ObjectMeta> m = MetaFromJson(r.Raw(*j, "metadata", "")); m.ok()) {
    o.metadata = *m;
  } else {
    return m.status();
  }
  nlohmann::json spec = r.Raw(*j, "spec", "");
  o.selectors = ReadSelectors(r, spec, "spec");
  for (const nlohmann::json& c : r.Array(spec, "config", "spec")) {
    std::optional<OpaqueDeviceConfiguration> op = ReadOpaque(r, c, "spec.config");
    o.config.push_back(op.value_or(OpaqueDeviceConfiguration{}));
  }
  o.extended_resource_name = r.OptStr(spec, "extendedResourceName", "spec");
  nlohmann::json typed = r.status().ok() ? TypedClass(o) : nlohmann::json();
  return Done(r, *j, std::move(o), std::move(typed));
}

}  // namespace k8s

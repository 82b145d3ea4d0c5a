#include "k8s/objects.h"

#include "devices/json.h"
#include "k8s/json_reader.h"

namespace k8s {

using internal::PutOpt;
using internal::PutStr;
using internal::PutStrMap;
using internal::PutStrs;
using internal::Reader;

namespace {

void ReadMeta(Reader& r, const nlohmann::json& j, ObjectMeta* m) {
  const std::string p = "metadata";
  m->name = r.Str(j, "name", p);
  m->generate_name = r.Str(j, "generateName", p);
  m->namespace_ = r.Str(j, "namespace", p);
  m->uid = r.Str(j, "uid", p);
  m->resource_version = r.Str(j, "resourceVersion", p);
  m->generation = r.OptInt(j, "generation", p).value_or(0);
  m->creation_timestamp = r.Str(j, "creationTimestamp", p);
  m->deletion_timestamp = r.OptStr(j, "deletionTimestamp", p);
  m->labels = r.StrMap(j, "labels", p);
  m->annotations = r.StrMap(j, "annotations", p);
  m->finalizers = r.Strs(j, "finalizers", p);
  for (const nlohmann::json& o : r.Array(j, "ownerReferences", p)) {
    const std::string op = p + ".ownerReferences";
    OwnerReference ref;
    ref.api_version = r.Str(o, "apiVersion", op);
    ref.kind = r.Str(o, "kind", op);
    ref.name = r.Str(o, "name", op);
    ref.uid = r.Str(o, "uid", op);
    ref.controller = r.OptBool(o, "controller", op);
    ref.block_owner_deletion = r.OptBool(o, "blockOwnerDeletion", op);
    m->owner_references.push_back(std::move(ref));
  }
}

ObjectReference ReadRef(Reader& r, const nlohmann::json& j, const std::string& p) {
  ObjectReference o;
  o.api_version = r.Str(j, "apiVersion", p);
  o.kind = r.Str(j, "kind", p);
  o.namespace_ = r.Str(j, "namespace", p);
  o.name = r.Str(j, "name", p);
  o.uid = r.Str(j, "uid", p);
  o.resource_version = r.Str(j, "resourceVersion", p);
  o.field_path = r.Str(j, "fieldPath", p);
  return o;
}

// Encodes via `typed`, then merges `extra`.
nlohmann::json WithExtra(nlohmann::json typed, const nlohmann::json& extra) {
  if (extra.is_object() && !extra.empty()) typed.merge_patch(extra);
  return typed;
}

template <typename T>
absl::StatusOr<T> Finish(Reader& r, const nlohmann::json& j, T obj) {
  if (!r.status().ok()) return r.status();
  obj.extra = nlohmann::json::object();
  obj.extra = devices::JsonResidual(j, ToJson(obj));
  return obj;
}

absl::Status CheckObject(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("object: not a JSON object");
  return absl::OkStatus();
}

}  // namespace

nlohmann::json MetaToJson(const ObjectMeta& m) {
  nlohmann::json j = nlohmann::json::object();
  PutStr(j, "name", m.name);
  PutStr(j, "generateName", m.generate_name);
  PutStr(j, "namespace", m.namespace_);
  PutStr(j, "uid", m.uid);
  PutStr(j, "resourceVersion", m.resource_version);
  if (m.generation != 0) j["generation"] = m.generation;
  PutStr(j, "creationTimestamp", m.creation_timestamp);
  PutOpt(j, "deletionTimestamp", m.deletion_timestamp);
  PutStrMap(j, "labels", m.labels);
  PutStrMap(j, "annotations", m.annotations);
  for (const OwnerReference& o : m.owner_references) {
    nlohmann::json r = {{"apiVersion", o.api_version}, {"kind", o.kind}, {"name", o.name},
                        {"uid", o.uid}};
    PutOpt(r, "controller", o.controller);
    PutOpt(r, "blockOwnerDeletion", o.block_owner_deletion);
    j["ownerReferences"].push_back(std::move(r));
  }
  PutStrs(j, "finalizers", m.finalizers);
  return j;
}

absl::StatusOr<ObjectMeta> MetaFromJson(const nlohmann::json& j) {
  Reader r;
  ObjectMeta m;
  ReadMeta(r, j, &m);
  if (!r.status().ok()) return r.status();
  return m;
}

nlohmann::json ToJson(const ObjectReference& o) {
  nlohmann::json j = nlohmann::json::object();
  PutStr(j, "apiVersion", o.api_version);
  PutStr(j, "kind", o.kind);
  PutStr(j, "namespace", o.namespace_);
  PutStr(j, "name", o.name);
  PutStr(j, "uid", o.uid);
  PutStr(j, "resourceVersion", o.resource_version);
  PutStr(j, "fieldPath", o.field_path);
  return j;
}

nlohmann::json ToJson(const Node& o) {
  return WithExtra({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", MetaToJson(o.metadata)}},
                   o.extra);
}
absl::StatusOr<Node> NodeFromJson(const nlohmann::json& j) {
  if (absl::Status s = CheckObject(j); !s.ok()) return s;
  Reader r;
  Node o;
  ReadMeta(r, r.Raw(j, "metadata", ""), &o.metadata);
  return Finish(r, j, std::move(o));
}

nlohmann::json ToJson(const Pod& o) {
  nlohmann::json j = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", MetaToJson(o.metadata)}};
  if (!o.node_name.empty()) j["spec"]["nodeName"] = o.node_name;
  if (!o.phase.empty()) j["status"]["phase"] = o.phase;
  return WithExtra(std::move(j), o.extra);
}
absl::StatusOr<Pod> PodFromJson(const nlohmann::json& j) {
  if (absl::Status s = CheckObject(j); !s.ok()) return s;
  Reader r;
  Pod o;
  ReadMeta(r, r.Raw(j, "metadata", ""), &o.metadata);
  o.node_name = r.Str(r.Raw(j, "spec", ""), "nodeName", "spec");
  o.phase = r.Str(r.Raw(j, "status", ""), "phase", "status");
  return Finish(r, j, std::move(o));
}

nlohmann::json ToJson(const DaemonSet& o) {
  nlohmann::json j = {{"apiVersion", "apps/v1"}, {"kind", "DaemonSet"},
                      {"metadata", MetaToJson(o.metadata)}};
  if (o.desired_number_scheduled) j["status"]["desiredNumberScheduled"] = o.desired_number_scheduled;
  if (o.number_ready) j["status"]["numberReady"] = o.number_ready;
  return WithExtra(std::move(j), o.extra);
}
absl::StatusOr<DaemonSet> DaemonSetFromJson(const nlohmann::json& j) {
  if (absl::Status s = CheckObject(j); !s.ok()) return s;
  Reader r;
  DaemonSet o;
  ReadMeta(r, r.Raw(j, "metadata", ""), &o.metadata);
  nlohmann::json st = r.Raw(j, "status", "");
  o.desired_number_scheduled = r.OptInt(st, "desiredNumberScheduled", "status").value_or(0);
  o.number_ready = r.OptInt(st, "numberReady", "status").value_or(0);
  return Finish(r, j, std::move(o));
}

nlohmann::json ToJson(const Lease& o) {
  nlohmann::json spec = nlohmann::json::object();
  PutOpt(spec, "holderIdentity", o.holder_identity);
  PutOpt(spec, "leaseDurationSeconds", o.lease_duration_seconds);
  PutOpt(spec, "acquireTime", o.acquire_time);
  PutOpt(spec, "renewTime", o.renew_time);
  PutOpt(spec, "leaseTransitions", o.lease_transitions);
  return WithExtra({{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"},
                    {"metadata", MetaToJson(o.metadata)}, {"spec", spec}},
                   o.extra);
}
absl::StatusOr<Lease> LeaseFromJson(const nlohmann::json& j) {
  if (absl::Status s = CheckObject(j); !s.ok()) return s;
  Reader r;
  Lease o;
  ReadMeta(r, r.Raw(j, "metadata", ""), &o.metadata);
  nlohmann::json spec = r.Raw(j, "spec", "");
  o.holder_identity = r.OptStr(spec, "holderIdentity", "spec");
  o.lease_duration_seconds = r.OptInt(spec, "leaseDurationSeconds", "spec");
  o.acquire_time = r.OptStr(spec, "acquireTime", "spec");
  o.renew_time = r.OptStr(spec, "renewTime", "spec");
  o.lease_transitions = r.OptInt(spec, "leaseTransitions", "spec");
  return Finish(r, j, std::move(o));
}

nlohmann::json ToJson(const Event& o) {
  nlohmann::json j = {{"apiVersion", "events.k8s.io/v1"}, {"kind", "Event"},
                      {"metadata", MetaToJson(o.metadata)}};
  PutStr(j, "eventTime", o.event_time);
  PutStr(j, "reportingController", o.reporting_controller);
  PutStr(j, "reportingInstance", o.reporting_instance);
  PutStr(j, "action", o.action);
  PutStr(j, "reason", o.reason);
  PutStr(j, "note", o.note);
  PutStr(j, "type", o.type);
  j["regarding"] = ToJson(o.regarding);
  if (o.related) j["related"] = ToJson(*o.related);
  if (o.series_count) {
    j["series"] = {{"count", *o.series_count}};
    PutOpt(j["series"], "lastObservedTime", o.series_last_observed_time);
  }
  return WithExtra(std::move(j), o.extra);
}
absl::StatusOr<Event> EventFromJson(const nlohmann::json& j) {
  if (absl::Status s = CheckObject(j); !s.ok()) return s;
  Reader r;
  Event o;
  ReadMeta(r, r.Raw(j, "metadata", ""), &o.metadata);
  o.event_time = r.Str(j, "eventTime", "");
  o.reporting_controller = r.Str(j, "reportingController", "");
  o.reporting_instance = r.Str(j, "reportingInstance", "");
  o.action = r.Str(j, "action", "");
  o.reason = r.Str(j, "reason", "");
  o.note = r.Str(j, "note", "");
  o.type = r.Str(j, "type", "");
  o.regarding = ReadRef(r, r.Raw(j, "regarding", ""), "regarding");
  if (nlohmann::json rel = r.Raw(j, "related", ""); !rel.is_null()) {
    o.related = ReadRef(r, rel, "related");
  }
  if (nlohmann::json s = r.Raw(j, "series", ""); !s.is_null()) {
    o.series_count = r.OptInt(s, "count", "series");
    o.series_last_observed_time = r.OptStr(s, "lastObservedTime", "series");
  }
  return Finish(r, j, std::move(o));
}

std::string FormatMicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTime(const std::string& s) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return absl::InvalidArgumentError("bad time \"" + s + "\": " + err);
  }
  return t;
}

}  // namespace k8s

// objects.h: typed forms of the core objects the drivers touch —
// ObjectMeta, Node, Pod, DaemonSet, Lease (coordination.k8s.io/v1) and
// Event (events.k8s.io/v1) — with their JSON codecs. Fields the drivers
// use are typed; everything else an object carried is kept in `extra`
// (see devices::JsonResidual) and written back, so read-modify-write
// round-trips. CRD objects stay nlohmann::json (unstructured).
//
// Decode functions return InvalidArgument naming the bad field path.
// Used by leader election, the event recorder, the slice publisher and
// controllers. Values; thread-compatible.
#ifndef DRA_K8S_OBJECTS_H_
#define DRA_K8S_OBJECTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace k8s {

struct OwnerReference {
  std::string api_version, kind, name, uid;
  std::optional<bool> controller, block_owner_deletion;
  bool operator==(const OwnerReference&) const = default;
};

struct ObjectMeta {
  std::string name, generate_name, namespace_, uid, resource_version;
  int64_t generation = 0;
  std::string creation_timestamp;
  std::optional<std::string> deletion_timestamp;
  std::map<std::string, std::string> labels, annotations;
  std::vector<OwnerReference> owner_references;
  std::vector<std::string> finalizers;
  bool operator==(const ObjectMeta&) const = default;
};

nlohmann::json MetaToJson(const ObjectMeta& m);
absl::StatusOr<ObjectMeta> MetaFromJson(const nlohmann::json& j);

// Node: name, uid, labels are what slices need (owner reference, pools).
struct Node {
  ObjectMeta metadata;
  nlohmann::json extra = nlohmann::json::object();  // spec, status, ...
  bool operator==(const Node&) const = default;
};

struct Pod {
  ObjectMeta metadata;
  std::string node_name;  // spec.nodeName
  std::string phase;      // status.phase
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const Pod&) const = default;
};

struct DaemonSet {
  ObjectMeta metadata;
  int64_t desired_number_scheduled = 0;  // status.desiredNumberScheduled
  int64_t number_ready = 0;              // status.numberReady
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const DaemonSet&) const = default;
};

// coordination.k8s.io/v1 Lease. Times are RFC 3339 MicroTime strings.
struct Lease {
  ObjectMeta metadata;
  std::optional<std::string> holder_identity;
  std::optional<int64_t> lease_duration_seconds;
  std::optional<std::string> acquire_time, renew_time;
  std::optional<int64_t> lease_transitions;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const Lease&) const = default;
};

struct ObjectReference {
  std::string api_version, kind, namespace_, name, uid, resource_version, field_path;
  bool operator==(const ObjectReference&) const = default;
};

// events.k8s.io/v1 Event.
struct Event {
  ObjectMeta metadata;
  std::string event_time;  // MicroTime, required
  std::string reporting_controller, reporting_instance;
  std::string action, reason, note, type;  // type: Normal or Warning
  ObjectReference regarding;
  std::optional<ObjectReference> related;
  // series: {count, lastObservedTime} once an event repeats.
  std::optional<int64_t> series_count;
  std::optional<std::string> series_last_observed_time;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const Event&) const = default;
};

nlohmann::json ToJson(const Node& o);
nlohmann::json ToJson(const Pod& o);
nlohmann::json ToJson(const DaemonSet& o);
nlohmann::json ToJson(const Lease& o);
nlohmann::json ToJson(const Event& o);
nlohmann::json ToJson(const ObjectReference& o);
absl::StatusOr<Node> NodeFromJson(const nlohmann::json& j);
absl::StatusOr<Pod> PodFromJson(const nlohmann::json& j);
absl::StatusOr<DaemonSet> DaemonSetFromJson(const nlohmann::json& j);
absl::StatusOr<Lease> LeaseFromJson(const nlohmann::json& j);
absl::StatusOr<Event> EventFromJson(const nlohmann::json& j);

// RFC 3339 with microseconds, UTC ("2024-05-01T10:00:00.123456Z"), the
// MicroTime wire form; and its parser (accepts any RFC 3339 time).
std::string FormatMicroTime(absl::Time t);
absl::StatusOr<absl::Time> ParseTime(const std::string& s);

}  // namespace k8s

#endif  // DRA_K8S_OBJECTS_H_

// event_recorder.h: records events.k8s.io/v1 Events about API objects
// (what `kubectl describe` and `kubectl events` show), after client-go's
// tools/events recorder.
//
// Each Event carries reportingController/reportingInstance (from the
// options), action, reason, note (truncated to the server's 1 kB limit),
// type Normal or Warning, the `regarding` ObjectReference and eventTime in
// MicroTime form ("2006-01-02T15:04:05.000000Z"). It is created in the
// regarding object's namespace ("default" for cluster-scoped objects) and
// named "<regarding.name>.<hex nanoseconds>" as client-go names them.
//
// Deduplication: a repeat of the same (regarding, reason, action, note,
// type) within `dedup_window` (10 min) of its last observation does not
// create another Event: the existing one's `series` {count,
// lastObservedTime} is merge-patched instead (count 2 on the first
// repeat). If that Event is gone (TTL, deleted), a new one is created.
// The dedup cache is bounded (max_cache entries; expired, then oldest
// entries are evicted).
//
// Writes are synchronous: Record returns the write's status, and is
// bounded by the Client's per-request timeout and retry options (give the
// recorder a Client with short ones). Recording never fails the caller's
// operation; callers usually ignore or log the status.
//
// Thread-safe: one recorder serves all threads (writes are serialized).
#ifndef DRA_K8S_EVENT_RECORDER_H_
#define DRA_K8S_EVENT_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/client.h"
#include "k8s/clock.h"
#include "k8s/objects.h"

namespace k8s {

inline constexpr char kEventTypeNormal[] = "Normal";
inline constexpr char kEventTypeWarning[] = "Warning";

struct EventRecorderOptions {
  std::string reporting_controller;  // required, e.g. "gpu.nvidia.com/kubelet-plugin"
  std::string reporting_instance;    // required, e.g. the node or pod name
  absl::Duration dedup_window = absl::Minutes(10);
  size_t max_cache = 4096;
};

class EventRecorder {
 public:
  // `client` and `clock` are not owned and must outlive the recorder.
  EventRecorder(Client* client, EventRecorderOptions options, Clock* clock = Clock::Real());
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Records one occurrence. InvalidArgument for a type other than
  // Normal/Warning, an empty reason or action, or a regarding object
  // without a name; otherwise the status of the Create/Patch.
  absl::Status Record(const ObjectReference& regarding, const std::string& type,
                      const std::string& reason, const std::string& action,
                      const std::string& note);
  absl::Status Normal(const ObjectReference& regarding, const std::string& reason,
                      const std::string& action, const std::string& note) {
    return Record(regarding, kEventTypeNormal, reason, action, note);
  }
  absl::Status Warning(const ObjectReference& regarding, const std::string& reason,
                       const std::string& action, const std::string& note) {
    return Record(regarding, kEventTypeWarning, reason, action, note);
  }

  size_t cache_size() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, std::string, std::string>;
  struct Entry {
    std::string ns, name;  // the Event object
    int64_t count = 1;
    absl::Time last_observed;
  };
  absl::Status Create(const Key& key, const ObjectReference& regarding, const std::string& type,
                      const std::string& reason, const std::string& action,
                      const std::string& note, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Evict(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Client* const client_;
  const EventRecorderOptions options_;
  Clock* const clock_;
  mutable absl::Mutex mu_;
  std::map<Key, Entry> cache_ ABSL_GUARDED_BY(mu_);
  int64_t last_name_nanos_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace k8s

#endif  // DRA_K8S_EVENT_RECORDER_H_

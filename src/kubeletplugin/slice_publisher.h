// slice_publisher.h: keeps the ResourceSlices of one node-local pool
// (pool name = node name, owner = the Node) in the API server equal to the
// devices the driver last handed to Publish().
//
// A background thread (Start/Stop) watches this driver's slices on this
// node (field selectors spec.driver and spec.nodeName) and reconciles
// after every change it sees, after Publish(), and every resync_period:
//   - it LISTs the slices (a fresh read, so its own writes are never
//     missed), lays the devices out (slice_layout.h), and compares;
//   - slices of other pools of this driver/node, slices of an older pool
//     generation and surplus slices are deleted (with uid/resourceVersion
//     preconditions); changed slices are updated and missing ones created
//     with generateName "<node>-<driver>-";
//   - the pool generation is bumped (and every slice rewritten) whenever
//     the content changes; a slice that only went missing (the kubelet
//     deletes a node's slices when it restarts) is recreated at the
//     current generation, within a second of the watch event;
//   - fields the server silently drops (a feature gate off) are reported
//     once and the stored form is adopted, so no update loop starts.
// It talks the resource.k8s.io version the server serves (v1 > v1beta2 >
// v1beta1, via discovery) unless options name one.
//
// Errors are loud: an API-server rejection (4xx other than conflicts) is
// logged, recorded as a Warning Event "ResourceSliceRejected" on the Node
// with the server's message, and counted; every error makes Ready() false
// with LastError() set and is retried with capped exponential backoff
// until a sync succeeds. Ready() is true only once the current desired
// state is entirely in the API server.
//
// Used by the kubelet-plugin binaries. Thread-safe: Publish, Ready,
// LastError, counters and Start/Stop may be called from any thread; the
// observer is called on the publisher's thread (a local refusal of
// Publish()'s devices: on the caller's), with the publisher's lock held.
// Stop() joins the thread;
// the destructor stops.
#ifndef DRA_KUBELETPLUGIN_SLICE_PUBLISHER_H_
#define DRA_KUBELETPLUGIN_SLICE_PUBLISHER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "devices/device.h"
#include "k8s/backoff.h"
#include "k8s/client.h"
#include "k8s/clock.h"
#include "k8s/event_recorder.h"
#include "k8s/resource_codec.h"
#include "k8s/resource_types.h"
#include "kubeletplugin/slice_layout.h"
#include "nlohmann/json.hpp"

namespace kubeletplugin {

inline constexpr char kReasonSliceRejected[] = "ResourceSliceRejected";

struct SlicePublisherOptions {
  std::string driver_name;  // required, e.g. "gpu.nvidia.com"
  std::string node_name;    // required; also the pool name
  std::string node_uid;     // "" -> GET the Node once at start
  // > 0 overrides the API limit (128, or 64 with taints/counters).
  int max_devices_per_slice = 0;
  // "" -> the preferred one the server serves; else "v1", "v1beta2", "v1beta1".
  std::string resource_version;
  // For LastSuccess() timestamps only; waits (backoff, resync) use real
  // time so that watch events can cut them short.
  k8s::Clock* clock = k8s::Clock::Real();
  absl::Duration resync_period = absl::Minutes(5);
  // Delay between failed syncs (max_attempts is ignored: retries forever).
  k8s::BackoffOptions backoff = {absl::Milliseconds(200), 2.0, absl::Seconds(30), 0.5, 0};
};

// Optional hooks for metrics; called on the publisher's thread.
class SlicePublisherObserver {
 public:
  virtual ~SlicePublisherObserver() = default;
  // A slice was created or updated ("create" / "update") or deleted ("delete").
  virtual void OnSliceWritten(const std::string& op) {}
  // A sync failed; `reason` is the API reason ("Invalid", "Forbidden", ...),
  // "Transport" for connection errors or "Local" for local checks. Called
  // with the publisher's lock held (before LastError() shows the error):
  // must not call back into it.
  virtual void OnPublishError(const std::string& reason, const absl::Status& error) {}
  // Called with the publisher's lock held: must not call back into it.
  virtual void OnReadyChanged(bool ready) {}
};

struct SlicePublisherCounters {
  int64_t slices_published_total = 0;  // creates + updates
  int64_t slices_deleted_total = 0;
  int64_t syncs_total = 0;
  std::map<std::string, int64_t> publish_errors_total;  // by reason
};

class SlicePublisher {
 public:
  // `client` (required), `events` and `observer` (optional) are not owned
  // and must outlive the publisher.
  SlicePublisher(k8s::Client* client, SlicePublisherOptions options,
                 k8s::EventRecorder* events = nullptr, SlicePublisherObserver* observer = nullptr);
  ~SlicePublisher();
  SlicePublisher(const SlicePublisher&) = delete;
  SlicePublisher& operator=(const SlicePublisher&) = delete;

  // Sets the desired pool content. Invalid content (duplicate names,
  // unknown counter sets) is refused here with InvalidArgument (counted
  // under reason "Local"); the previous content stays published.
  absl::Status Publish(std::vector<devices::Device> devices,
                       std::vector<k8s::CounterSet> shared_counters = {});

  // Starts the reconcile thread (once); Stop() ends and joins it
  // (idempotent). Nothing is written before the first Publish().
  void Start();
  void Stop();

  // True once the current desired state is entirely in the API server.
  bool Ready() const;
  // Waits until Ready() (real time); false on timeout.
  bool WaitUntilReady(absl::Duration timeout) const;
  // The error of the last failed sync; OK after a successful one.
  absl::Status LastError() const;
  SlicePublisherCounters Counters() const;
  // When the last sync succeeded (options.clock); InfinitePast before.
  absl::Time LastSuccess() const;
  // The resource.k8s.io version in use ("" before discovery).
  std::string ResourceVersion() const;

 private:
  void Run();
  // Marks the pool for a sync (watch handlers).
  void Trigger();
  void OnSliceDeleted(const nlohmann::json& obj);
  // Discovery and the Node UID; sets version_ and node_uid_.
  absl::Status Setup();
  void RecordError(const absl::Status& s, bool rejected);
  void SetReady(bool ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  k8s::Client* const client_;
  const SlicePublisherOptions options_;
  k8s::EventRecorder* const events_;
  SlicePublisherObserver* const observer_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool has_desired_ ABSL_GUARDED_BY(mu_) = false;
  int64_t desired_seq_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by Publish
  std::vector<DesiredSlice> desired_ ABSL_GUARDED_BY(mu_);
  // Slices of the pool as of the last sync; a watch DELETE of one of them
  // that this publisher did not issue makes the state not ready.
  std::set<std::string> published_names_ ABSL_GUARDED_BY(mu_);
  int64_t invalidations_ ABSL_GUARDED_BY(mu_) = 0;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  absl::Time last_success_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  SlicePublisherCounters counters_ ABSL_GUARDED_BY(mu_);
  std::string version_name_ ABSL_GUARDED_BY(mu_);
  // Set by Setup on the publisher thread before any sync.
  k8s::ApiVersion version_ = k8s::ApiVersion::kV1;
  std::string node_uid_;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_SLICE_PUBLISHER_H_

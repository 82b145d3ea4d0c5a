// fake_apiserver.h: an in-memory Kubernetes API server behind the
// HttpTransport interface, for unit tests of the client, watch, informer,
// leader election and event recorder (and of code built on them).
//
// It keeps objects keyed by group/resource/namespace/name with a global
// resourceVersion counter and an event history, and implements: GET, LIST
// (label/field equality selectors, limit/continue paging), POST (name or
// generateName; uid, resourceVersion, creationTimestamp, generation),
// PUT (resourceVersion conflicts; status vs main resource), PATCH merge
// and apply (apply = merge with a required fieldManager, creating when
// absent; no field ownership), DELETE (uid/resourceVersion preconditions),
// WATCH (replay from a resourceVersion, ADDED for the initial state when
// resourceVersion is "" or "0", BOOKMARKs on request, 410 Expired after
// Compact()), and discovery (/version, /apis, /apis/<group>). Error bodies
// are metav1.Status objects with the real server's messages and reasons.
// A ResourceSlice with more than 128 devices is rejected like the server
// does.
//
// Fault switches: FailNext (HTTP status or a connection failure for the
// next requests), drop_watch_after_n_events, ExpireNextWatch, CloseWatches (as if the API
// server restarted), Compact. The request log records every request.
//
// Test-only. Thread-safe.
#ifndef DRA_K8S_FAKE_APISERVER_H_
#define DRA_K8S_FAKE_APISERVER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "k8s/transport.h"
#include "nlohmann/json.hpp"

namespace k8s {

class FakeApiServer : public HttpTransport {
 public:
  struct LoggedRequest {
    std::string method, path, content_type, body;
  };

  FakeApiServer();
  ~FakeApiServer() override;

  absl::StatusOr<HttpResponse> Do(const HttpRequest& req) override;
  absl::StatusOr<HttpResponse> Stream(
      const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) override;

  // --- Fault switches and test controls ---
  // The next `n` requests (Do or Stream) fail: with `http_status` (and a
  // Status body with `reason`), or, when http_status is 0, with an
  // Unavailable transport error. `retry_after` sets the Retry-After header.
  void FailNext(int n, int http_status, const std::string& reason = "",
                const std::string& retry_after = "");
  // Each watch ends (server closes it) after delivering this many events;
  // 0 = never.
  void set_drop_watch_after_n_events(int n);
  // Ends every open watch now (as an API-server restart would).
  void CloseWatches();
  // Forgets the event history: watches from older resourceVersions get 410,
  // and so does an open watch that had not yet sent the forgotten events
  // (it is ended, never left to skip them).
  void Compact();
  // The next watch is answered with a 410 Expired ERROR event whatever its
  // resourceVersion (as after an etcd compaction while disconnected).
  void ExpireNextWatch();
  // Open watches send a BOOKMARK with the current resourceVersion.
  void SendBookmarks();
  // Which resource.k8s.io versions discovery reports (preferred first).
  void set_resource_versions(std::vector<std::string> versions);
  void set_server_version(const std::string& git_version);
  // Extra validation run on create/update/patch of every object; an error
  // is answered as 422 Invalid with its message.
  void set_validator(std::function<absl::Status(const std::string& resource,
                                                const nlohmann::json& obj)> v);

  // --- Direct store access (bypasses faults and the log) ---
  // Stores `obj` as if created; returns it with server fields set.
  nlohmann::json Seed(const std::string& path_of_collection, nlohmann::json obj);
  int64_t resource_version();
  std::vector<LoggedRequest> requests();
  void ClearRequests();
  int open_watches();

 private:
  struct Event {
    int64_t rv;
    std::string type;  // ADDED, MODIFIED, DELETED
    std::string collection;  // group/resource
    std::string ns;
    nlohmann::json object;
  };

 public:
  struct Target;  // a parsed request path (implementation detail)

 private:

  HttpResponse Handle(const HttpRequest& req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse Create(const Target& t, nlohmann::json obj, bool dry_run)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(const std::string& type, const Target& t, const nlohmann::json& obj)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Validate(const Target& t, const nlohmann::json& obj)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool TakeFault(HttpResponse* resp, absl::Status* err) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::CondVar cv_;
  int64_t rv_ ABSL_GUARDED_BY(mu_) = 1000;
  int64_t compacted_rv_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t uid_seq_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, nlohmann::json> objects_ ABSL_GUARDED_BY(mu_);  // key: coll|ns|name
  std::deque<Event> history_ ABSL_GUARDED_BY(mu_);
  std::vector<LoggedRequest> log_ ABSL_GUARDED_BY(mu_);
  int fail_n_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_status_ ABSL_GUARDED_BY(mu_) = 0;
  std::string fail_reason_ ABSL_GUARDED_BY(mu_), fail_retry_after_ ABSL_GUARDED_BY(mu_);
  int drop_after_ ABSL_GUARDED_BY(mu_) = 0;
  bool expire_next_watch_ ABSL_GUARDED_BY(mu_) = false;
  int64_t close_gen_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t bookmark_gen_ ABSL_GUARDED_BY(mu_) = 0;
  int open_watches_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> resource_versions_ ABSL_GUARDED_BY(mu_) = {"v1", "v1beta2", "v1beta1"};
  std::string git_version_ ABSL_GUARDED_BY(mu_) = "v1.37.2";
  std::function<absl::Status(const std::string&, const nlohmann::json&)> validator_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace k8s

#endif  // DRA_K8S_FAKE_APISERVER_H_

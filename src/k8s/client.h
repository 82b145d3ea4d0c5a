// client.h: the typed-path REST client for the Kubernetes API: get, list
// (all pages), create, update (optimistic concurrency via
// metadata.resourceVersion), status update, JSON merge patch, server-side
// apply, delete with preconditions, and the raw watch stream. Objects are
// nlohmann::json in the wire form of the Resource's version; the typed
// codecs (objects.h, resource_codec.h) convert.
//
// Every request goes through a client-side token bucket (qps/burst, like
// --kube-api-qps/--kube-api-burst) and a retry loop with capped, jittered
// backoff for connection failures, 429 and 5xx (5xx only for requests safe
// to repeat, or when the server sent Retry-After, which is honoured).
// Errors are api_error.h Statuses carrying the server's message and reason.
//
// Used by informers, leader election, the event recorder, the ResourceSlice
// publisher and controllers. Thread-safe: one Client serves all threads.
#ifndef DRA_K8S_CLIENT_H_
#define DRA_K8S_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "k8s/backoff.h"
#include "k8s/clock.h"
#include "k8s/rate_limiter.h"
#include "k8s/resource.h"
#include "k8s/transport.h"
#include "nlohmann/json.hpp"

namespace k8s {

struct ClientOptions {
  double qps = 5;   // --kube-api-qps; <= 0 disables the limiter
  int burst = 10;   // --kube-api-burst
  absl::Duration timeout = absl::Seconds(30);  // per request
  BackoffOptions retry;                        // attempts in total: retry.max_attempts
  absl::Duration max_retry_after = absl::Seconds(60);
  std::string user_agent = "nvidia-dra-driver-gpu-cpp";
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;        // "" = most recent (quorum read)
  std::string resource_version_match;  // "NotOlderThan" / "Exact" / ""
  int64_t limit = 500;                 // page size; 0 = no paging
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // start after this version
  bool allow_bookmarks = true;
  int64_t timeout_seconds = 300;  // server closes the watch after this
};

struct WriteOptions {
  std::string field_manager;  // required for Apply
  bool dry_run = false;
};

struct DeleteOptions {
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
  std::string propagation_policy;  // "Foreground", "Background", "Orphan" or ""
};

class Client {
 public:
  // `transport` and `clock` are not owned and must outlive the client.
  Client(HttpTransport* transport, ClientOptions options, Clock* clock = Clock::Real());
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GET one object. NotFound when absent.
  absl::StatusOr<nlohmann::json> Get(const Resource& r, const std::string& ns,
                                     const std::string& name);
  // GET a collection, following `continue` tokens; returns one List object
  // whose items are all pages and whose metadata.resourceVersion is the
  // first page's. OutOfRange (410) when a continue token expired.
  absl::StatusOr<nlohmann::json> List(const Resource& r, const std::string& ns,
                                      const ListOptions& opts = {});
  // POST. AlreadyExists when the name is taken; InvalidArgument (reason
  // Invalid) with the server's validation message. Returns the stored object.
  absl::StatusOr<nlohmann::json> Create(const Resource& r, const std::string& ns,
                                        const nlohmann::json& obj, const WriteOptions& w = {});
  // PUT to metadata.name. With metadata.resourceVersion set, Aborted
  // (reason Conflict) when the object changed since.
  absl::StatusOr<nlohmann::json> Update(const Resource& r, const std::string& ns,
                                        const nlohmann::json& obj, const WriteOptions& w = {});
  // PUT to the status subresource.
  absl::StatusOr<nlohmann::json> UpdateStatus(const Resource& r, const std::string& ns,
                                              const nlohmann::json& obj,
                                              const WriteOptions& w = {});
  // PATCH with application/merge-patch+json (RFC 7386); `subresource` "" or
  // "status".
  absl::StatusOr<nlohmann::json> MergePatch(const Resource& r, const std::string& ns,
                                            const std::string& name,
                                            const nlohmann::json& patch,
                                            const WriteOptions& w = {},
                                            const std::string& subresource = "");
  // Server-side apply (PATCH application/apply-patch+yaml; JSON is YAML) of
  // `obj` (must carry apiVersion, kind, metadata.name) as
  // w.field_manager; `force` takes over conflicting fields. InvalidArgument
  // without a field manager.
  absl::StatusOr<nlohmann::json> Apply(const Resource& r, const std::string& ns,
                                       const nlohmann::json& obj, const WriteOptions& w,
                                       bool force = false, const std::string& subresource = "");
  // DELETE. NotFound when absent; Aborted (Conflict) when a precondition
  // does not hold.
  absl::Status Delete(const Resource& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& opts = {});

  // Starts a watch and passes the raw body chunks to `on_chunk` (see
  // watch.h for the framer and the resuming loop). Returns when the server
  // ends the stream (OK), on `cancel` (Cancelled) or on error (the mapped
  // HTTP error, e.g. OutOfRange for 410 Gone).
  absl::Status WatchRaw(const Resource& r, const std::string& ns, const WatchOptions& opts,
                        const std::function<bool(std::string_view)>& on_chunk,
                        const std::atomic<bool>* cancel);

  // GET of an arbitrary path ("/version", "/apis") decoded as JSON.
  absl::StatusOr<nlohmann::json> GetPath(const std::string& path);

  Clock* clock() const { return clock_; }

 private:
  // Rate-limits, sends, retries; maps non-2xx to errors; parses the body.
  absl::StatusOr<nlohmann::json> Send(HttpRequest req, bool idempotent);
  absl::StatusOr<nlohmann::json> Write(const std::string& method, std::string path,
                                       const std::string& content_type, const nlohmann::json& body,
                                       const WriteOptions& w, bool idempotent,
                                       const std::string& extra_query = "");

  HttpTransport* const transport_;
  const ClientOptions options_;
  Clock* const clock_;
  RateLimiter limiter_;
};

// Calls `fn` until it returns something other than a Conflict (Aborted),
// sleeping with `backoff` between tries (client-go's
// retry.RetryOnConflict with DefaultRetry: 5 tries, 10 ms, x1, jitter 0.1).
// Returns fn's last status.
absl::Status RetryOnConflict(const std::function<absl::Status()>& fn, Clock* clock,
                             BackoffOptions backoff = {absl::Milliseconds(10), 1.0,
                                                       absl::Seconds(1), 0.1, 5});

// Percent-encodes a query parameter value.
std::string QueryEscape(std::string_view s);

}  // namespace k8s

#endif  // DRA_K8S_CLIENT_H_

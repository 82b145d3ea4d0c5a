// watch.h: the watch protocol. WatchFramer splits the streamed body of a
// watch into newline-delimited JSON events ({"type": ..., "object": ...});
// Reflector runs the list-then-watch loop of client-go's reflector: list
// (all pages) to get the state and a resourceVersion, watch from there
// with allowWatchBookmarks, follow every event's and bookmark's
// resourceVersion, re-watch from the last one when the stream ends or the
// connection drops (API-server restarts lose nothing), and relist on
// 410 Gone / "too old resource version".
//
// Used by informer.h; usable directly for one-off watches. WatchFramer is
// thread-compatible; Reflector::Run blocks its calling thread until
// cancelled, callbacks run on that thread.
#ifndef DRA_K8S_WATCH_H_
#define DRA_K8S_WATCH_H_

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "k8s/backoff.h"
#include "k8s/client.h"
#include "nlohmann/json.hpp"

namespace k8s {

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  nlohmann::json object;  // the object; a metav1.Status for kError
};

// Decodes one event line. InvalidArgument for non-JSON, a missing/unknown
// type or a non-object `object`.
absl::StatusOr<WatchEvent> DecodeWatchEvent(std::string_view line);

// Accumulates chunks and yields complete lines (without the newline; blank
// lines skipped). A line longer than max_line_bytes is an error (the
// framer then resets).
class WatchFramer {
 public:
  explicit WatchFramer(size_t max_line_bytes = 64 << 20) : max_(max_line_bytes) {}
  // Appends `chunk` and calls on_line for each completed line; stops early
  // (and returns false) if on_line returns false. ResourceExhausted when a
  // line exceeds the limit.
  absl::StatusOr<bool> Feed(std::string_view chunk,
                            const std::function<bool(std::string_view)>& on_line);
  // Bytes of an unfinished line held back.
  size_t buffered() const { return buf_.size(); }

 private:
  const size_t max_;
  std::string buf_;
};

// What a Reflector tells its owner.
class ReflectorHandler {
 public:
  virtual ~ReflectorHandler() = default;
  // A full list: the complete set of objects as of `resource_version`.
  virtual void OnReplace(std::vector<nlohmann::json> items, const std::string& resource_version) = 0;
  // One watch event (ADDED/MODIFIED/DELETED).
  virtual void OnEvent(WatchEvent::Type type, nlohmann::json object) = 0;
  // A list or watch error (informational; the reflector retries).
  virtual void OnError(const absl::Status& s) {}
};

struct ReflectorOptions {
  std::string label_selector, field_selector;
  int64_t watch_timeout_seconds = 300;
  int64_t list_page_size = 500;
  // Delay between failed attempts (reset after a successful list/watch).
  BackoffOptions backoff = {absl::Milliseconds(100), 2.0, absl::Seconds(30), 0.5, 0};
};

class Reflector {
 public:
  // `client` and `handler` are not owned and must outlive Run().
  Reflector(Client* client, Resource resource, std::string ns, ReflectorOptions opts,
            ReflectorHandler* handler);

  // Lists and watches until `cancel` becomes true. Returns Cancelled then.
  absl::Status Run(const std::atomic<bool>& cancel);

  // The last resourceVersion seen (list, event or bookmark).
  std::string last_resource_version() const;
  // Counters for tests and metrics.
  int lists() const { return lists_.load(); }
  int watches() const { return watches_.load(); }

 private:
  absl::Status ListOnce();
  // Watches from last_rv_. Returns OK when the stream ended normally,
  // OutOfRange when the resourceVersion is too old, other errors otherwise.
  absl::Status WatchOnce(const std::atomic<bool>& cancel, bool* got_events);

  Client* const client_;
  const Resource resource_;
  const std::string ns_;
  const ReflectorOptions opts_;
  ReflectorHandler* const handler_;
  mutable absl::Mutex mu_;
  std::string last_rv_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> lists_{0}, watches_{0};
};

}  // namespace k8s

#endif  // DRA_K8S_WATCH_H_

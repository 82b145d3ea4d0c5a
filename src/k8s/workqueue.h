// workqueue.h: client-go's rate-limited work queue. Keys are strings.
//   - Dedup: a key added while queued is queued once; a key added while
//     being processed is queued again after Done(), never handed to two
//     workers at once.
//   - AddAfter: delayed adds (measured on the injected clock).
//   - AddRateLimited: per-key exponential backoff (base_delay * 2^n, capped
//     at max_delay) combined with an overall token bucket (qps/burst), the
//     larger wait wins (DefaultControllerRateLimiter: 5 ms .. 1000 s,
//     10 qps, burst 100). Forget() resets a key's backoff.
//
// Used by controllers and the ResourceSlice publisher. Thread-safe; Get()
// blocks until a key is ready or ShutDown().
#ifndef DRA_K8S_WORKQUEUE_H_
#define DRA_K8S_WORKQUEUE_H_

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/clock.h"
#include "k8s/rate_limiter.h"

namespace k8s {

struct WorkQueueOptions {
  absl::Duration base_delay = absl::Milliseconds(5);
  absl::Duration max_delay = absl::Seconds(1000);
  double qps = 10;
  int burst = 100;
  // How often a blocked Get() re-reads the clock while delayed keys wait
  // (real time; lets fake clocks drive delays).
  absl::Duration poll = absl::Milliseconds(5);
};

class WorkQueue {
 public:
  // `clock` is not owned.
  explicit WorkQueue(WorkQueueOptions opts = {}, Clock* clock = Clock::Real());
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const std::string& key);
  void AddAfter(const std::string& key, absl::Duration delay);
  void AddRateLimited(const std::string& key);
  // Clears the key's failure count.
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;
  // The delay AddRateLimited would use now (consumes a bucket token and a
  // backoff step, like the call itself). Exposed for tests.
  absl::Duration When(const std::string& key);

  // Blocks for the next key; false once shut down and drained.
  bool Get(std::string* key);
  // Marks `key` finished; re-queues it if it was added meanwhile.
  void Done(const std::string& key);
  // Wakes all Get()s; later adds are ignored.
  void ShutDown();
  size_t Len() const;

 private:
  void AddLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PromoteReadyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WorkQueueOptions opts_;
  Clock* const clock_;
  RateLimiter bucket_;
  mutable absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirty_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> processing_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, std::string> waiting_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> failures_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace k8s

#endif  // DRA_K8S_WORKQUEUE_H_

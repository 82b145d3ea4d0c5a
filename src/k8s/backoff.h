// backoff.h: capped, jittered exponential backoff (client-go's
// wait.Backoff): delay n is min(cap, initial * factor^n) scaled by a random
// factor in [1 - jitter, 1].
//
// Used by the client's retry loop, watch resume, RetryOnConflict and the
// work queue. Backoff objects are per retry loop (not thread-safe);
// the options struct is a value.
#ifndef DRA_K8S_BACKOFF_H_
#define DRA_K8S_BACKOFF_H_

#include <algorithm>
#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace k8s {

struct BackoffOptions {
  absl::Duration initial = absl::Milliseconds(200);
  double factor = 2.0;
  absl::Duration cap = absl::Seconds(10);
  // Each delay is multiplied by a uniform random value in [1 - jitter, 1].
  double jitter = 0.5;
  // Attempts in total, including the first; 0 means unlimited.
  int max_attempts = 5;
};

class Backoff {
 public:
  explicit Backoff(const BackoffOptions& o, uint64_t seed = std::random_device{}())
      : o_(o), rng_(seed) {}
  // The delay before the next retry (never above cap).
  absl::Duration Next();
  // The un-jittered delay the next call will be based on.
  absl::Duration Peek() const { return current_; }
  int attempts() const { return attempts_; }
  // True when max_attempts retries' worth of delays were handed out.
  bool Exhausted() const { return o_.max_attempts > 0 && attempts_ + 1 >= o_.max_attempts; }
  void Reset() {
    current_ = o_.initial;
    attempts_ = 0;
  }

 private:
  BackoffOptions o_;
  std::mt19937_64 rng_;
  absl::Duration current_ = o_.initial;
  int attempts_ = 0;
};

inline absl::Duration Backoff::Next() {
  absl::Duration base = std::min(current_, o_.cap);
  double j = 1.0;
  if (o_.jitter > 0) j = std::uniform_real_distribution<double>(1.0 - o_.jitter, 1.0)(rng_);
  current_ = std::min(o_.cap, current_ * o_.factor);
  ++attempts_;
  return base * j;
}

}  // namespace k8s

#endif  // DRA_K8S_BACKOFF_H_

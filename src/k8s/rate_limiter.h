// rate_limiter.h: the client-side token bucket (client-go's
// flowcontrol.NewTokenBucketRateLimiter): `qps` tokens per second, at most
// `burst` saved up. The reference binaries expose these as --kube-api-qps
// (default 5) and --kube-api-burst (default 10).
//
// Used by Client before every request. Thread-safe: callers reserve a slot
// under the lock and sleep outside it, so waits are fair (FIFO by arrival).
#ifndef DRA_K8S_RATE_LIMITER_H_
#define DRA_K8S_RATE_LIMITER_H_

#include <algorithm>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/clock.h"

namespace k8s {

class RateLimiter {
 public:
  // qps <= 0 disables limiting. burst < 1 is treated as 1.
  RateLimiter(double qps, int burst, Clock* clock)
      : qps_(qps), burst_(std::max(1, burst)), clock_(clock), tokens_(burst_) {}

  // Blocks (via clock->SleepFor) until a token is available, then takes it.
  void Accept() {
    absl::Duration wait = Reserve();
    if (wait > absl::ZeroDuration()) clock_->SleepFor(wait);
  }

  // Takes a token now or in the future; returns how long to wait for it.
  absl::Duration Reserve() {
    if (qps_ <= 0) return absl::ZeroDuration();
    absl::MutexLock l(&mu_);
    absl::Time now = clock_->Now();
    if (last_ != absl::InfinitePast()) {
      tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * qps_);
    }
    last_ = now;
    tokens_ -= 1;
    if (tokens_ >= 0) return absl::ZeroDuration();
    return absl::Seconds(-tokens_ / qps_);
  }

 private:
  const double qps_;
  const int burst_;
  Clock* const clock_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace k8s

#endif  // DRA_K8S_RATE_LIMITER_H_

// clock.h: the time seam of the k8s client: wall time, monotonic-enough
// sleeps and a fake for tests. Rate limiter, retry backoff, watch resume,
// the work queue, leader election and the event recorder all take a Clock*
// so tests run without real waiting.
//
// Thread safety: implementations are thread-safe.
#ifndef DRA_K8S_CLOCK_H_
#define DRA_K8S_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace k8s {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  virtual void SleepFor(absl::Duration d) = 0;

  // The process-wide real clock (never destroyed).
  static Clock* Real();
};

class RealClock : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  void SleepFor(absl::Duration d) override { absl::SleepFor(d); }
};

inline Clock* Clock::Real() {
  static RealClock* clock = new RealClock;
  return clock;
}

// A manual clock: SleepFor advances time instantly (and records the total
// slept), Advance moves it from outside.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : now_(start) {}
  absl::Time Now() override {
    absl::MutexLock l(&mu_);
    return now_;
  }
  void SleepFor(absl::Duration d) override {
    absl::MutexLock l(&mu_);
    if (d > absl::ZeroDuration()) {
      now_ += d;
      slept_ += d;
    }
  }
  void Advance(absl::Duration d) {
    absl::MutexLock l(&mu_);
    now_ += d;
  }
  absl::Duration slept() {
    absl::MutexLock l(&mu_);
    return slept_;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  absl::Duration slept_ ABSL_GUARDED_BY(mu_);
};

}  // namespace k8s

#endif  // DRA_K8S_CLOCK_H_

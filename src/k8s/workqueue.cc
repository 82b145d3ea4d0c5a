#include "k8s/workqueue.h"

#include <algorithm>
#include <cmath>

namespace k8s {

WorkQueue::WorkQueue(WorkQueueOptions opts, Clock* clock)
    : opts_(opts), clock_(clock), bucket_(opts.qps, opts.burst, clock) {}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutdown_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (processing_.count(key)) return;
  queue_.push_back(key);
}

void WorkQueue::PromoteReadyLocked() {
  absl::Time now = clock_->Now();
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    AddLocked(key);
  }
}

void WorkQueue::Add(const std::string& key) {
  absl::MutexLock l(&mu_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, absl::Duration delay) {
  absl::MutexLock l(&mu_);
  if (shutdown_) return;
  if (delay <= absl::ZeroDuration()) {
    AddLocked(key);
    return;
  }
  waiting_.emplace(clock_->Now() + delay, key);
}

absl::Duration WorkQueue::When(const std::string& key) {
  int n;
  {
    absl::MutexLock l(&mu_);
    n = failures_[key]++;
  }
  double factor = std::ldexp(1.0, std::min(n, 62));
  absl::Duration per_item = opts_.base_delay * factor;
  if (per_item > opts_.max_delay || per_item < absl::ZeroDuration()) per_item = opts_.max_delay;
  return std::max(per_item, bucket_.Reserve());
}

void WorkQueue::AddRateLimited(const std::string& key) { AddAfter(key, When(key)); }

void WorkQueue::Forget(const std::string& key) {
  absl::MutexLock l(&mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  absl::MutexLock l(&mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

bool WorkQueue::Get(std::string* key) {
  absl::MutexLock l(&mu_);
  for (;;) {
    PromoteReadyLocked();
    if (!queue_.empty()) break;
    if (shutdown_) return false;
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](WorkQueue* q) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                               return !q->queue_.empty() || q->shutdown_;
                             },
                             this),
                         waiting_.empty() ? absl::Milliseconds(100) : opts_.poll);
  }
  *key = queue_.front();
  queue_.pop_front();
  processing_.insert(*key);
  dirty_.erase(*key);
  return true;
}

void WorkQueue::Done(const std::string& key) {
  absl::MutexLock l(&mu_);
  processing_.erase(key);
  if (dirty_.count(key)) queue_.push_back(key);
}

void WorkQueue::ShutDown() {
  absl::MutexLock l(&mu_);
  shutdown_ = true;
}

size_t WorkQueue::Len() const {
  absl::MutexLock l(&mu_);
  return queue_.size();
}

}  // namespace k8s

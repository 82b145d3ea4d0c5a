#include "k8s/leader_election.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "k8s/api_error.h"

namespace k8s {

absl::Status ValidateLeaderElectionOptions(const LeaderElectionOptions& o) {
  if (o.lease_name.empty()) return absl::InvalidArgumentError("leader election: lease name is empty");
  if (o.identity.empty()) return absl::InvalidArgumentError("leader election: identity is empty");
  if (o.lease_namespace.empty()) {
    return absl::InvalidArgumentError("leader election: lease namespace is empty");
  }
  if (o.retry_period <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leader election: retry period must be positive");
  }
  if (o.renew_deadline <= o.retry_period) {
    return absl::InvalidArgumentError(
        "leader election: renew deadline must be greater than the retry period");
  }
  if (o.lease_duration <= o.renew_deadline) {
    return absl::InvalidArgumentError(
        "leader election: lease duration must be greater than the renew deadline");
  }
  return absl::OkStatus();
}

LeaderElector::LeaderElector(Client* client, LeaderElectionOptions options,
                             LeaderCallbacks callbacks, Clock* clock)
    : client_(client), options_(std::move(options)), callbacks_(std::move(callbacks)),
      clock_(clock) {}

bool LeaderElector::IsLeader() const {
  absl::MutexLock l(&mu_);
  return leader_;
}

std::string LeaderElector::ObservedLeader() const {
  absl::MutexLock l(&mu_);
  return observed_;
}

void LeaderElector::Observe(const std::string& holder) {
  bool changed = false;
  {
    absl::MutexLock l(&mu_);
    if (!observed_any_ || observed_ != holder) {
      observed_any_ = true;
      observed_ = holder;
      changed = true;
    }
  }
  if (changed && callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

bool LeaderElector::TryAcquireOrRenew() {
  const Resource r = Leases();
  const absl::Time now = clock_->Now();
  const int64_t duration_s =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(options_.lease_duration))));
  absl::StatusOr<nlohmann::json> got = client_->Get(r, options_.lease_namespace, options_.lease_name);
  if (absl::IsNotFound(got.status())) {
    Lease l;
    l.metadata.name = options_.lease_name;
    l.metadata.namespace_ = options_.lease_namespace;
    l.holder_identity = options_.identity;
    l.lease_duration_seconds = duration_s;
    l.acquire_time = l.renew_time = FormatMicroTime(now);
    l.lease_transitions = 0;
    absl::StatusOr<nlohmann::json> created = client_->Create(r, options_.lease_namespace, ToJson(l));
    if (!created.ok()) return false;  // AlreadyExists: someone else was faster
    absl::StatusOr<Lease> stored = LeaseFromJson(*created);
    {
      absl::MutexLock lock(&mu_);
      leader_ = true;
      last_ = stored.ok() ? *stored : l;
    }
    Observe(options_.identity);
    return true;
  }
  if (!got.ok()) return false;
  absl::StatusOr<Lease> lease = LeaseFromJson(*got);
  if (!lease.ok()) return false;
  const std::string holder = lease->holder_identity.value_or("");
  Observe(holder);
  if (!holder.empty() && holder != options_.identity) {
    absl::StatusOr<absl::Time> renewed =
        lease->renew_time ? ParseTime(*lease->renew_time) : absl::StatusOr<absl::Time>(absl::InfinitePast());
    const int64_t held_s = lease->lease_duration_seconds.value_or(duration_s);
    if (renewed.ok() && *renewed + absl::Seconds(held_s) >= now) {
      absl::MutexLock lock(&mu_);
      leader_ = false;  // held by a live leader
      return false;
    }
  }
  Lease upd = *lease;
  if (holder != options_.identity) {
    upd.acquire_time = FormatMicroTime(now);
    upd.lease_transitions = lease->lease_transitions.value_or(0) + 1;
  }
  upd.holder_identity = options_.identity;
  upd.lease_duration_seconds = duration_s;
  upd.renew_time = FormatMicroTime(now);
  if (!upd.acquire_time) upd.acquire_time = upd.renew_time;
  // metadata.resourceVersion is the one we read: a concurrent writer makes
  // this a 409 Conflict, and we try again next period.
  absl::StatusOr<nlohmann::json> updated = client_->Update(r, options_.lease_namespace, ToJson(upd));
  if (!updated.ok()) return false;
  absl::StatusOr<Lease> stored = LeaseFromJson(*updated);
  {
    absl::MutexLock lock(&mu_);
    leader_ = true;
    last_ = stored.ok() ? *stored : upd;
  }
  Observe(options_.identity);
  return true;
}

absl::Status LeaderElector::Release() {
  std::optional<Lease> last;
  {
    absl::MutexLock lock(&mu_);
    if (!leader_ || !last_) return absl::OkStatus();
    last = last_;
    leader_ = false;
  }
  Lease upd = *last;
  const std::string now = FormatMicroTime(clock_->Now());
  upd.holder_identity = "";
  upd.lease_duration_seconds = 1;
  upd.renew_time = now;
  upd.acquire_time = now;
  absl::StatusOr<nlohmann::json> updated =
      client_->Update(Leases(), options_.lease_namespace, ToJson(upd));
  if (!updated.ok()) return updated.status();
  Observe("");
  return absl::OkStatus();
}

bool LeaderElector::SleepUnlessStopped(absl::Duration d, const std::atomic<bool>* stop) {
  const absl::Duration slice = absl::Milliseconds(50);
  while (d > absl::ZeroDuration()) {
    if (stop != nullptr && stop->load()) return false;
    absl::Duration step = std::min(d, slice);
    clock_->SleepFor(step);
    d -= step;
  }
  return stop == nullptr || !stop->load();
}

absl::Status LeaderElector::Run(const std::atomic<bool>* stop) {
  if (absl::Status s = ValidateLeaderElectionOptions(options_); !s.ok()) return s;
  auto stopped = [stop] { return stop != nullptr && stop->load(); };
  // Campaign.
  while (true) {
    if (stopped()) return absl::OkStatus();
    if (TryAcquireOrRenew()) break;
    if (!SleepUnlessStopped(options_.retry_period, stop)) return absl::OkStatus();
  }
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();
  absl::Time last_renew = clock_->Now();
  // Lead: renew every retry period.
  while (true) {
    if (!SleepUnlessStopped(options_.retry_period, stop)) {
      absl::Status released = absl::OkStatus();
      if (options_.release_on_stop) released = Release();
      {
        absl::MutexLock lock(&mu_);
        leader_ = false;
      }
      if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
      return released;
    }
    if (TryAcquireOrRenew()) {
      last_renew = clock_->Now();
      continue;
    }
    const bool taken = !IsLeader();  // another live holder is in the lease
    if (taken || clock_->Now() - last_renew >= options_.renew_deadline) {
      {
        absl::MutexLock lock(&mu_);
        leader_ = false;
      }
      if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
      return absl::AbortedError(taken ? "leader election: lease taken by " + ObservedLeader()
                                      : "leader election: failed to renew lease " +
                                            options_.lease_namespace + "/" + options_.lease_name +
                                            " within the renew deadline");
    }
  }
}

}  // namespace k8s

// leader_election.h: leader election on a coordination.k8s.io/v1 Lease,
// after client-go's tools/leaderelection with the LeaseLock.
//
// A candidate holds the lease while it renews spec.renewTime at least every
// retry period. It takes the lease when the lease is absent, free (empty
// holderIdentity, as left by a release), expired (renewTime +
// leaseDurationSeconds < now) or already its own; a takeover from another
// holder increments spec.leaseTransitions. Writes are optimistic (PUT with
// metadata.resourceVersion): a 409 Conflict means someone else wrote first,
// and the candidate simply tries again one retry period later. A leader
// that has not renewed successfully for `renew_deadline` (or that finds
// another holder in the lease) has lost leadership: OnStoppedLeading runs
// and Run returns. On a clean stop the leader releases the lease (clears
// holderIdentity) so a standby takes over within one retry period.
//
// Options mirror the reference controller flags:
//   --leader-election-namespace, --leader-election-lease-duration (15s),
//   --leader-election-renew-deadline (10s), --leader-election-retry-period
//   (2s); the lease name is per binary.
//
// Time and sleeps go through the injected Clock (tests use FakeClock).
// Thread-safe: Run on one thread; IsLeader/ObservedLeader from any.
#ifndef DRA_K8S_LEADER_ELECTION_H_
#define DRA_K8S_LEADER_ELECTION_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/client.h"
#include "k8s/clock.h"
#include "k8s/objects.h"

namespace k8s {

struct LeaderElectionOptions {
  std::string lease_namespace = "default";  // --leader-election-namespace
  std::string lease_name;                   // required
  std::string identity;                     // required; unique per candidate
  absl::Duration lease_duration = absl::Seconds(15);  // --leader-election-lease-duration
  absl::Duration renew_deadline = absl::Seconds(10);  // --leader-election-renew-deadline
  absl::Duration retry_period = absl::Seconds(2);     // --leader-election-retry-period
  bool release_on_stop = true;  // clear holderIdentity on a clean stop
};

struct LeaderCallbacks {
  std::function<void()> on_started_leading;  // we became leader
  std::function<void()> on_stopped_leading;  // lost or released leadership
  // The holder changed (called with our own identity too); "" = free.
  std::function<void(const std::string& identity)> on_new_leader;
};

// InvalidArgument unless names are set and
// lease_duration > renew_deadline > retry_period > 0 (client-go's checks).
absl::Status ValidateLeaderElectionOptions(const LeaderElectionOptions& o);

class LeaderElector {
 public:
  // `client` and `clock` are not owned and must outlive the elector.
  LeaderElector(Client* client, LeaderElectionOptions options, LeaderCallbacks callbacks,
                Clock* clock = Clock::Real());
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns until leader (or `stop`), then renews until leadership is
  // lost (returns Aborted after OnStoppedLeading) or `stop` is set
  // (releases when configured, calls OnStoppedLeading if it led, returns
  // OK). InvalidArgument for bad options. `stop` may be null.
  absl::Status Run(const std::atomic<bool>* stop);

  // One acquire-or-renew attempt (what Run does every retry period).
  // True when we hold the lease afterwards. Exposed for tests and callers
  // that drive their own loop.
  bool TryAcquireOrRenew();
  // Clears holderIdentity when we hold the lease. OK when not the holder.
  absl::Status Release();

  bool IsLeader() const;
  // The last holder seen in the lease ("" = none).
  std::string ObservedLeader() const;

 private:
  void Observe(const std::string& holder);
  // Sleeps `d` in slices so `stop` is honoured; false when stopped.
  bool SleepUnlessStopped(absl::Duration d, const std::atomic<bool>* stop);

  Client* const client_;
  const LeaderElectionOptions options_;
  const LeaderCallbacks callbacks_;
  Clock* const clock_;

  mutable absl::Mutex mu_;
  bool leader_ ABSL_GUARDED_BY(mu_) = false;
  std::string observed_ ABSL_GUARDED_BY(mu_);
  bool observed_any_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<Lease> last_ ABSL_GUARDED_BY(mu_);  // the lease as we last wrote/read it
};

}  // namespace k8s

#endif  // DRA_K8S_LEADER_ELECTION_H_

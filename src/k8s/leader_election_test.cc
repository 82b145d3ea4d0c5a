#include "k8s/leader_election.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

ClientOptions Opts() {
  ClientOptions o;
  o.qps = 0;
  o.retry.max_attempts = 1;  // leader election retries on its own period
  return o;
}

LeaderElectionOptions LeOpts(const std::string& id) {
  LeaderElectionOptions o;
  o.lease_namespace = "kube-system";
  o.lease_name = "gpu-dra-controller";
  o.identity = id;
  return o;  // 15s / 10s / 2s
}

// Runs `before_put` before forwarding the first PUT (to make it conflict).
class InterposingTransport : public HttpTransport {
 public:
  InterposingTransport(HttpTransport* next, std::function<void()> before_put)
      : next_(next), before_put_(std::move(before_put)) {}
  absl::StatusOr<HttpResponse> Do(const HttpRequest& req) override {
    if (req.method == "PUT" && before_put_) {
      ++puts_;
      std::function<void()> f = std::move(before_put_);
      before_put_ = nullptr;
      f();
      absl::StatusOr<HttpResponse> resp = next_->Do(req);
      if (resp.ok()) last_put_status_ = resp->status;
      return resp;
    }
    return next_->Do(req);
  }
  absl::StatusOr<HttpResponse> Stream(
      const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) override {
    return next_->Stream(req, on_chunk);
  }
  int puts_ = 0;
  int last_put_status_ = 0;

 private:
  HttpTransport* next_;
  std::function<void()> before_put_;
};

class LeaderElectionTest : public ::testing::Test {
 protected:
  Lease GetLease() {
    absl::StatusOr<nlohmann::json> j = client_.Get(Leases(), "kube-system", "gpu-dra-controller");
    EXPECT_OK(j);
    absl::StatusOr<Lease> l = LeaseFromJson(j.ok() ? *j : nlohmann::json::object());
    EXPECT_OK(l);
    return l.ok() ? *l : Lease{};
  }
  FakeApiServer server_;
  FakeClock clock_;
  Client client_{&server_, Opts(), &clock_};
};

TEST(LeaderElectionOptionsTest, Validates) {
  EXPECT_OK(ValidateLeaderElectionOptions(LeOpts("a")));
  LeaderElectionOptions o = LeOpts("a");
  o.renew_deadline = absl::Seconds(20);
  EXPECT_THAT(ValidateLeaderElectionOptions(o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lease duration")));
  o = LeOpts("a");
  o.retry_period = absl::Seconds(10);
  EXPECT_THAT(ValidateLeaderElectionOptions(o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("renew deadline")));
  o = LeOpts("");
  EXPECT_THAT(ValidateLeaderElectionOptions(o), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  FakeApiServer server;
  Client client(&server, Opts());
  LeaderElector e(&client, o, {}, Clock::Real());
  EXPECT_THAT(e.Run(nullptr), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST_F(LeaderElectionTest, OneLeadsTheOtherWaits) {
  std::vector<std::string> seen_by_b;
  LeaderElector a(&client_, LeOpts("a"), {}, &clock_);
  LeaderElector b(&client_, LeOpts("b"),
                  {nullptr, nullptr, [&](const std::string& id) { seen_by_b.push_back(id); }},
                  &clock_);
  EXPECT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_EQ(b.ObservedLeader(), "a");
  Lease l = GetLease();
  EXPECT_EQ(l.holder_identity, "a");
  EXPECT_EQ(l.lease_duration_seconds, 15);
  EXPECT_EQ(l.lease_transitions, 0);
  EXPECT_EQ(l.renew_time, FormatMicroTime(clock_.Now()));
  // a renews every retry period; b keeps waiting even long after the first
  // lease duration has passed.
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(absl::Seconds(2));
    EXPECT_TRUE(a.TryAcquireOrRenew());
    EXPECT_FALSE(b.TryAcquireOrRenew());
  }
  l = GetLease();
  EXPECT_EQ(l.holder_identity, "a");
  EXPECT_EQ(l.renew_time, FormatMicroTime(clock_.Now()));
  EXPECT_EQ(l.lease_transitions, 0);
  EXPECT_THAT(seen_by_b, ::testing::ElementsAre("a"));
}

TEST_F(LeaderElectionTest, ExpiryHandsOver) {
  LeaderElector a(&client_, LeOpts("a"), {}, &clock_);
  LeaderElector b(&client_, LeOpts("b"), {}, &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew());
  clock_.Advance(absl::Seconds(15));  // renewTime + 15s == now: not yet expired
  EXPECT_FALSE(b.TryAcquireOrRenew());
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(b.TryAcquireOrRenew());
  Lease l = GetLease();
  EXPECT_EQ(l.holder_identity, "b");
  EXPECT_EQ(l.lease_transitions, 1);
  EXPECT_EQ(l.acquire_time, FormatMicroTime(clock_.Now()));
  // a comes back: it sees b's live lease and is no longer leader.
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(a.TryAcquireOrRenew());
  EXPECT_FALSE(a.IsLeader());
  EXPECT_EQ(a.ObservedLeader(), "b");
}

TEST_F(LeaderElectionTest, ReleaseHandsOverAtOnce) {
  LeaderElector a(&client_, LeOpts("a"), {}, &clock_);
  LeaderElector b(&client_, LeOpts("b"), {}, &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());
  ASSERT_OK(a.Release());
  EXPECT_FALSE(a.IsLeader());
  Lease l = GetLease();
  EXPECT_EQ(l.holder_identity, "");
  EXPECT_OK(b.Release());  // not the holder: no-op
  EXPECT_EQ(GetLease().holder_identity, "");
  EXPECT_TRUE(b.TryAcquireOrRenew());  // no waiting for expiry
  l = GetLease();
  EXPECT_EQ(l.holder_identity, "b");
  EXPECT_EQ(l.lease_transitions, 1);
}

TEST_F(LeaderElectionTest, ConflictRetriesNextPeriod) {
  LeaderElector a(&client_, LeOpts("a"), {}, &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew());
  clock_.Advance(absl::Seconds(16));  // a's lease expired...
  // ...but a renews between b's read and b's write: b's PUT carries a stale
  // resourceVersion and gets 409.
  InterposingTransport racy(&server_, [&] { EXPECT_TRUE(a.TryAcquireOrRenew()); });
  Client b_client(&racy, Opts(), &clock_);
  LeaderElector b(&b_client, LeOpts("b"), {}, &clock_);
  EXPECT_FALSE(b.TryAcquireOrRenew());
  EXPECT_EQ(racy.puts_, 1);
  EXPECT_EQ(racy.last_put_status_, 409);
  EXPECT_FALSE(b.IsLeader());
  Lease l = GetLease();
  EXPECT_EQ(l.holder_identity, "a");
  EXPECT_EQ(l.lease_transitions, 0);
  // Next period: a's renewal is live, so b keeps waiting.
  clock_.Advance(absl::Seconds(2));
  EXPECT_FALSE(b.TryAcquireOrRenew());
}

TEST_F(LeaderElectionTest, RunLeadsRenewsAndReleasesOnStop) {
  std::atomic<bool> started{false}, stopped_cb{false}, stop{false};
  LeaderElector a(&client_, LeOpts("a"),
                  {[&] { started = true; }, [&] { stopped_cb = true; }, nullptr}, &clock_);
  absl::Status result = absl::UnknownError("not run");
  std::thread t([&] { result = a.Run(&stop); });
  while (!started) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_TRUE(a.IsLeader());
  LeaderElector b(&client_, LeOpts("b"), {}, &clock_);
  EXPECT_FALSE(b.TryAcquireOrRenew());
  stop = true;
  t.join();
  EXPECT_OK(result);
  EXPECT_TRUE(stopped_cb);
  EXPECT_FALSE(a.IsLeader());
  EXPECT_EQ(GetLease().holder_identity, "");
  EXPECT_TRUE(b.TryAcquireOrRenew());
}

TEST_F(LeaderElectionTest, RunStopsLeadingWhenRenewalFailsPastTheDeadline) {
  std::atomic<bool> started{false}, stopped_cb{false};
  absl::Time stopped_at;
  LeaderElector a(&client_, LeOpts("a"),
                  {[&] { started = true; },
                   [&] {
                     stopped_at = clock_.Now();
                     stopped_cb = true;
                   },
                   nullptr},
                  &clock_);
  absl::Status result = absl::UnknownError("not run");
  std::thread t([&] { result = a.Run(nullptr); });
  while (!started) absl::SleepFor(absl::Milliseconds(1));
  server_.FailNext(1 << 30, 500, "InternalError");
  t.join();
  server_.FailNext(0, 0);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kAborted, HasSubstr("renew deadline")));
  EXPECT_TRUE(stopped_cb);
  EXPECT_FALSE(a.IsLeader());
  // It gave up at the renew deadline (10s) after its last successful
  // renewal, within one retry period, and before the lease (15s) expired.
  Lease l = GetLease();
  EXPECT_EQ(l.holder_identity, "a");
  absl::StatusOr<absl::Time> renewed = ParseTime(l.renew_time.value_or(""));
  ASSERT_OK(renewed);
  absl::Duration held = stopped_at - *renewed;
  EXPECT_GE(held, absl::Seconds(10));
  EXPECT_LE(held, absl::Seconds(12));
}

TEST_F(LeaderElectionTest, RunStopsLeadingWhenAnotherHolderTakesTheLease) {
  std::atomic<bool> started{false}, stopped_cb{false};
  LeaderElectionOptions o = LeOpts("a");
  LeaderElector a(&client_, o,
                  {[&] { started = true; }, [&] { stopped_cb = true; }, nullptr}, &clock_);
  absl::Status result = absl::UnknownError("not run");
  std::thread t([&] { result = a.Run(nullptr); });
  while (!started) absl::SleepFor(absl::Milliseconds(1));
  // Someone (with a skewed view) overwrites the lease with its own holder.
  ASSERT_OK(RetryOnConflict(
      [&]() -> absl::Status {
        absl::StatusOr<nlohmann::json> j = client_.Get(Leases(), "kube-system", "gpu-dra-controller");
        if (!j.ok()) return j.status();
        (*j)["spec"]["holderIdentity"] = "intruder";
        (*j)["spec"]["renewTime"] = FormatMicroTime(clock_.Now() + absl::Hours(1));
        return client_.Update(Leases(), "kube-system", *j).status();
      },
      &clock_));
  t.join();
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kAborted, HasSubstr("intruder")));
  EXPECT_TRUE(stopped_cb);
}

}  // namespace
}  // namespace k8s

#include "k8s/workqueue.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace k8s {
namespace {

TEST(WorkQueueTest, DedupAndProcessingRules) {
  WorkQueue q;
  q.Add("a");
  q.Add("b");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  std::string k;
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  q.Add("a");  // while processing: not handed out again until Done
  EXPECT_EQ(q.Len(), 1u);
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "b");
  q.Done("a");
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "a");
  q.Done("a");
  q.Done("b");
  q.ShutDown();
  EXPECT_FALSE(q.Get(&k));
}

TEST(WorkQueueTest, PerItemBackoffAndForget) {
  FakeClock clock;
  WorkQueue q({}, &clock);
  EXPECT_EQ(q.When("x"), absl::Milliseconds(5));
  EXPECT_EQ(q.When("x"), absl::Milliseconds(10));
  EXPECT_EQ(q.When("x"), absl::Milliseconds(20));
  EXPECT_EQ(q.NumRequeues("x"), 3);
  q.Forget("x");
  EXPECT_EQ(q.When("x"), absl::Milliseconds(5));
  for (int i = 0; i < 40; ++i) (void)q.When("y");
  EXPECT_EQ(q.When("y"), absl::Seconds(1000));  // capped
}

TEST(WorkQueueTest, OverallBucketLimitsBursts) {
  FakeClock clock;
  WorkQueueOptions o;
  o.qps = 10;
  o.burst = 2;
  WorkQueue q(o, &clock);
  EXPECT_EQ(q.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(q.When("b"), absl::Milliseconds(5));
  EXPECT_EQ(q.When("c"), absl::Milliseconds(100));  // bucket empty: 1/qps
}

TEST(WorkQueueTest, DelayedAddsFollowTheClock) {
  FakeClock clock;
  WorkQueue q({}, &clock);
  q.AddAfter("later", absl::Seconds(30));
  q.AddRateLimited("soon");  // 5 ms
  EXPECT_EQ(q.Len(), 0u);
  std::string k;
  std::thread t([&] {
    absl::SleepFor(absl::Milliseconds(20));
    clock.Advance(absl::Milliseconds(5));
  });
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "soon");
  t.join();
  q.Done(k);
  clock.Advance(absl::Seconds(30));
  ASSERT_TRUE(q.Get(&k));
  EXPECT_EQ(k, "later");
}

}  // namespace
}  // namespace k8s

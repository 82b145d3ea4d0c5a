#include "k8s/objects.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing_util::StatusIs;
using json = nlohmann::json;

TEST(ObjectsTest, LeaseRoundTrip) {
  json j = json::parse(R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
    "metadata":{"name":"l","namespace":"ns","resourceVersion":"3","labels":{"a":"b"}},
    "spec":{"holderIdentity":"me","leaseDurationSeconds":15,"acquireTime":"2025-01-01T00:00:00.000000Z",
            "renewTime":"2025-01-01T00:00:05.000000Z","leaseTransitions":2,"strategy":"x"}})");
  absl::StatusOr<Lease> l = LeaseFromJson(j);
  ASSERT_OK(l);
  EXPECT_EQ(l->holder_identity, "me");
  EXPECT_EQ(l->lease_duration_seconds, 15);
  EXPECT_EQ(l->extra["spec"]["strategy"], "x");
  EXPECT_EQ(ToJson(*l), j);
  j["spec"]["leaseTransitions"] = "two";
  EXPECT_THAT(LeaseFromJson(j),
              StatusIs(absl::StatusCode::kInvalidArgument, "spec.leaseTransitions: expected integer"));
}

TEST(ObjectsTest, EventPodNodeDaemonSet) {
  json e = json::parse(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
    "metadata":{"name":"p.1","namespace":"ns"},"eventTime":"2025-01-01T00:00:00.000001Z",
    "reportingController":"gpu.nvidia.com/kubelet-plugin","reportingInstance":"node1",
    "action":"Prepare","reason":"Prepared","note":"ok","type":"Normal",
    "regarding":{"apiVersion":"v1","kind":"Pod","namespace":"ns","name":"p","uid":"u"},
    "series":{"count":2,"lastObservedTime":"2025-01-01T00:00:01.000000Z"}})");
  absl::StatusOr<Event> ev = EventFromJson(e);
  ASSERT_OK(ev);
  EXPECT_EQ(ev->series_count, 2);
  EXPECT_EQ(ToJson(*ev), e);

  json pod = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},
    "spec":{"nodeName":"node1","containers":[{"name":"c"}]},"status":{"phase":"Running"}})");
  absl::StatusOr<Pod> p = PodFromJson(pod);
  ASSERT_OK(p);
  EXPECT_EQ(p->node_name, "node1");
  EXPECT_EQ(p->phase, "Running");
  EXPECT_EQ(ToJson(*p), pod);

  json node = json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n","uid":"u"},"status":{"x":1}})");
  EXPECT_EQ(ToJson(*NodeFromJson(node)), node);
  json ds = json::parse(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d"},
    "spec":{"selector":{}},"status":{"desiredNumberScheduled":3,"numberReady":2}})");
  absl::StatusOr<DaemonSet> d = DaemonSetFromJson(ds);
  ASSERT_OK(d);
  EXPECT_EQ(d->number_ready, 2);
  EXPECT_EQ(ToJson(*d), ds);
}

TEST(ObjectsTest, MicroTime) {
  absl::Time t = absl::FromUnixMicros(1700000000123456);
  EXPECT_EQ(FormatMicroTime(t), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(*ParseTime("2023-11-14T22:13:20.123456Z"), t);
  EXPECT_FALSE(ParseTime("yesterday").ok());
}

}  // namespace
}  // namespace k8s

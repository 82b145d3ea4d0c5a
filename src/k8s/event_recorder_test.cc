#include "k8s/event_recorder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing_util::StatusIs;

ObjectReference Claim(const std::string& name) {
  ObjectReference r;
  r.api_version = "resource.k8s.io/v1";
  r.kind = "ResourceClaim";
  r.namespace_ = "ns1";
  r.name = name;
  r.uid = "uid-" + name;
  return r;
}

class EventRecorderTest : public ::testing::Test {
 protected:
  static ClientOptions Opts() {
    ClientOptions o;
    o.qps = 0;
    o.retry.max_attempts = 1;
    return o;
  }
  std::vector<Event> ListEvents(const std::string& ns) {
    absl::StatusOr<nlohmann::json> l = client_.List(Events(), ns);
    EXPECT_OK(l);
    std::vector<Event> out;
    if (!l.ok()) return out;
    for (const nlohmann::json& j : (*l)["items"]) {
      absl::StatusOr<Event> e = EventFromJson(j);
      EXPECT_OK(e);
      if (e.ok()) out.push_back(*e);
    }
    return out;
  }
  FakeApiServer server_;
  FakeClock clock_{absl::FromUnixMicros(1700000000123456)};
  Client client_{&server_, Opts(), &clock_};
  EventRecorder rec_{&client_, {"gpu.nvidia.com/controller", "node-1"}, &clock_};
};

TEST_F(EventRecorderTest, CreatesAFullEvent) {
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "allocated gpu-0"));
  std::vector<FakeApiServer::LoggedRequest> log = server_.requests();
  std::vector<Event> evs = ListEvents("ns1");
  ASSERT_THAT(evs, SizeIs(1));
  const Event& e = evs[0];
  EXPECT_EQ(e.event_time, "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(e.metadata.name, "c1.17979cfe3d85ca00");
  EXPECT_EQ(e.metadata.namespace_, "ns1");
  EXPECT_EQ(e.reporting_controller, "gpu.nvidia.com/controller");
  EXPECT_EQ(e.reporting_instance, "node-1");
  EXPECT_EQ(e.type, "Normal");
  EXPECT_EQ(e.reason, "Allocated");
  EXPECT_EQ(e.action, "Allocate");
  EXPECT_EQ(e.note, "allocated gpu-0");
  EXPECT_EQ(e.regarding, Claim("c1"));
  EXPECT_FALSE(e.series_count.has_value());
  EXPECT_EQ(log.back().method, "POST");
  EXPECT_EQ(log.back().path, "/apis/events.k8s.io/v1/namespaces/ns1/events");
}

TEST_F(EventRecorderTest, RepeatsWithinTheWindowPatchTheSeries) {
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Prepare", "no such device"));
  clock_.Advance(absl::Minutes(1));
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Prepare", "no such device"));
  clock_.Advance(absl::Minutes(9));  // 9m59.999 after the last: still a repeat
  clock_.Advance(-absl::Milliseconds(1));
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Prepare", "no such device"));
  std::vector<FakeApiServer::LoggedRequest> log = server_.requests();
  std::vector<Event> evs = ListEvents("ns1");
  ASSERT_THAT(evs, SizeIs(1));
  EXPECT_EQ(evs[0].series_count, 3);
  EXPECT_EQ(evs[0].series_last_observed_time, FormatMicroTime(clock_.Now()));
  EXPECT_EQ(evs[0].event_time, "2023-11-14T22:13:20.123456Z");  // first occurrence
  EXPECT_EQ(log.back().method, "PATCH");
  EXPECT_EQ(log.back().content_type, "application/merge-patch+json");
  EXPECT_EQ(nlohmann::json::parse(log.back().body)["series"]["count"], 3);
}

TEST_F(EventRecorderTest, DifferentFieldsAreDifferentEvents) {
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Prepare", "no such device"));
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Prepare", "other note"));
  ASSERT_OK(rec_.Warning(Claim("c1"), "Failed", "Unprepare", "no such device"));
  ASSERT_OK(rec_.Warning(Claim("c1"), "Other", "Prepare", "no such device"));
  ASSERT_OK(rec_.Normal(Claim("c1"), "Failed", "Prepare", "no such device"));
  ASSERT_OK(rec_.Warning(Claim("c2"), "Failed", "Prepare", "no such device"));
  // Same name, other uid (a re-created object).
  ObjectReference again = Claim("c1");
  again.uid = "uid-new";
  ASSERT_OK(rec_.Warning(again, "Failed", "Prepare", "no such device"));
  std::vector<Event> evs = ListEvents("ns1");
  EXPECT_THAT(evs, SizeIs(7));
  for (const Event& e : evs) EXPECT_FALSE(e.series_count.has_value()) << e.metadata.name;
  EXPECT_EQ(rec_.cache_size(), 7u);
}

TEST_F(EventRecorderTest, AfterTheWindowANewEventIsCreated) {
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "x"));
  clock_.Advance(absl::Minutes(10));
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "x"));
  EXPECT_THAT(ListEvents("ns1"), SizeIs(2));
}

TEST_F(EventRecorderTest, DeletedEventIsRecreated) {
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "x"));
  std::vector<Event> evs = ListEvents("ns1");
  ASSERT_THAT(evs, SizeIs(1));
  ASSERT_OK(client_.Delete(Events(), "ns1", evs[0].metadata.name));
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "x"));
  evs = ListEvents("ns1");
  ASSERT_THAT(evs, SizeIs(1));
  EXPECT_FALSE(evs[0].series_count.has_value());
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(rec_.Normal(Claim("c1"), "Allocated", "Allocate", "x"));
  EXPECT_EQ(ListEvents("ns1")[0].series_count, 2);
}

TEST_F(EventRecorderTest, ClusterScopedGoesToDefaultAndNoteIsTruncated) {
  ObjectReference node;
  node.api_version = "v1";
  node.kind = "Node";
  node.name = "node-1";
  ASSERT_OK(rec_.Warning(node, "GPUUnhealthy", "HealthCheck", std::string(5000, 'x')));
  std::vector<Event> evs = ListEvents("default");
  ASSERT_THAT(evs, SizeIs(1));
  EXPECT_EQ(evs[0].note.size(), 1024u);
}

TEST_F(EventRecorderTest, RejectsBadInputAndSurfacesServerErrors) {
  EXPECT_THAT(rec_.Record(Claim("c1"), "Error", "R", "A", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Normal or Warning")));
  EXPECT_THAT(rec_.Normal(Claim("c1"), "", "A", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required")));
  EXPECT_THAT(rec_.Normal(ObjectReference{}, "R", "A", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no name")));
  server_.FailNext(1, 403, "Forbidden");
  EXPECT_THAT(rec_.Normal(Claim("c1"), "R", "A", ""),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_EQ(rec_.cache_size(), 0u);
  EXPECT_OK(rec_.Normal(Claim("c1"), "R", "A", ""));  // nothing cached from the failure
  EXPECT_FALSE(ListEvents("ns1")[0].series_count.has_value());
}

TEST_F(EventRecorderTest, CacheIsBounded) {
  EventRecorder small(&client_, {"c", "i", absl::Minutes(10), 3}, &clock_);
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_OK(small.Normal(Claim("c" + std::to_string(i)), "R", "A", ""));
    EXPECT_LE(small.cache_size(), 3u);
  }
  // The newest keys are still deduplicated.
  ASSERT_OK(small.Normal(Claim("c9"), "R", "A", ""));
  EXPECT_THAT(ListEvents("ns1"), SizeIs(10));
}

}  // namespace
}  // namespace k8s

#include "k8s/client.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/api_error.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;
using json = nlohmann::json;

class ClientTest : public ::testing::Test {
 protected:
  ClientOptions Opts() {
    ClientOptions o;
    o.qps = 0;  // unlimited unless a test says otherwise
    return o;
  }
  FakeApiServer server_;
  FakeClock clock_;
  Client client_{&server_, Opts(), &clock_};
  Resource slices_ = ResourceSlices("v1");
  Resource claims_ = ResourceClaims("v1");
};

json Slice(const std::string& name) {
  return {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceSlice"},
          {"metadata", {{"name", name}}},
          {"spec", {{"driver", "gpu.nvidia.com"}, {"nodeName", "node1"},
                    {"pool", {{"name", "node1"}, {"generation", 1}, {"resourceSliceCount", 1}}}}}};
}

TEST_F(ClientTest, CreateGetUpdateDelete) {
  absl::StatusOr<json> created = client_.Create(slices_, "", Slice("s1"), {"test-manager"});
  ASSERT_OK(created);
  EXPECT_EQ((*created)["metadata"]["resourceVersion"], "1001");
  std::vector<FakeApiServer::LoggedRequest> log = server_.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, "/apis/resource.k8s.io/v1/resourceslices?fieldManager=test-manager");
  EXPECT_EQ(log[0].content_type, "application/json");
  EXPECT_EQ(json::parse(log[0].body), Slice("s1"));

  absl::StatusOr<json> got = client_.Get(slices_, "", "s1");
  ASSERT_OK(got);
  EXPECT_EQ(*got, *created);

  json stale = *got;
  (*got)["spec"]["pool"]["generation"] = 2;
  absl::StatusOr<json> updated = client_.Update(slices_, "", *got);
  ASSERT_OK(updated);
  EXPECT_EQ((*updated)["metadata"]["resourceVersion"], "1002");
  EXPECT_EQ((*updated)["metadata"]["generation"], 2);

  stale["spec"]["pool"]["generation"] = 3;
  absl::StatusOr<json> conflict = client_.Update(slices_, "", stale);
  EXPECT_THAT(conflict, StatusIs(absl::StatusCode::kAborted,
                                 "Operation cannot be fulfilled on resourceslices.resource.k8s.io "
                                 "\"s1\": the object has been modified; please apply your changes "
                                 "to the latest version and try again"));
  EXPECT_EQ(ReasonOf(conflict.status()), "Conflict");

  EXPECT_THAT(client_.Create(slices_, "", Slice("s1")),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "resourceslices.resource.k8s.io \"s1\" already exists"));

  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "nope";
  EXPECT_THAT(client_.Delete(slices_, "", "s1", wrong_uid),
              StatusIs(absl::StatusCode::kAborted,
                       "Operation cannot be fulfilled on ResourceSlice.resource.k8s.io \"s1\": "
                       "the UID in the precondition (nope) does not match the UID in record "
                       "(00000000-0000-4000-8000-000000000001). The object might have been "
                       "deleted and then recreated"));
  DeleteOptions right;
  right.precondition_uid = (*updated)["metadata"]["uid"];
  right.precondition_resource_version = "1002";
  EXPECT_OK(client_.Delete(slices_, "", "s1", right));
  EXPECT_THAT(client_.Get(slices_, "", "s1"),
              StatusIs(absl::StatusCode::kNotFound,
                       "resourceslices.resource.k8s.io \"s1\" not found"));
  EXPECT_EQ(server_.requests()[server_.requests().size() - 2].body,
            R"({"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"resourceVersion":"1002","uid":"00000000-0000-4000-8000-000000000001"}})");
}

TEST_F(ClientTest, RetryOnConflictRereadsAndSucceeds) {
  ASSERT_OK(client_.Create(slices_, "", Slice("s1")));
  int calls = 0;
  absl::Status s = RetryOnConflict(
      [&]() -> absl::Status {
        absl::StatusOr<json> cur = client_.Get(slices_, "", "s1");
        if (!cur.ok()) return cur.status();
        if (++calls == 1) {
          // Someone else writes in between our read and write.
          json other = *cur;
          other["spec"]["pool"]["generation"] = 7;
          if (absl::StatusOr<json> o = client_.Update(slices_, "", other); !o.ok()) return o.status();
        }
        (*cur)["spec"]["pool"]["generation"] = (*cur)["spec"]["pool"]["generation"].get<int>() + 1;
        return client_.Update(slices_, "", *cur).status();
      },
      &clock_);
  EXPECT_OK(s);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ((*client_.Get(slices_, "", "s1"))["spec"]["pool"]["generation"], 8);
}

TEST_F(ClientTest, MergePatchApplyAndStatus) {
  json claim = {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceClaim"},
                {"metadata", {{"name", "c1"}}},
                {"spec", {{"devices", {{"requests", {{{"name", "gpu"}, {"exactly", {{"deviceClassName", "gpu.nvidia.com"}}}}}}}}}}};
  ASSERT_OK(client_.Create(claims_, "ns", claim));
  absl::StatusOr<json> p = client_.MergePatch(claims_, "ns", "c1",
                                              {{"metadata", {{"labels", {{"a", "b"}}}}}});
  ASSERT_OK(p);
  EXPECT_EQ((*p)["metadata"]["labels"]["a"], "b");
  EXPECT_EQ(server_.requests().back().content_type, "application/merge-patch+json");
  EXPECT_EQ(server_.requests().back().path,
            "/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/c1");

  // status through the main resource is ignored; through /status it lands.
  json with_status = *p;
  with_status["status"] = {{"devices", {{{"driver", "gpu.nvidia.com"}, {"pool", "p"}, {"device", "gpu-0"}}}}};
  absl::StatusOr<json> u = client_.Update(claims_, "ns", with_status);
  ASSERT_OK(u);
  EXPECT_FALSE(u->contains("status"));
  with_status["metadata"]["resourceVersion"] = (*u)["metadata"]["resourceVersion"];
  absl::StatusOr<json> us = client_.UpdateStatus(claims_, "ns", with_status);
  ASSERT_OK(us);
  EXPECT_EQ((*us)["status"]["devices"][0]["device"], "gpu-0");
  EXPECT_EQ(server_.requests().back().path,
            "/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/c1/status");

  EXPECT_THAT(client_.Apply(claims_, "ns", claim, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "apply: field manager required"));
  json applied = claim;
  applied["metadata"]["name"] = "c2";
  absl::StatusOr<json> a = client_.Apply(claims_, "ns", applied, {"dra-test"}, /*force=*/true);
  ASSERT_OK(a);
  EXPECT_EQ((*a)["metadata"]["name"], "c2");
  EXPECT_EQ(server_.requests().back().method, "PATCH");
  EXPECT_EQ(server_.requests().back().content_type, "application/apply-patch+yaml");
  EXPECT_EQ(server_.requests().back().path,
            "/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/c2?force=true&fieldManager=dra-test");
}

TEST_F(ClientTest, ListFollowsContinueTokens) {
  for (int i = 0; i < 5; ++i) ASSERT_OK(client_.Create(slices_, "", Slice("s" + std::to_string(i))));
  server_.ClearRequests();
  ListOptions lo;
  lo.limit = 2;
  lo.field_selector = "spec.driver=gpu.nvidia.com";
  absl::StatusOr<json> list = client_.List(slices_, "", lo);
  ASSERT_OK(list);
  EXPECT_EQ((*list)["items"].size(), 5u);
  EXPECT_EQ((*list)["metadata"]["resourceVersion"], "1005");
  EXPECT_FALSE((*list)["metadata"].contains("continue"));
  std::vector<FakeApiServer::LoggedRequest> log = server_.requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].path,
            "/apis/resource.k8s.io/v1/resourceslices?fieldSelector=spec.driver%3Dgpu.nvidia.com&limit=2");
  EXPECT_EQ(log[1].path,
            "/apis/resource.k8s.io/v1/resourceslices?fieldSelector=spec.driver%3Dgpu.nvidia.com&limit=2&continue=2%3A1005");
  lo.field_selector = "spec.driver=other";
  EXPECT_EQ((*client_.List(slices_, "", lo))["items"].size(), 0u);
}

TEST_F(ClientTest, RetriesConnectionErrorsAnd5xxWithBackoff) {
  server_.FailNext(2, 0);  // two connection failures
  ASSERT_OK(client_.Create(slices_, "", Slice("s1")));
  EXPECT_EQ(server_.requests().size(), 3u);
  absl::Duration slept = clock_.slept();
  EXPECT_GE(slept, absl::Milliseconds(100 + 200));  // 200ms, 400ms with jitter 0.5
  EXPECT_LE(slept, absl::Milliseconds(200 + 400));

  server_.FailNext(1, 503, "ServiceUnavailable");
  ASSERT_OK(client_.Get(slices_, "", "s1"));

  // Non-idempotent POST is not repeated on 500 without Retry-After.
  server_.FailNext(1, 500, "InternalError");
  EXPECT_THAT(client_.Create(slices_, "", Slice("s2")),
              StatusIs(absl::StatusCode::kInternal, "fake: injected failure"));
  // ... but is after a 429, and Retry-After is honoured.
  absl::Duration before = clock_.slept();
  server_.FailNext(1, 429, "TooManyRequests", "3");
  ASSERT_OK(client_.Create(slices_, "", Slice("s2")));
  EXPECT_GE(clock_.slept() - before, absl::Seconds(3));

  // Gives up after max_attempts.
  server_.FailNext(10, 503);
  EXPECT_THAT(client_.Get(slices_, "", "s1"), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(ClientTest, RateLimiterSpacesRequests) {
  ClientOptions o;
  o.qps = 2;
  o.burst = 2;
  Client limited(&server_, o, &clock_);
  for (int i = 0; i < 6; ++i) (void)limited.Get(slices_, "", "x");
  // 2 free (burst), then 4 at 2 qps: 2 s.
  EXPECT_EQ(clock_.slept(), absl::Seconds(2));
}

TEST(QueryEscapeTest, Escapes) {
  EXPECT_EQ(QueryEscape("a=b,c!=d e/f"), "a%3Db%2Cc%21%3Dd%20e%2Ff");
}

}  // namespace
}  // namespace k8s

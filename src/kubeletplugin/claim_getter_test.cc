#include "kubeletplugin/claim_getter.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

class ApiClaimGetterTest : public ::testing::Test {
 protected:
  static k8s::ClientOptions Opts() {
    k8s::ClientOptions o;
    o.qps = 0;
    o.retry.max_attempts = 1;
    return o;
  }
  void CreateClaim(const std::string& version, const nlohmann::json& obj) {
    ASSERT_OK(client_.Create(k8s::ResourceClaims(version), "ns1", obj));
  }
  k8s::FakeApiServer server_;
  k8s::FakeClock clock_;
  k8s::Client client_{&server_, Opts(), &clock_};
};

TEST_F(ApiClaimGetterTest, GetsV1Claim) {
  CreateClaim("v1", {{"apiVersion", "resource.k8s.io/v1"},
                     {"kind", "ResourceClaim"},
                     {"metadata", {{"name", "c1"}, {"namespace", "ns1"}}},
                     {"spec", {{"devices", {{"requests", {{{"name", "gpu"},
                                                           {"exactly",
                                                            {{"deviceClassName",
                                                              "gpu.nvidia.com"}}}}}}}}}}});
  ApiClaimGetter getter(&client_, k8s::ApiVersion::kV1);
  absl::StatusOr<k8s::ResourceClaim> c = getter.Get("ns1", "c1");
  ASSERT_OK(c);
  EXPECT_EQ(c->metadata.name, "c1");
  EXPECT_EQ(c->metadata.namespace_, "ns1");
  EXPECT_FALSE(c->metadata.uid.empty());
  ASSERT_EQ(c->spec.requests.size(), 1u);
  EXPECT_EQ(c->spec.requests[0].name, "gpu");
  EXPECT_EQ(server_.requests().back().path,
            "/apis/resource.k8s.io/v1/namespaces/ns1/resourceclaims/c1");
}

TEST_F(ApiClaimGetterTest, UsesNegotiatedVersion) {
  CreateClaim("v1beta1", {{"apiVersion", "resource.k8s.io/v1beta1"},
                          {"kind", "ResourceClaim"},
                          {"metadata", {{"name", "c2"}, {"namespace", "ns1"}}},
                          {"spec", {{"devices", {{"requests", {{{"name", "gpu"},
                                                                {"deviceClassName",
                                                                 "gpu.nvidia.com"}}}}}}}}});
  ApiClaimGetter getter(&client_, k8s::ApiVersion::kV1beta1);
  absl::StatusOr<k8s::ResourceClaim> c = getter.Get("ns1", "c2");
  ASSERT_OK(c);
  EXPECT_EQ(c->metadata.name, "c2");
  EXPECT_EQ(server_.requests().back().path,
            "/apis/resource.k8s.io/v1beta1/namespaces/ns1/resourceclaims/c2");
}

TEST_F(ApiClaimGetterTest, MissingClaimIsNotFound) {
  ApiClaimGetter getter(&client_, k8s::ApiVersion::kV1);
  EXPECT_THAT(getter.Get("ns1", "absent"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent")));
}

TEST_F(ApiClaimGetterTest, ServerErrorIsPassedOn) {
  server_.FailNext(1, 500, "InternalError");
  ApiClaimGetter getter(&client_, k8s::ApiVersion::kV1);
  absl::StatusOr<k8s::ResourceClaim> c = getter.Get("ns1", "c1");
  EXPECT_FALSE(c.ok());
  EXPECT_NE(c.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kubeletplugin

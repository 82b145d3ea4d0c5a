#include "k8s/discovery.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::ElementsAre;
using ::testing_util::StatusIs;

TEST(DiscoveryTest, VersionsAndPick) {
  FakeApiServer server;
  Client client(&server, ClientOptions{});
  server.set_server_version("v1.34.4");
  absl::StatusOr<ServerVersion> v = GetServerVersion(client);
  ASSERT_OK(v);
  EXPECT_EQ(v->git_version, "v1.34.4");
  EXPECT_EQ(v->minor, 34);
  server.set_resource_versions({"v1beta2", "v1beta1"});
  absl::StatusOr<std::vector<std::string>> served = ServedResourceVersions(client);
  ASSERT_OK(served);
  EXPECT_THAT(*served, ElementsAre("v1beta2", "v1beta1"));
  EXPECT_EQ(*PickResourceVersion(*served), ApiVersion::kV1beta2);
  EXPECT_EQ(*PickResourceVersion({"v1beta1", "v1", "v1beta2"}), ApiVersion::kV1);
  EXPECT_EQ(*PickResourceVersion(*served, "v1beta1"), ApiVersion::kV1beta1);
  EXPECT_THAT(PickResourceVersion(*served, "v1"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "resource.k8s.io/v1 is not served (served: v1beta2, v1beta1)"));
  EXPECT_THAT(PickResourceVersion({}), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  server.set_resource_versions({});
  EXPECT_TRUE(ServedResourceVersions(client)->empty());
}

}  // namespace
}  // namespace k8s

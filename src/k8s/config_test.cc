#include "k8s/config.h"

#include <fstream>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

constexpr char kKubeconfig[] = R"(apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:16443/
    certificate-authority: pki/ca.crt
- name: other
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: Q0EtUEVN
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate: /abs/admin.crt
    client-key: pki/admin.key
- name: robot
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
    token: abc
contexts:
- name: admin
  context: {cluster: local, user: admin}
- name: robot
  context: {cluster: other, user: robot, namespace: ns1}
)";

TEST(ConfigTest, CurrentContextWithFiles) {
  absl::StatusOr<RestConfig> c = ParseKubeconfig(kKubeconfig, "/etc/k");
  ASSERT_OK(c);
  EXPECT_EQ(c->server, "https://127.0.0.1:16443");
  EXPECT_EQ(c->ca_file, "/etc/k/pki/ca.crt");
  EXPECT_EQ(c->cert_file, "/abs/admin.crt");
  EXPECT_EQ(c->key_file, "/etc/k/pki/admin.key");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->namespace_, "default");
}

TEST(ConfigTest, NamedContextWithInlineDataAndToken) {
  absl::StatusOr<RestConfig> c = ParseKubeconfig(kKubeconfig, "/etc/k", "robot");
  ASSERT_OK(c);
  EXPECT_EQ(c->ca_data, "CA-PEM");
  EXPECT_EQ(c->cert_data, "CERT");
  EXPECT_EQ(c->key_data, "KEY");
  EXPECT_EQ(c->bearer_token, "abc");
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->namespace_, "ns1");
}

TEST(ConfigTest, Errors) {
  EXPECT_THAT(ParseKubeconfig(kKubeconfig, "", "nope"),
              StatusIs(absl::StatusCode::kNotFound, "kubeconfig: context \"nope\" not found"));
  EXPECT_THAT(ParseKubeconfig("a: [", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kubeconfig: ")));
  EXPECT_THAT(ParseKubeconfig("- 1\n- 2\n", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "kubeconfig: not a YAML mapping"));
  EXPECT_THAT(ParseKubeconfig(R"(current-context: x
contexts: [{name: x, context: {cluster: c}}]
clusters: [{name: c, cluster: {certificate-authority-data: "!!"}}])", "", ""),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has no server")));
}

TEST(ConfigTest, InClusterAndTokenRotation) {
  std::string dir = testing_util::UniqueTempDir();
  std::ofstream(dir + "/token") << "tok-1\n";
  std::ofstream(dir + "/ca.crt") << "PEM";
  std::ofstream(dir + "/namespace") << "nvidia-dra-driver-gpu";
  absl::StatusOr<RestConfig> c = InClusterConfig({dir, "fd00::1", "443"});
  ASSERT_OK(c);
  EXPECT_EQ(c->server, "https://[fd00::1]:443");
  EXPECT_EQ(c->ca_file, dir + "/ca.crt");
  EXPECT_EQ(c->namespace_, "nvidia-dra-driver-gpu");
  FakeClock clock;
  TokenSource ts(*c, &clock);
  EXPECT_EQ(ts.Token(), "tok-1");
  std::ofstream(dir + "/token") << "tok-2\n";
  EXPECT_EQ(ts.Token(), "tok-1");  // cached for a minute
  clock.Advance(absl::Seconds(61));
  EXPECT_EQ(ts.Token(), "tok-2");
  std::ofstream(dir + "/token") << "tok-3\n";
  ts.Invalidate();  // e.g. after a 401
  EXPECT_EQ(ts.Token(), "tok-3");
  EXPECT_THAT(InClusterConfig({dir + "/missing", "h", "1"}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not running in a cluster")));
}

}  // namespace
}  // namespace k8s

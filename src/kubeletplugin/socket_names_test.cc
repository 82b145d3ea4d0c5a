#include "kubeletplugin/socket_names.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

constexpr char kDriver[] = "gpu.nvidia.com";
constexpr char kPodUid[] = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

TEST(SocketNamesTest, DefaultsWithoutPodUid) {
  EXPECT_EQ(PluginDataDir(kDefaultPluginsDir, kDriver), "/var/lib/kubelet/plugins/gpu.nvidia.com");
  EXPECT_EQ(*DraSocketPath(kDefaultPluginsDir, kDriver, ""),
            "/var/lib/kubelet/plugins/gpu.nvidia.com/dra.sock");
  EXPECT_EQ(*RegistrationSocketPath(kDefaultRegistrarDir, kDriver, ""),
            "/var/lib/kubelet/plugins_registry/gpu.nvidia.com-reg.sock");
  // A trailing slash does not double up.
  EXPECT_EQ(*RegistrationSocketPath("/r/", kDriver, ""), "/r/gpu.nvidia.com-reg.sock");
}

TEST(SocketNamesTest, PodUidInShortNames) {
  EXPECT_EQ(*DraSocketPath(kDefaultPluginsDir, kDriver, kPodUid),
            std::string("/var/lib/kubelet/plugins/gpu.nvidia.com/dra-") + kPodUid + ".sock");
  EXPECT_EQ(*RegistrationSocketPath(kDefaultRegistrarDir, kDriver, kPodUid),
            std::string("/var/lib/kubelet/plugins_registry/gpu.nvidia.com-") + kPodUid +
                "-reg.sock");
}

TEST(SocketNamesTest, HashedNameIsBase64UrlOfSha256Prefix) {
  // SHA-256("abc") = ba7816bf 8f01cfea ...; base64url of its first 8 bytes.
  EXPECT_EQ(HashedName("abc", 8), "ungWv48Bz-o");
  EXPECT_EQ(HashedName("abc", 8).size(), 11u);
  EXPECT_EQ(HashedName("abc", 16).size(), 22u);
  EXPECT_NE(HashedName("abc", 8), HashedName("abd", 8));
}

TEST(SocketNamesTest, LongDirUsesHashedPodUid) {
  // 52 + 1 + len("gpu.nvidia.com-<36>-reg.sock") = 52+1+60 = 113 > 107, but
  // with the 11-character hash it is 52+1+35 = 88.
  const std::string dir = "/" + std::string(51, 'd');
  absl::StatusOr<std::string> p = RegistrationSocketPath(dir, kDriver, kPodUid);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p, dir + "/gpu.nvidia.com-" + HashedName(kPodUid, 8) + "-reg.sock");
  EXPECT_LE(p->size(), kMaxSocketPathLength);
}

TEST(SocketNamesTest, LongDriverUsesFullyHashedName) {
  // A driver name so long that only "dra-<22>-reg.sock" (30 bytes) fits.
  const std::string driver(90, 'x');
  const std::string dir = "/reg";
  absl::StatusOr<std::string> p = RegistrationSocketPath(dir, driver, kPodUid);
  ASSERT_TRUE(p.ok()) << p.status();
  std::string key = driver;
  key.push_back('\0');
  key += kPodUid;
  EXPECT_EQ(*p, "/reg/dra-" + HashedName(key, 16) + "-reg.sock");
}

TEST(SocketNamesTest, TooLongIsAnError) {
  const std::string dir = "/" + std::string(100, 'd');
  EXPECT_THAT(RegistrationSocketPath(dir, kDriver, kPodUid),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too long")));
  EXPECT_THAT(RegistrationSocketPath(dir, kDriver, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("107")));
  EXPECT_THAT(DraSocketPath(dir, kDriver, kPodUid),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DRA socket path")));
}

}  // namespace
}  // namespace kubeletplugin

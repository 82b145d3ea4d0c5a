#include "cdi/names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace cdi {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

constexpr char kUid[] = "4b1c2d3e-0000-4000-8000-00000000abcd";

TEST(NamesTest, ClaimNames) {
  EXPECT_EQ(ClaimSpecPath("/var/run/cdi", kUid),
            "/var/run/cdi/k8s.gpu.nvidia.com-claim_4b1c2d3e-0000-4000-8000-00000000abcd.yaml");
  EXPECT_EQ(ClaimSpecPath("/etc/cdi/", "a/b"), "/etc/cdi/k8s.gpu.nvidia.com-claim_a_b.yaml");
  EXPECT_EQ(ClaimDeviceName(kUid, "gpu-0"), "4b1c2d3e-0000-4000-8000-00000000abcd-gpu-0");
  EXPECT_EQ(QualifiedDeviceId(kUid, "gpu-0-mig-9-0-4"),
            "k8s.gpu.nvidia.com/claim=4b1c2d3e-0000-4000-8000-00000000abcd-gpu-0-mig-9-0-4");
  EXPECT_OK(ValidateQualifiedName(QualifiedDeviceId(kUid, "gpu-0")));
}

TEST(NamesTest, ClaimUidOfSpecFileName) {
  std::string path = ClaimSpecPath("/var/run/cdi", kUid);
  std::string base = path.substr(path.rfind('/') + 1);
  EXPECT_EQ(ClaimUidOfSpecFileName(base), std::optional<std::string>(kUid));
  EXPECT_EQ(ClaimUidOfSpecFileName("k8s.gpu.nvidia.com-claim_x.yaml"),
            std::optional<std::string>("x"));
  // Not ours: other kinds (the ComputeDomain plugin, the CDI generator of
  // the container toolkit), other extensions, temp files, empty uid.
  EXPECT_EQ(ClaimUidOfSpecFileName("k8s.compute-domain.nvidia.com-claim_x.yaml"), std::nullopt);
  EXPECT_EQ(ClaimUidOfSpecFileName("nvidia.yaml"), std::nullopt);
  EXPECT_EQ(ClaimUidOfSpecFileName("k8s.gpu.nvidia.com-claim_x.json"), std::nullopt);
  EXPECT_EQ(ClaimUidOfSpecFileName("k8s.gpu.nvidia.com-claim_.yaml"), std::nullopt);
  EXPECT_EQ(ClaimUidOfSpecFileName("." + base + ".tmpAbC123"), std::nullopt);
  EXPECT_EQ(ClaimUidOfSpecFileName(base + ".tmpAbC123"), std::nullopt);

  EXPECT_TRUE(IsClaimSpecTempFileName("." + base + ".tmpAbC123"));
  EXPECT_FALSE(IsClaimSpecTempFileName(base));
  EXPECT_FALSE(IsClaimSpecTempFileName(".k8s.compute-domain.nvidia.com-claim_x.yaml.tmp1"));
  EXPECT_FALSE(IsClaimSpecTempFileName(".checkpoint.json.tmp-12"));
}

TEST(NamesTest, ValidNames) {
  EXPECT_OK(ValidateVendorName("k8s.gpu.nvidia.com"));
  EXPECT_OK(ValidateClassName("claim"));
  EXPECT_OK(ValidateDeviceName("0:a_b.c-d"));
  EXPECT_OK(ValidateKind("nvidia.com/gpu"));
}

TEST(NamesTest, InvalidNames) {
  EXPECT_THAT(ValidateVendorName("1vendor"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start with a letter")));
  EXPECT_THAT(ValidateVendorName("vendor-"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("end with")));
  EXPECT_THAT(ValidateClassName("cl:ass"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("':'")));
  EXPECT_THAT(ValidateDeviceName(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ValidateDeviceName("-gpu"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start with")));
  EXPECT_THAT(ValidateDeviceName("gpu/0"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'/'")));
  EXPECT_THAT(ValidateKind("nvidia.com"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing '/'")));
  EXPECT_THAT(ValidateQualifiedName("nvidia.com/gpu"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing '='")));
  EXPECT_THAT(ValidateQualifiedName("nvidia.com/gpu=a b"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("' '")));
}

}  // namespace
}  // namespace cdi

#include "devices/semver.h"

#include "gtest/gtest.h"

namespace devices {
namespace {

TEST(SemverTest, NormalisesNvidiaVersions) {
  EXPECT_EQ(*ToSemver("9.0"), "9.0.0");
  EXPECT_EQ(*ToSemver("13.0"), "13.0.0");
  EXPECT_EQ(*ToSemver("580.159.04"), "580.159.4");
  EXPECT_EQ(*ToSemver("570.124.06"), "570.124.6");
  EXPECT_EQ(*ToSemver("8"), "8.0.0");
  EXPECT_EQ(*ToSemver("550.54.15"), "550.54.15");
  EXPECT_EQ(*ToSemver("00.0"), "0.0.0");
  EXPECT_EQ(*ToSemver("v1.2.3-rc.1+abc"), "1.2.3-rc.1+abc");
}

TEST(SemverTest, RejectsGarbageWithTheInputInTheMessage) {
  for (const char* bad : {"", "a.b", "abc", "1..2", "1.2.3.4", "1.2-", "1.x", "1.2+"}) {
    auto got = ToSemver(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find(std::string("\"") + bad + "\""), absl::string_view::npos)
        << got.status();
  }
}

}  // namespace
}  // namespace devices

#include "devices/names.h"

#include "gtest/gtest.h"

namespace devices {
namespace {

TEST(NamesTest, GpuName) { EXPECT_EQ(GpuDeviceName(7), "gpu-7"); }

TEST(NamesTest, MigProfileCleanup) {
  EXPECT_EQ(MigProfileNamePart("1g.5gb"), "1g5gb");
  EXPECT_EQ(MigProfileNamePart("1g.5gb+me"), "1g5gb-me");
  EXPECT_EQ(MigProfileNamePart("1g.10gb+me.all"), "1g10gb-meall");
  EXPECT_EQ(MigProfileNamePart("7G.80GB"), "7g80gb");
  EXPECT_EQ(MigProfileNamePart("+1g.5gb+"), "1g5gb");
}

TEST(NamesTest, MigNamesInReferenceScheme) {
  EXPECT_EQ(MigDeviceName(0, "1g.5gb", 19, 3), "gpu-0-mig-1g5gb-19-3");
  EXPECT_EQ(MigDeviceName(0, "1g.5gb+me", 20, 0), "gpu-0-mig-1g5gb-me-20-0");
  EXPECT_EQ(MigDeviceName(3, "7g.40gb", 0, 0), "gpu-3-mig-7g40gb-0-0");
}

TEST(NamesTest, ParseRoundTrips) {
  auto p = ParseMigDeviceName("gpu-12-mig-1g5gb-me-20-6");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->parent_minor, 12u);
  EXPECT_EQ(p->profile_part, "1g5gb-me");
  EXPECT_EQ(p->gi_profile_id, 20u);
  EXPECT_EQ(p->placement_start, 6u);
  EXPECT_FALSE(ParseMigDeviceName("gpu-0").has_value());
  EXPECT_FALSE(ParseMigDeviceName("gpu-x-mig-1g5gb-19-0").has_value());
  EXPECT_FALSE(ParseMigDeviceName("gpu-0-mig-19-0").has_value());
  EXPECT_FALSE(ParseMigDeviceName("gpu-00-mig-1g5gb-19-0").has_value());
}

TEST(NamesTest, DnsLabel) {
  EXPECT_TRUE(IsDnsLabel("gpu-0-mig-1g5gb-19-3"));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("-gpu"));
  EXPECT_FALSE(IsDnsLabel("gpu-"));
  EXPECT_FALSE(IsDnsLabel("Gpu-0"));
  EXPECT_FALSE(IsDnsLabel("gpu.0"));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
}

}  // namespace
}  // namespace devices

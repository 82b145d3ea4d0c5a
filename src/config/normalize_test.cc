// normalize_test.cc: defaults, Normalize per gate, MPS pinned limits.
#include "config/normalize.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing_util::StatusIs;

FeatureGates Gates(const char* flag) {
  FeatureGates g;
  EXPECT_OK(g.Set(flag));
  return g;
}

TEST(DefaultsTest, FollowFeatureGates) {
  const FeatureGates off;
  const FeatureGates ts = Gates("TimeSlicingSettings=true");
  EXPECT_EQ(DefaultGpuConfig(off), GpuConfig{});
  EXPECT_EQ(DefaultGpuConfig(ts),
            (GpuConfig{GpuSharing{"TimeSlicing", TimeSlicingConfig{"Default"},
                                  std::nullopt}}));
  EXPECT_EQ(DefaultMigDeviceConfig(off), MigDeviceConfig{});
  EXPECT_EQ(DefaultMigDeviceConfig(ts),
            (MigDeviceConfig{MigDeviceSharing{"TimeSlicing", std::nullopt}}));
  EXPECT_EQ(DefaultVfioDeviceConfig(off), std::nullopt);
  EXPECT_EQ(DefaultVfioDeviceConfig(Gates("PassthroughSupport=true")),
            (VfioDeviceConfig{IommuConfig{"LegacyOnly", false}}));
  EXPECT_EQ(DefaultComputeDomainChannelConfig(), ComputeDomainChannelConfig{});
  EXPECT_EQ(DefaultComputeDomainDaemonConfig(), ComputeDomainDaemonConfig{});
}

TEST(NormalizeTest, GpuConfig) {
  const FeatureGates off;
  const FeatureGates ts = Gates("TimeSlicingSettings=true");
  const FeatureGates mps = Gates("MPSSupport=true");

  GpuConfig c;
  Normalize(&c, off);
  EXPECT_EQ(c, GpuConfig{});

  Normalize(&c, ts);
  EXPECT_EQ(c, (GpuConfig{GpuSharing{"TimeSlicing", TimeSlicingConfig{"Default"},
                                     std::nullopt}}));

  GpuConfig given{GpuSharing{"TimeSlicing", TimeSlicingConfig{"Long"}, std::nullopt}};
  Normalize(&given, ts);
  EXPECT_EQ(given.sharing->time_slicing_config->interval, "Long");

  GpuConfig ts_gate_off{GpuSharing{"TimeSlicing", std::nullopt, std::nullopt}};
  Normalize(&ts_gate_off, off);
  EXPECT_FALSE(ts_gate_off.sharing->time_slicing_config.has_value());

  GpuConfig m{GpuSharing{"MPS", std::nullopt, std::nullopt}};
  Normalize(&m, off);
  EXPECT_FALSE(m.sharing->mps_config.has_value());
  Normalize(&m, mps);
  EXPECT_EQ(m.sharing->mps_config, MpsConfig{});
  EXPECT_FALSE(m.sharing->time_slicing_config.has_value());
}

TEST(NormalizeTest, MigDeviceConfig) {
  MigDeviceConfig c;
  Normalize(&c, FeatureGates());
  EXPECT_EQ(c, MigDeviceConfig{});
  Normalize(&c, Gates("TimeSlicingSettings=true"));
  EXPECT_EQ(c, (MigDeviceConfig{MigDeviceSharing{"TimeSlicing", std::nullopt}}));
  MigDeviceConfig m{MigDeviceSharing{"MPS", std::nullopt}};
  Normalize(&m, Gates("MPSSupport=true"));
  EXPECT_EQ(m.sharing->mps_config, MpsConfig{});
}

TEST(NormalizeTest, VfioDeviceConfig) {
  VfioDeviceConfig none;
  Normalize(&none);
  EXPECT_EQ(none, (VfioDeviceConfig{IommuConfig{"LegacyOnly", false}}));
  VfioDeviceConfig partial{IommuConfig{"", std::nullopt}};
  Normalize(&partial);
  EXPECT_EQ(partial, none);
  VfioDeviceConfig set{IommuConfig{"PreferIommuFD", true}};
  Normalize(&set);
  EXPECT_EQ(set, (VfioDeviceConfig{IommuConfig{"PreferIommuFD", true}}));
}

TEST(NormalizeTest, AnyConfig) {
  AnyConfig c = ComputeDomainChannelConfig{"d", ""};
  EXPECT_OK(Normalize(&c, FeatureGates()));
  EXPECT_EQ(c, AnyConfig(ComputeDomainChannelConfig{"d", ""}));
  AnyConfig v = VfioDeviceConfig{};
  EXPECT_OK(Normalize(&v, FeatureGates()));
  EXPECT_TRUE(std::get<VfioDeviceConfig>(v).iommu.has_value());
  AnyConfig cd = NonConfigObject{"ComputeDomain"};
  EXPECT_THAT(Normalize(&cd, FeatureGates()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "runtime object is not a recognized configuration"));
}

// The reference's TestMpsPerDevicePinnedMemoryLimitNormalize, plus texts.
struct PinnedCase {
  const char* name;
  std::vector<std::string> uuids;
  std::optional<std::string> default_limit;
  std::map<std::string, std::string> per_device;
  std::map<std::string, std::string> expected;  // when error is empty
  std::string error;
};

class PinnedLimitTest : public ::testing::TestWithParam<PinnedCase> {};

TEST_P(PinnedLimitTest, Normalizes) {
  const PinnedCase& tc = GetParam();
  auto limits = NormalizePinnedMemoryLimits(tc.per_device, tc.uuids,
                                            tc.default_limit);
  if (tc.error.empty()) {
    ASSERT_OK(limits);
    EXPECT_EQ(*limits, tc.expected);
  } else {
    EXPECT_THAT(limits,
                StatusIs(absl::StatusCode::kInvalidArgument, tc.error));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Reference, PinnedLimitTest,
    ::testing::Values(
        PinnedCase{"EmptyInput", {}, std::nullopt, {}, {}, ""},
        PinnedCase{"NoUuidsInvalidIndex", {}, std::nullopt, {{"0", "1Gi"}}, {},
                   "invalid device: invalid device index: 0"},
        PinnedCase{"NoUuidsDefaultIgnored", {}, "1M", {}, {}, ""},
        PinnedCase{"NoUuidsDefaultOverridden", {}, "2Gi", {{"0", "1Gi"}}, {},
                   "invalid device: invalid device index: 0"},
        PinnedCase{"DefaultSet", {"UUID0"}, "2Gi", {}, {{"UUID0", "2048M"}}, ""},
        PinnedCase{"DefaultTooLow", {"UUID0"}, "1M", {}, {},
                   "invalid limit: default value set too low: 1M"},
        PinnedCase{"OverrideTooLow", {"UUID0"}, std::nullopt, {{"UUID0", "1M"}},
                   {}, "invalid limit: value set too low: UUID0: 1M"},
        PinnedCase{"NegativeTooLow", {"UUID0"}, std::nullopt, {{"0", "-1Gi"}},
                   {}, "invalid limit: value set too low: 0: -1Gi"},
        PinnedCase{"DefaultOverriddenByIndex", {"UUID0"}, "2Gi", {{"0", "1Gi"}},
                   {{"UUID0", "1024M"}}, ""},
        PinnedCase{"DefaultOverriddenByUuid", {"UUID0"}, "2Gi",
                   {{"UUID0", "1Gi"}}, {{"UUID0", "1024M"}}, ""},
        PinnedCase{"InvalidUuid", {"UUID0"}, "2Gi", {{"UUID1", "1Gi"}}, {},
                   "invalid device: unable to parse key as an integer: UUID1"},
        PinnedCase{"InvalidIndex", {"UUID0"}, "2Gi", {{"1", "1Gi"}}, {},
                   "invalid device: invalid device index: 1"},
        PinnedCase{"NegativeIndex", {"UUID0"}, std::nullopt, {{"-1", "1Gi"}}, {},
                   "invalid device: invalid device index: -1"},
        PinnedCase{"SignedIndexAtoi", {"A", "B"}, std::nullopt, {{"+01", "1Gi"}},
                   {{"B", "1024M"}}, ""},
        PinnedCase{"MiToM", {"UUID0"}, "10Mi", {}, {{"UUID0", "10M"}}, ""},
        PinnedCase{"GiToM", {"UUID0"}, "1Gi", {}, {{"UUID0", "1024M"}}, ""},
        PinnedCase{"MToM", {"UUID0"}, "10M", {}, {{"UUID0", "9M"}}, ""},
        PinnedCase{"GToM", {"UUID0"}, "1G", {}, {{"UUID0", "953M"}}, ""},
        PinnedCase{"DefaultForAllOverrideOne", {"U0", "U1", "U2"}, "1Gi",
                   {{"2", "2Gi"}, {"U0", "512Mi"}},
                   {{"U0", "512M"}, {"U1", "1024M"}, {"U2", "2048M"}}, ""}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace config

// feature_gates_test.cc: gate table, --feature-gates parsing and the
// dependency rules, with exact texts.
#include "config/feature_gates.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing_util::StatusIs;

TEST(FeatureGatesTest, TableMatchesEnumAndDefaults) {
  int i = 0;
  for (const FeatureSpec& s : AllFeatureSpecs()) {
    EXPECT_EQ(static_cast<int>(s.feature), i++) << s.name;
    EXPECT_EQ(FeatureByName(s.name), s.feature);
  }
  FeatureGates g;
  const std::map<std::string, bool> expected = {
      {"TimeSlicingSettings", false}, {"MPSSupport", false},
      {"IMEXDaemonsWithDNSNames", true}, {"PassthroughSupport", false},
      {"DynamicMIG", false}, {"NVMLDeviceHealthCheck", false},
      {"ComputeDomainCliques", true}, {"CrashOnNVLinkFabricErrors", true},
      {"DeviceMetadata", false}, {"ContextualLogging", true},
      {"LoggingAlphaOptions", false}, {"LoggingBetaOptions", true},
      {"AllAlpha", false}, {"AllBeta", false}};
  EXPECT_EQ(g.ToMap(), expected);
  EXPECT_EQ(g.String(), "");
  EXPECT_OK(g.Validate());
  EXPECT_EQ(FeatureByName("mpssupport"), std::nullopt);
}

TEST(FeatureGatesTest, SetParsesFlagSyntax) {
  FeatureGates g;
  ASSERT_OK(g.Set(" MPSSupport = true ,,TimeSlicingSettings=T,DynamicMIG=1,"
                  "DynamicMIG=0,ComputeDomainCliques=False"));
  EXPECT_TRUE(g.Enabled(Feature::kMPSSupport));
  EXPECT_TRUE(g.Enabled(Feature::kTimeSlicingSettings));
  EXPECT_FALSE(g.Enabled(Feature::kDynamicMIG));
  EXPECT_FALSE(g.Enabled(Feature::kComputeDomainCliques));
  EXPECT_EQ(g.String(),
            "ComputeDomainCliques=false,DynamicMIG=false,MPSSupport=true,"
            "TimeSlicingSettings=true");
  ASSERT_OK(g.Set(""));
  ASSERT_OK(g.Set("MPSSupport=false"));  // later calls add to earlier ones
  EXPECT_FALSE(g.Enabled(Feature::kMPSSupport));
  EXPECT_TRUE(g.Enabled(Feature::kTimeSlicingSettings));
}

TEST(FeatureGatesTest, AllAlphaAndAllBetaYieldToExplicitSettings) {
  FeatureGates g;
  ASSERT_OK(g.Set("MPSSupport=false,AllAlpha=true,AllBeta=false"));
  EXPECT_TRUE(g.Enabled(Feature::kTimeSlicingSettings));
  EXPECT_TRUE(g.Enabled(Feature::kDeviceMetadata));
  EXPECT_TRUE(g.Enabled(Feature::kLoggingAlphaOptions));
  EXPECT_FALSE(g.Enabled(Feature::kMPSSupport));
  EXPECT_FALSE(g.Enabled(Feature::kIMEXDaemonsWithDNSNames));
  EXPECT_FALSE(g.Enabled(Feature::kCrashOnNVLinkFabricErrors));
  EXPECT_TRUE(g.Enabled(Feature::kAllAlpha));
}

struct SetErrorCase {
  const char* flag;
  const char* error;
};

class SetErrorTest : public ::testing::TestWithParam<SetErrorCase> {};

TEST_P(SetErrorTest, RejectsAndChangesNothing) {
  FeatureGates g;
  EXPECT_THAT(g.Set(GetParam().flag),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       std::string(GetParam().error)));
  EXPECT_EQ(g.String(), "");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SetErrorTest,
    ::testing::Values(
        SetErrorCase{"MPSSupport", "missing bool value for MPSSupport"},
        SetErrorCase{"MPSSupport=true, Foo ",
                     "missing bool value for Foo"},
        SetErrorCase{"MPSSupport=yes",
                     "invalid value of MPSSupport=yes, err: strconv.ParseBool: "
                     "parsing \"yes\": invalid syntax"},
        SetErrorCase{"MPSSupport=",
                     "invalid value of MPSSupport=, err: strconv.ParseBool: "
                     "parsing \"\": invalid syntax"},
        SetErrorCase{"MPSSupport=true,NoSuchGate=true",
                     "unrecognized feature gate: NoSuchGate"},
        // Syntax errors anywhere win over unknown names, as upstream.
        SetErrorCase{"NoSuchGate=true,MPSSupport",
                     "missing bool value for MPSSupport"},
        SetErrorCase{"mpssupport=true", "unrecognized feature gate: mpssupport"}));

struct RuleCase {
  const char* flag;
  const char* error;  // nullptr: valid
};

class ValidateRulesTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ValidateRulesTest, AppliesReferenceRules) {
  FeatureGates g;
  ASSERT_OK(g.Set(GetParam().flag));
  if (GetParam().error == nullptr) {
    EXPECT_OK(g.Validate());
  } else {
    EXPECT_THAT(g.Validate(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                       std::string(GetParam().error)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateRulesTest,
    ::testing::Values(
        RuleCase{"IMEXDaemonsWithDNSNames=false",
                 "feature gate ComputeDomainCliques requires "
                 "IMEXDaemonsWithDNSNames to also be enabled"},
        RuleCase{"IMEXDaemonsWithDNSNames=false,ComputeDomainCliques=false",
                 nullptr},
        RuleCase{"DynamicMIG=true,PassthroughSupport=true",
                 "feature gate DynamicMIG is currently mutually exclusive with "
                 "PassthroughSupport"},
        RuleCase{"DynamicMIG=true,NVMLDeviceHealthCheck=true",
                 "feature gate DynamicMIG is currently mutually exclusive with "
                 "NVMLDeviceHealthCheck"},
        RuleCase{"DynamicMIG=true,MPSSupport=true",
                 "feature gate DynamicMIG is currently mutually exclusive with "
                 "MPSSupport"},
        RuleCase{"DynamicMIG=true,TimeSlicingSettings=true", nullptr},
        RuleCase{"PassthroughSupport=true,NVMLDeviceHealthCheck=true",
                 "feature gate PassthroughSupport is currently mutually "
                 "exclusive with NVMLDeviceHealthCheck"},
        RuleCase{"DeviceMetadata=true",
                 "feature gate DeviceMetadata requires PassthroughSupport to "
                 "also be enabled"},
        RuleCase{"DeviceMetadata=true,PassthroughSupport=true", nullptr},
        // Checked in the reference's order: the first broken rule is named.
        RuleCase{"IMEXDaemonsWithDNSNames=false,DynamicMIG=true,"
                 "PassthroughSupport=true",
                 "feature gate ComputeDomainCliques requires "
                 "IMEXDaemonsWithDNSNames to also be enabled"},
        RuleCase{"AllAlpha=true",
                 "feature gate DynamicMIG is currently mutually exclusive with "
                 "PassthroughSupport"}));

}  // namespace
}  // namespace config

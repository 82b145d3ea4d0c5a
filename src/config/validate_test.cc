// validate_test.cc: every Validate message of the reference, per gate.
#include "config/validate.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "config/decode.h"
#include "config/normalize.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing_util::StatusIs;

struct Case {
  const char* name;
  const char* gates;    // --feature-gates value
  const char* params;   // opaque parameters (decoded strictly)
  const char* error;    // exact Validate text after Normalize; "" = valid
};

class ValidateTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateTest, NormalizeThenValidate) {
  const Case& tc = GetParam();
  FeatureGates gates;
  ASSERT_OK(gates.Set(tc.gates));
  absl::StatusOr<AnyConfig> c = Decode(tc.params, DecodeMode::kStrict);
  ASSERT_OK(c);
  ASSERT_OK(Normalize(&*c, gates));
  if (std::string(tc.error).empty()) {
    EXPECT_OK(Validate(*c, gates));
  } else {
    EXPECT_THAT(Validate(*c, gates),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         std::string(tc.error)));
  }
}

#define GPU(x) R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"GpuConfig")" x "}"
#define MIG(x) R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"MigDeviceConfig")" x "}"
#define VFIO(x) R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"VfioDeviceConfig")" x "}"
#define CHAN(x) R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"ComputeDomainChannelConfig")" x "}"
#define DAEMON(x) R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"ComputeDomainDaemonConfig")" x "}"

constexpr char kTsGate[] =
    "\"TimeSlicing\" is selected as the GPU sharing strategy, but the "
    "\"TimeSlicingSettings\" feature gate is not enabled";
constexpr char kMpsGate[] =
    "\"MPS\" is selected as the GPU sharing strategy, but the \"MPSSupport\" "
    "feature gate is not enabled";

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateTest,
    ::testing::Values(
        Case{"GpuNoSharing", "", GPU(""), ""},
        Case{"GpuDefaultWithTsGate", "TimeSlicingSettings=true", GPU(""), ""},
        Case{"GpuTsGateOff", "", GPU(R"(,"sharing":{"strategy":"TimeSlicing"})"),
             kTsGate},
        Case{"GpuMpsGateOff", "TimeSlicingSettings=true",
             GPU(R"(,"sharing":{"strategy":"MPS"})"), kMpsGate},
        Case{"GpuUnknownStrategy", "TimeSlicingSettings=true,MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"Fabric"})"),
             "unknown GPU sharing strategy: Fabric, supported GPU sharing "
             "strategies: TimeSlicing, MPS"},
        Case{"GpuEmptyStrategy", "", GPU(R"(,"sharing":{})"),
             "unknown GPU sharing strategy: , supported GPU sharing "
             "strategies: TimeSlicing, MPS"},
        Case{"GpuIntervals", "TimeSlicingSettings=true",
             GPU(R"(,"sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":"Short"}})"),
             ""},
        Case{"GpuBadInterval", "TimeSlicingSettings=true",
             GPU(R"(,"sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":"long"}})"),
             "unknown time-slice interval: long, supported time-slice "
             "intervals: Default, Short, Medium, Long"},
        Case{"GpuMissingInterval", "TimeSlicingSettings=true",
             GPU(R"(,"sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{}})"),
             "time-slice interval must be set, supported time-slice "
             "intervals: Default, Short, Medium, Long"},
        Case{"GpuMpsOk", "MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":100}})"),
             ""},
        Case{"GpuMpsNoConfig", "MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"MPS"})"), ""},
        Case{"GpuMpsNegative", "MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":-1}})"),
             "active thread percentage must not be negative"},
        Case{"GpuMpsOver100", "MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":101}})"),
             "active thread percentage must not be greater than 100"},
        // The reference does not check the other strategy's settings in
        // Validate (GetMpsConfig / GetTimeSlicingConfig do, see sharing).
        Case{"GpuMpsWithTsConfigPassesValidate", "MPSSupport=true",
             GPU(R"(,"sharing":{"strategy":"MPS","timeSlicingConfig":{"interval":"Bogus"}})"),
             ""},
        Case{"MigNoSharing", "", MIG(""), ""},
        Case{"MigTsGateOff", "", MIG(R"(,"sharing":{"strategy":"TimeSlicing"})"),
             kTsGate},
        Case{"MigTs", "TimeSlicingSettings=true",
             MIG(R"(,"sharing":{"strategy":"TimeSlicing"})"), ""},
        Case{"MigMpsGateOff", "", MIG(R"(,"sharing":{"strategy":"MPS"})"),
             kMpsGate},
        Case{"MigMpsOver100", "MPSSupport=true",
             MIG(R"(,"sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":200}})"),
             "active thread percentage must not be greater than 100"},
        Case{"MigUnknown", "", MIG(R"(,"sharing":{"strategy":"Fabric"})"),
             "unknown GPU sharing strategy: Fabric, supported GPU sharing "
             "strategies: TimeSlicing, MPS"},
        Case{"VfioDefault", "", VFIO(""), ""},
        Case{"VfioPrefer", "", VFIO(R"(,"iommu":{"backendPolicy":"PreferIommuFD"})"), ""},
        Case{"VfioBadPolicy", "", VFIO(R"(,"iommu":{"backendPolicy":"IommuFDOnly"})"),
             "unknown IOMMU backend policy: IommuFDOnly, supported IOMMU "
             "backend policies: LegacyOnly, PreferIommuFD"},
        Case{"ChannelEmpty", "", CHAN(""), "domainID cannot be empty"},
        Case{"ChannelOk", "", CHAN(R"(,"domainID":"abc","allocationMode":"All")"), ""},
        Case{"DaemonEmpty", "", DAEMON(""), "domainID cannot be empty"},
        Case{"DaemonOk", "", DAEMON(R"(,"domainID":"abc")"), ""}),
    [](const auto& info) { return info.param.name; });

TEST(ValidateTest, UnnormalizedInputsDoNotCrash) {
  FeatureGates g;
  ASSERT_OK(g.Set("TimeSlicingSettings=true,MPSSupport=true"));
  EXPECT_OK(ValidateGpuSharing(GpuSharing{"TimeSlicing", std::nullopt, std::nullopt}, g));
  EXPECT_OK(ValidateGpuSharing(GpuSharing{"MPS", std::nullopt, std::nullopt}, g));
  EXPECT_OK(ValidateMigDeviceSharing(MigDeviceSharing{"MPS", std::nullopt}, g));
  EXPECT_OK(Validate(VfioDeviceConfig{}));
  EXPECT_THAT(Validate(AnyConfig(NonConfigObject{"ComputeDomain"}), g),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "runtime object is not a recognized configuration"));
}

}  // namespace
}  // namespace config

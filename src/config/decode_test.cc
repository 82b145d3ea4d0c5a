// decode_test.cc: Decode/Encode against the reference's serializer
// behaviour: dispatch, strict vs non-strict, duplicate keys, type errors,
// quantities, omitempty and round trips.
#include "config/decode.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing_util::StatusIs;

#define API R"("apiVersion":"resource.nvidia.com/v1beta1",)"

struct RoundTripCase {
  const char* name;
  const char* input;
  const char* encoded;  // Encode(Decode(input))
};

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, DecodesAndEncodesLikeTheReference) {
  const RoundTripCase& tc = GetParam();
  for (DecodeMode mode : {DecodeMode::kStrict, DecodeMode::kNonStrict}) {
    absl::StatusOr<AnyConfig> c = Decode(tc.input, mode);
    ASSERT_OK(c);
    EXPECT_EQ(Encode(*c), tc.encoded);
    absl::StatusOr<AnyConfig> again = Decode(Encode(*c), DecodeMode::kStrict);
    ASSERT_OK(again);
    EXPECT_EQ(*again, *c);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, RoundTripTest,
    ::testing::Values(
        RoundTripCase{"GpuEmpty", "{" API R"("kind":"GpuConfig"})",
                      R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1"})"},
        RoundTripCase{
            "GpuTimeSlicing",
            "{" API R"("kind":"GpuConfig","sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":"Long"}}})",
            R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1","sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":"Long"}}})"},
        RoundTripCase{
            "GpuMps",
            R"({"kind":"GpuConfig",)" API R"("sharing":{"mpsConfig":{"defaultPinnedDeviceMemoryLimit":"10Gi","defaultActiveThreadPercentage":50,"defaultPerDevicePinnedMemoryLimit":{"1":"1Gi","0":2048}},"strategy":"MPS"}})",
            R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":50,"defaultPinnedDeviceMemoryLimit":"10Gi","defaultPerDevicePinnedMemoryLimit":{"0":"2048","1":"1Gi"}}}})"},
        RoundTripCase{
            "GpuMpsZeroAndEmpty",
            "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":0,"defaultPerDevicePinnedMemoryLimit":{}},"timeSlicingConfig":{}}})",
            R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1","sharing":{"strategy":"MPS","timeSlicingConfig":{},"mpsConfig":{"defaultActiveThreadPercentage":0}}})"},
        RoundTripCase{
            "Mig",
            "{" API R"("kind":"MigDeviceConfig","sharing":{"strategy":"MPS","mpsConfig":{}}})",
            R"({"kind":"MigDeviceConfig","apiVersion":"resource.nvidia.com/v1beta1","sharing":{"strategy":"MPS","mpsConfig":{}}})"},
        RoundTripCase{
            "Vfio",
            "{" API R"("kind":"VfioDeviceConfig","iommu":{"backendPolicy":"LegacyOnly","enableAPIDevice":true}})",
            R"({"kind":"VfioDeviceConfig","apiVersion":"resource.nvidia.com/v1beta1","iommu":{"backendPolicy":"LegacyOnly","enableAPIDevice":true}})"},
        RoundTripCase{
            "VfioNoPolicy",
            "{" API R"("kind":"VfioDeviceConfig","iommu":{}})",
            R"({"kind":"VfioDeviceConfig","apiVersion":"resource.nvidia.com/v1beta1","iommu":{"backendPolicy":""}})"},
        RoundTripCase{
            "Channel",
            "{" API R"("kind":"ComputeDomainChannelConfig","domainID":"d-1","allocationMode":"All"})",
            R"({"kind":"ComputeDomainChannelConfig","apiVersion":"resource.nvidia.com/v1beta1","domainID":"d-1","allocationMode":"All"})"},
        RoundTripCase{
            "ChannelEmpty", "{" API R"("kind":"ComputeDomainChannelConfig"})",
            R"({"kind":"ComputeDomainChannelConfig","apiVersion":"resource.nvidia.com/v1beta1","domainID":""})"},
        RoundTripCase{
            "DaemonHtmlEscaping",
            "{" API R"("kind":"ComputeDomainDaemonConfig","domainID":"<a&b>\n\u2028é"})",
            R"({"kind":"ComputeDomainDaemonConfig","apiVersion":"resource.nvidia.com/v1beta1","domainID":"\u003ca\u0026b\u003e\n\u2028é"})"},
        RoundTripCase{
            "NullsAreUnset",
            "{" API R"("kind":"GpuConfig","sharing":null})",
            R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1"})"},
        RoundTripCase{
            "QuantityTrimmedAndNullElement",
            "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPinnedDeviceMemoryLimit":" 1Gi ","defaultPerDevicePinnedMemoryLimit":{"GPU-x":null}}}})",
            R"({"kind":"GpuConfig","apiVersion":"resource.nvidia.com/v1beta1","sharing":{"strategy":"MPS","mpsConfig":{"defaultPinnedDeviceMemoryLimit":"1Gi","defaultPerDevicePinnedMemoryLimit":{"GPU-x":"0"}}}})"}),
    [](const auto& info) { return info.param.name; });

TEST(DecodeTest, ComputeDomainKindsDecodeAsNonConfigObjects) {
  absl::StatusOr<AnyConfig> c =
      Decode("{" API R"("kind":"ComputeDomain","spec":{"numNodes":2}})",
             DecodeMode::kStrict);
  ASSERT_OK(c);
  EXPECT_EQ(std::get<NonConfigObject>(*c).kind, "ComputeDomain");
  EXPECT_EQ(GoTypeName(*c), "*v1beta1.ComputeDomain");
  ASSERT_OK(Decode("{" API R"("kind":"ComputeDomainClique"})",
                   DecodeMode::kStrict));
}

struct ErrorCase {
  const char* name;
  const char* input;
  const char* strict_error;     // exact message
  const char* nonstrict_error;  // exact message, or nullptr: decodes
};

class DecodeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DecodeErrorTest, ReportsTheReferenceText) {
  const ErrorCase& tc = GetParam();
  EXPECT_THAT(Decode(tc.input, DecodeMode::kStrict),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       std::string(tc.strict_error)));
  if (tc.nonstrict_error == nullptr) {
    EXPECT_OK(Decode(tc.input, DecodeMode::kNonStrict));
  } else {
    EXPECT_THAT(Decode(tc.input, DecodeMode::kNonStrict),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         std::string(tc.nonstrict_error)));
  }
}

#define SAME(x) x, x
constexpr char kFormatWrong[] =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownTopLevel", "{" API R"("kind":"GpuConfig","foo":1})",
                  R"(strict decoding error: unknown field "foo")", nullptr},
        ErrorCase{"UnknownNested",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"x":{"y":1}}}})",
                  R"(strict decoding error: unknown field "sharing.mpsConfig.x")",
                  nullptr},
        ErrorCase{"MetadataIsUnknown",
                  "{" API R"("kind":"VfioDeviceConfig","metadata":{"name":"x"}})",
                  R"(strict decoding error: unknown field "metadata")", nullptr},
        ErrorCase{"FieldNamesAreCaseSensitive",
                  "{" API R"("kind":"GpuConfig","Sharing":{}})",
                  R"(strict decoding error: unknown field "Sharing")", nullptr},
        ErrorCase{"DuplicateKind",
                  "{" API R"("kind":"GpuConfig","kind":"GpuConfig"})",
                  R"(strict decoding error: duplicate field "kind")", nullptr},
        ErrorCase{"DuplicateMapKey",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPerDevicePinnedMemoryLimit":{"0":"1Gi","0":"2Gi"}}}})",
                  R"(strict decoding error: duplicate field "sharing.mpsConfig.defaultPerDevicePinnedMemoryLimit.0")",
                  nullptr},
        ErrorCase{"SeveralInDocumentOrderDeduplicated",
                  "{" API R"("kind":"GpuConfig","foo":1,"sharing":{"strategy":"MPS","strategy":"MPS","bar":{}},"foo":2,"sharing":{"strategy":"MPS"}})",
                  R"(strict decoding error: unknown field "foo", duplicate field "sharing.strategy", unknown field "sharing.bar", duplicate field "sharing")",
                  nullptr},
        ErrorCase{"WrongTypeString",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":5}}})",
                  SAME("json: cannot unmarshal number into Go struct field TimeSlicingConfig.sharing.timeSlicingConfig.interval of type v1beta1.TimeSliceInterval")},
        ErrorCase{"WrongTypeFloatForInt",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":50.5}}})",
                  SAME("json: cannot unmarshal number 50.5 into Go struct field MpsConfig.sharing.mpsConfig.defaultActiveThreadPercentage of type int")},
        ErrorCase{"WrongTypeStringForInt",
                  "{" API R"("kind":"MigDeviceConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":"50"}}})",
                  SAME("json: cannot unmarshal string into Go struct field MpsConfig.sharing.mpsConfig.defaultActiveThreadPercentage of type int")},
        ErrorCase{"IntOverflow",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":9223372036854775808}}})",
                  SAME("json: cannot unmarshal number 9223372036854775808 into Go struct field MpsConfig.sharing.mpsConfig.defaultActiveThreadPercentage of type int")},
        ErrorCase{"WrongTypeStruct", "{" API R"("kind":"GpuConfig","sharing":"MPS"})",
                  SAME("json: cannot unmarshal string into Go struct field GpuConfig.sharing of type v1beta1.GpuSharing")},
        ErrorCase{"WrongTypeArray",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":["MPS"]}})",
                  SAME("json: cannot unmarshal array into Go struct field GpuSharing.sharing.strategy of type v1beta1.GpuSharingStrategy")},
        ErrorCase{"WrongTypeMap",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPerDevicePinnedMemoryLimit":"1Gi"}}})",
                  SAME("json: cannot unmarshal string into Go struct field MpsConfig.sharing.mpsConfig.defaultPerDevicePinnedMemoryLimit of type v1beta1.MpsPerDevicePinnedMemoryLimit")},
        ErrorCase{"WrongTypeBool",
                  "{" API R"("kind":"VfioDeviceConfig","iommu":{"enableAPIDevice":"yes"}})",
                  SAME("json: cannot unmarshal string into Go struct field IOMMUConfig.iommu.enableAPIDevice of type bool")},
        ErrorCase{"WrongTypePolicy",
                  "{" API R"("kind":"VfioDeviceConfig","iommu":{"backendPolicy":true}})",
                  SAME("json: cannot unmarshal bool into Go struct field IOMMUConfig.iommu.backendPolicy of type v1beta1.IOMMUBackendPolicy")},
        ErrorCase{"WrongTypeDomainID",
                  "{" API R"("kind":"ComputeDomainDaemonConfig","domainID":{}})",
                  SAME("json: cannot unmarshal object into Go struct field ComputeDomainDaemonConfig.domainID of type string")},
        ErrorCase{"TypeErrorBeatsStrictErrors",
                  "{" API R"("kind":"ComputeDomainChannelConfig","foo":1,"allocationMode":1,"domainID":2})",
                  SAME("json: cannot unmarshal number into Go struct field ComputeDomainChannelConfig.allocationMode of type string")},
        ErrorCase{"BadQuantity",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPinnedDeviceMemoryLimit":"abc"}}})",
                  SAME("invalid quantity \"abc\" for field sharing.mpsConfig.defaultPinnedDeviceMemoryLimit: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")},
        ErrorCase{"BadQuantitySuffixInMap",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPerDevicePinnedMemoryLimit":{"GPU-1":"10K"}}}})",
                  SAME("invalid quantity \"10K\" for field sharing.mpsConfig.defaultPerDevicePinnedMemoryLimit.GPU-1: unable to parse quantity's suffix")},
        ErrorCase{"QuantityObject",
                  "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultPinnedDeviceMemoryLimit":{}}}})",
                  SAME("invalid quantity \"{...}\" for field sharing.mpsConfig.defaultPinnedDeviceMemoryLimit: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")},
        ErrorCase{"MissingKind", R"({"apiVersion":"resource.nvidia.com/v1beta1"})",
                  SAME(R"(Object 'Kind' is missing in '{"apiVersion":"resource.nvidia.com/v1beta1"}')")},
        ErrorCase{"MissingApiVersion", R"({"kind":"GpuConfig"})",
                  SAME(R"(Object 'apiVersion' is missing in '{"kind":"GpuConfig"}')")},
        ErrorCase{"Null", "null", SAME("Object 'Kind' is missing in 'null'")},
        ErrorCase{"UnknownKind", "{" API R"("kind":"TpuConfig"})",
                  SAME(R"(no kind "TpuConfig" is registered for version "resource.nvidia.com/v1beta1" in scheme "api/nvidia.com/resource/v1beta1/api.go:63")")},
        ErrorCase{"WrongVersion",
                  R"({"apiVersion":"resource.nvidia.com/v1","kind":"GpuConfig"})",
                  SAME(R"(no kind "GpuConfig" is registered for version "resource.nvidia.com/v1" in scheme "api/nvidia.com/resource/v1beta1/api.go:63")")},
        ErrorCase{"VersionWithoutGroup", R"({"apiVersion":"v1beta1","kind":"GpuConfig"})",
                  SAME(R"(no kind "GpuConfig" is registered for version "v1beta1" in scheme "api/nvidia.com/resource/v1beta1/api.go:63")")},
        ErrorCase{"BadGroupVersion", R"({"apiVersion":"a/b/c","kind":"GpuConfig"})",
                  SAME("unexpected GroupVersion string: a/b/c")},
        ErrorCase{"KindNotString", R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":5})",
                  SAME("couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string")},
        ErrorCase{"TopLevelArray", "[]",
                  SAME(R"(couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" })")}),
    [](const auto& info) { return info.param.name; });

TEST(DecodeTest, MalformedJsonNamesTheParseError) {
  for (const char* input : {"", "not json", "{\"kind\":", "{} {}", "{\"a\":1,}"}) {
    EXPECT_THAT(Decode(input, DecodeMode::kStrict),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith("couldn't get version/kind; json parse error: ")))
        << input;
  }
  std::string deep(2000, '[');
  EXPECT_THAT(Decode(deep, DecodeMode::kNonStrict),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("exceeded max depth")));
}

TEST(DecodeTest, KindIsMatchedCaseInsensitivelyForDispatchOnly) {
  const char* input = R"({"apiVersion":"resource.nvidia.com/v1beta1","Kind":"GpuConfig"})";
  EXPECT_THAT(Decode(input, DecodeMode::kStrict),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       R"(strict decoding error: unknown field "Kind")"));
  absl::StatusOr<AnyConfig> c = Decode(input, DecodeMode::kNonStrict);
  ASSERT_OK(c);
  EXPECT_TRUE(std::holds_alternative<GpuConfig>(*c));
}

TEST(DecodeTest, NonStrictRepeatedKeysMergeObjectsAndReplaceScalars) {
  absl::StatusOr<AnyConfig> c = Decode(
      "{" API R"("kind":"GpuConfig",
        "sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":10,
                   "defaultPerDevicePinnedMemoryLimit":{"0":"1Gi"}}},
        "sharing":{"strategy":"TimeSlicing","strategy":null,
                   "mpsConfig":{"defaultPerDevicePinnedMemoryLimit":{"1":"2Gi"}}}})",
      DecodeMode::kNonStrict);
  ASSERT_OK(c);
  const GpuSharing& s = *std::get<GpuConfig>(*c).sharing;
  EXPECT_EQ(s.strategy, "TimeSlicing");  // null leaves a string as it was
  ASSERT_TRUE(s.mps_config.has_value());
  EXPECT_EQ(s.mps_config->default_active_thread_percentage, 10);
  EXPECT_EQ(s.mps_config->default_per_device_pinned_memory_limit,
            (std::map<std::string, std::string>{{"0", "1Gi"}, {"1", "2Gi"}}));

  absl::StatusOr<AnyConfig> reset = Decode(
      "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS"},"sharing":null})",
      DecodeMode::kNonStrict);
  ASSERT_OK(reset);
  EXPECT_FALSE(std::get<GpuConfig>(*reset).sharing.has_value());
}

TEST(DecodeTest, QuickstartSpecsDecodeStrictly) {
  // Opaque parameters of specs/upstream-quickstart-v1 (gpu-test5, -6, -mps,
  // -vfio-config), converted to JSON.
  for (const char* input : {
           "{" API R"("kind":"GpuConfig","sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":"Long"}}})",
           "{" API R"("kind":"GpuConfig","sharing":{"strategy":"MPS","mpsConfig":{"defaultActiveThreadPercentage":50,"defaultPinnedDeviceMemoryLimit":"10Gi"}}})",
           "{" API R"("kind":"VfioDeviceConfig","iommu":{"backendPolicy":"LegacyOnly","enableAPIDevice":true}})",
       }) {
    EXPECT_OK(Decode(input, DecodeMode::kStrict)) << input;
  }
}

}  // namespace
}  // namespace config

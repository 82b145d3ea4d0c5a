#include "util/quantity.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace util {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

std::string Canon(const std::string& in) {
  absl::StatusOr<Quantity> q = Quantity::Parse(in);
  EXPECT_TRUE(q.ok()) << in << ": " << q.status();
  return q.ok() ? q->ToString() : "<error>";
}

// Expected values are what apimachinery's resource.MustParse(x).String()
// prints (quantity_test.go's table and the API server's stored forms).
TEST(QuantityTest, CanonicalFormsMatchKubernetes) {
  const std::pair<const char*, const char*> kCases[] = {
      {"0", "0"},           {"0Gi", "0"},          {"-0", "0"},
      {"1", "1"},           {"1000", "1k"},        {"1500", "1500"},
      {"1.5G", "1500M"},    {"1.5Gi", "1536Mi"},   {"1Gi", "1Gi"},
      {"1024Mi", "1Gi"},    {"1000Mi", "1000Mi"},  {"500m", "500m"},
      {"0.5", "500m"},      {"1e3", "1e3"},        {"1E3", "1e3"},
      {"1e4", "10e3"},      {"1.5e3", "1500"},     {"1e-3", "1e-3"},
      {"100u", "100u"},     {"0.1n", "1n"},        {"1.0000000001", "1000000001n"},
      {"-1.5", "-1500m"},   {"+2k", "2k"},         {"012", "12"},
      {"1023Ki", "1023Ki"}, {"1025", "1025"},      {"1000Ki", "1000Ki"},
      {"1k", "1k"},         {"1000k", "1M"},       {"1000E", "1"},
      {"10Ei", "9223372036854775807"},  // BinarySI cap at 2^63-1
      {"0.5Ki", "512"},     {"1.1Ki", "1126400m"}, {"100m", "100m"},
      {"81559Mi", "81559Mi"},          {"85520809984", "85520809984"},
      {"12e6", "12e6"},     {"1.", "1"},           {".5", "500m"},
  };
  for (const auto& [in, want] : kCases) EXPECT_EQ(Canon(in), want) << in;
}

TEST(QuantityTest, IntegerConstructorsPrintLikeDevices) {
  EXPECT_EQ(Quantity::Binary(85520809984).ToString(), "81559Mi");
  EXPECT_EQ(Quantity::Binary(1000).ToString(), "1k");
  EXPECT_EQ(Quantity::Binary(2000).ToString(), "2000");
  EXPECT_EQ(Quantity::Binary(1LL << 60).ToString(), "1Ei");
  EXPECT_EQ(Quantity::Binary(-2048).ToString(), "-2Ki");
  EXPECT_EQ(Quantity::Decimal(2000).ToString(), "2k");
  EXPECT_EQ(Quantity::Decimal(INT64_MIN).ToString(), "-9223372036854775808");
  EXPECT_EQ(Quantity::Milli(1500).ToString(), "1500m");
  EXPECT_EQ(Quantity::Milli(2000).ToString(), "2");
}

TEST(QuantityTest, ParsedIntegersEqualConstructedOnes) {
  EXPECT_EQ(*Quantity::Parse("81559Mi"), Quantity::Binary(85520809984));
  EXPECT_EQ(*Quantity::Parse("2k"), Quantity::Decimal(2000));
  EXPECT_FALSE(*Quantity::Parse("2k") == Quantity::Binary(2000));  // format differs
  EXPECT_EQ(Quantity::Parse("2k")->Cmp(Quantity::Binary(2000)), 0);
}

TEST(QuantityTest, ValueAndCompare) {
  EXPECT_EQ(Quantity::Parse("1.5")->Value(), 2);
  EXPECT_EQ(Quantity::Parse("1.5")->MilliValue(), 1500);
  EXPECT_EQ(Quantity::Parse("1Gi")->Value(), 1LL << 30);
  EXPECT_EQ(Quantity::Parse("1e30")->Value(), INT64_MAX);
  EXPECT_EQ(Quantity::Parse("1")->Cmp(*Quantity::Parse("999m")), 1);
  EXPECT_EQ(Quantity::Parse("-1")->Cmp(*Quantity::Parse("1m")), -1);
  EXPECT_EQ(Quantity::Parse("1000m")->Cmp(*Quantity::Parse("1")), 0);
}

TEST(QuantityTest, RejectsWhatKubernetesRejects) {
  EXPECT_THAT(Quantity::Parse(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("must match the regular expression")));
  EXPECT_THAT(Quantity::Parse("1 Gi"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("regular expression")));
  EXPECT_THAT(Quantity::Parse("1Gb"), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("regular expression")));
  EXPECT_THAT(Quantity::Parse("1K"), StatusIs(absl::StatusCode::kInvalidArgument,
                                              "unable to parse quantity's suffix"));
  EXPECT_THAT(Quantity::Parse("1e"), StatusIs(absl::StatusCode::kInvalidArgument,
                                              "unable to parse quantity's suffix"));
  EXPECT_THAT(Quantity::Parse("1ee3"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                "unable to parse quantity's suffix"));
  EXPECT_THAT(Quantity::Parse("1e999999999999"), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

}  // namespace
}  // namespace util

// quantity_bytes_test.cc: resource.Quantity grammar and Value() rounding.
#include "config/quantity_bytes.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing_util::StatusIs;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct ValueCase {
  const char* in;
  int64_t value;
};

class QuantityValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(QuantityValueTest, Parses) {
  absl::StatusOr<int64_t> v = QuantityValue(GetParam().in);
  ASSERT_OK(v);
  EXPECT_EQ(*v, GetParam().value) << GetParam().in;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantityValueTest,
    ::testing::Values(
        ValueCase{"0", 0}, ValueCase{"-0", 0}, ValueCase{"000", 0},
        ValueCase{"12", 12}, ValueCase{"+12", 12}, ValueCase{"-12", -12},
        ValueCase{"1Ki", 1024}, ValueCase{"10Mi", 10 << 20},
        ValueCase{"2Gi", int64_t{2} << 30}, ValueCase{"1Ti", int64_t{1} << 40},
        ValueCase{"1Pi", int64_t{1} << 50}, ValueCase{"1Ei", int64_t{1} << 60},
        ValueCase{"1k", 1000}, ValueCase{"10M", 10000000},
        ValueCase{"1G", 1000000000}, ValueCase{"1T", 1000000000000},
        ValueCase{"1P", 1000000000000000}, ValueCase{"1E", 1000000000000000000},
        ValueCase{"1500m", 2}, ValueCase{"1m", 1}, ValueCase{"1n", 1},
        ValueCase{"1u", 1}, ValueCase{"-1500m", -2}, ValueCase{"1.5", 2},
        ValueCase{"1.5Gi", int64_t{3} << 29}, ValueCase{".5Ki", 512},
        ValueCase{"0.1", 1}, ValueCase{"1.", 1}, ValueCase{"1.Gi", 1 << 30},
        ValueCase{"1e3", 1000}, ValueCase{"1E3", 1000}, ValueCase{"1e+3", 1000},
        ValueCase{"15e-1", 2}, ValueCase{"1e-999", 1},
        ValueCase{"8Ei", kMax}, ValueCase{"10E", kMax},
        ValueCase{"1e1000000", kMax},
        ValueCase{"99999999999999999999", kMax},
        ValueCase{"9223372036854775807", kMax},
        ValueCase{"9223372036854775806", kMax - 1},
        ValueCase{"0.000000000000000000000000001Ei", 1},
        ValueCase{"-", 0}, ValueCase{"+", 0}, ValueCase{".", 0}));

struct ErrorCase {
  const char* in;
  const char* error;
};

class QuantityErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(QuantityErrorTest, Rejects) {
  EXPECT_THAT(QuantityValue(GetParam().in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       std::string(GetParam().error)))
      << GetParam().in;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantityErrorTest,
    ::testing::Values(
        ErrorCase{"", kQuantityErrFormatWrong},
        ErrorCase{"abc", kQuantityErrFormatWrong},
        ErrorCase{" 1", kQuantityErrFormatWrong},
        ErrorCase{"1 ", kQuantityErrFormatWrong},
        ErrorCase{"1.5.5", kQuantityErrFormatWrong},
        ErrorCase{"1Gi1x", kQuantityErrFormatWrong},
        ErrorCase{"true", kQuantityErrFormatWrong},
        ErrorCase{"10K", kQuantityErrSuffix},
        ErrorCase{"1e", kQuantityErrSuffix},
        ErrorCase{"1iK", kQuantityErrSuffix},
        ErrorCase{"1e99999999999", kQuantityErrSuffix},
        ErrorCase{"1Gi-1", kQuantityErrSuffix}));

}  // namespace
}  // namespace config

// status_matchers.h: gMock matchers and macros for absl::Status in tests.
//
//   EXPECT_OK(status);  ASSERT_OK(statusor);
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpu-3")));
//
// Test-only; thread-compatible.
#ifndef DRA_TESTING_STATUS_MATCHERS_H_
#define DRA_TESTING_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace testing_util {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) { return s.status(); }

MATCHER(IsOk, "is OK") { return testing_util::GetStatus(arg).ok(); }

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + ::testing::PrintToString(code)) {
  const absl::Status& s = testing_util::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

}  // namespace testing_util

#define EXPECT_OK(expr) EXPECT_THAT(expr, ::testing_util::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT(expr, ::testing_util::IsOk())

#endif  // DRA_TESTING_STATUS_MATCHERS_H_

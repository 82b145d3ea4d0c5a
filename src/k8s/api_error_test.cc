#include "k8s/api_error.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing_util::StatusIs;

HttpResponse Resp(int code, const std::string& body) { return HttpResponse{code, {}, body}; }

TEST(ApiErrorTest, StatusBodyKeepsMessageAndReason) {
  absl::Status s = StatusFromResponse(Resp(
      422, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"ResourceSlice.resource.k8s.io \"a\" is invalid: spec.devices: Too many: 129: must have at most 128 items","reason":"Invalid","code":422})"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          "ResourceSlice.resource.k8s.io \"a\" is invalid: spec.devices: Too "
                          "many: 129: must have at most 128 items"));
  EXPECT_EQ(ReasonOf(s), "Invalid");
  EXPECT_EQ(HttpCodeOf(s), 422);
  EXPECT_TRUE(IsInvalid(s));
}

TEST(ApiErrorTest, CodesAreDistinct) {
  auto st = [](int code, const char* reason) {
    return StatusFromResponse(Resp(code, std::string(R"({"kind":"Status","reason":")") + reason +
                                             R"(","message":"m"})"));
  };
  EXPECT_TRUE(absl::IsNotFound(st(404, "NotFound")));
  EXPECT_TRUE(IsConflict(st(409, "Conflict")));
  EXPECT_TRUE(absl::IsAlreadyExists(st(409, "AlreadyExists")));
  EXPECT_TRUE(IsGone(st(410, "Expired")));
  EXPECT_EQ(st(422, "Invalid").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st(429, "TooManyRequests").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(st(403, "Forbidden").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(st(401, "Unauthorized").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(st(500, "InternalError").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(st(503, "ServiceUnavailable").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(st(504, "Timeout").code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(ApiErrorTest, NonStatusBody) {
  absl::Status s = StatusFromResponse(Resp(404, "404 page not found\n"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, "HTTP 404: 404 page not found\n"));
  EXPECT_EQ(ReasonOf(s), "NotFound");
  EXPECT_OK(StatusFromResponse(Resp(201, "{}")));
}

}  // namespace
}  // namespace k8s

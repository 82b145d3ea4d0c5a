#include "nvml/errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace nvml {
namespace {

using ::testing_util::StatusIs;

TEST(NvmlErrorTest, MessageCodeAndPayload) {
  absl::Status s = NvmlError(NVML_ERROR_NOT_SUPPORTED, "nvmlDeviceGetMemoryInfo");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnimplemented,
                          "nvmlDeviceGetMemoryInfo: Not Supported (3)"));
  EXPECT_EQ(ReturnCode(s), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_TRUE(IsNotSupported(s));
  EXPECT_TRUE(IsUnsupported(s));
  EXPECT_FALSE(IsFunctionNotFound(s));
}

TEST(NvmlErrorTest, SuccessIsOk) {
  EXPECT_OK(NvmlError(NVML_SUCCESS, "nvmlInit_v2"));
  EXPECT_EQ(ReturnCode(absl::OkStatus()), NVML_SUCCESS);
}

TEST(NvmlErrorTest, LibraryText) {
  EXPECT_THAT(NvmlError(NVML_ERROR_TIMEOUT, "nvmlEventSetWait_v2", "Timed out"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "nvmlEventSetWait_v2: Timed out (10)"));
}

TEST(NvmlErrorTest, MappingTable) {
  struct Case {
    nvmlReturn_t code;
    absl::StatusCode want;
  } cases[] = {
      {NVML_ERROR_UNINITIALIZED, absl::StatusCode::kFailedPrecondition},
      {NVML_ERROR_INVALID_ARGUMENT, absl::StatusCode::kInvalidArgument},
      {NVML_ERROR_NOT_SUPPORTED, absl::StatusCode::kUnimplemented},
      {NVML_ERROR_NO_PERMISSION, absl::StatusCode::kPermissionDenied},
      {NVML_ERROR_ALREADY_INITIALIZED, absl::StatusCode::kAlreadyExists},
      {NVML_ERROR_NOT_FOUND, absl::StatusCode::kNotFound},
      {NVML_ERROR_INSUFFICIENT_SIZE, absl::StatusCode::kOutOfRange},
      {NVML_ERROR_DRIVER_NOT_LOADED, absl::StatusCode::kUnavailable},
      {NVML_ERROR_TIMEOUT, absl::StatusCode::kDeadlineExceeded},
      {NVML_ERROR_FUNCTION_NOT_FOUND, absl::StatusCode::kUnimplemented},
      {NVML_ERROR_CORRUPTED_INFOROM, absl::StatusCode::kDataLoss},
      {NVML_ERROR_GPU_IS_LOST, absl::StatusCode::kUnavailable},
      {NVML_ERROR_IN_USE, absl::StatusCode::kFailedPrecondition},
      {NVML_ERROR_INSUFFICIENT_RESOURCES, absl::StatusCode::kResourceExhausted},
      {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, absl::StatusCode::kInvalidArgument},
      {NVML_ERROR_OPERATING_SYSTEM, absl::StatusCode::kInternal},
      {NVML_ERROR_UNKNOWN, absl::StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    absl::Status s = NvmlError(c.code, "f");
    EXPECT_EQ(s.code(), c.want) << c.code;
    EXPECT_EQ(ReturnCode(s), c.code);
  }
}

TEST(NvmlErrorTest, UnknownNumericCodeSurvives) {
  absl::Status s = NvmlError(static_cast<nvmlReturn_t>(42), "nvmlFoo");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnknown, "nvmlFoo: Unknown Error (42)"));
  EXPECT_EQ(static_cast<int>(ReturnCode(s)), 42);
}

TEST(ReturnCodeTest, NonNvmlStatusIsUnknown) {
  EXPECT_EQ(ReturnCode(absl::NotFoundError("x")), NVML_ERROR_UNKNOWN);
  EXPECT_FALSE(IsNvmlNotFound(absl::NotFoundError("x")));
  EXPECT_TRUE(IsNvmlNotFound(NvmlError(NVML_ERROR_NOT_FOUND, "f")));
  EXPECT_TRUE(IsTimeout(NvmlError(NVML_ERROR_TIMEOUT, "f")));
  EXPECT_TRUE(IsGpuLost(NvmlError(NVML_ERROR_GPU_IS_LOST, "f")));
  EXPECT_TRUE(IsNvmlInvalidArgument(NvmlError(NVML_ERROR_INVALID_ARGUMENT, "f")));
}

TEST(ErrorStringTest, KnownTexts) {
  EXPECT_STREQ(ErrorString(NVML_ERROR_NOT_SUPPORTED), "Not Supported");
  EXPECT_STREQ(ErrorString(NVML_ERROR_INVALID_ARGUMENT), "Invalid Argument");
  EXPECT_STREQ(ErrorString(NVML_ERROR_FUNCTION_NOT_FOUND), "Function Not Found");
  EXPECT_STREQ(ErrorString(static_cast<nvmlReturn_t>(77)), "Unknown Error");
}

}  // namespace
}  // namespace nvml

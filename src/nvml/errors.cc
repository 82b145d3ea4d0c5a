#include "nvml/errors.h"

#include "nvml/error_strings.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace nvml {

const char* ErrorString(nvmlReturn_t code) { return DraNvmlErrorString(code); }

absl::StatusCode StatusCodeFor(nvmlReturn_t code) {
  switch (code) {
    case NVML_SUCCESS:
      return absl::StatusCode::kOk;
    case NVML_ERROR_NOT_SUPPORTED:
    case NVML_ERROR_FUNCTION_NOT_FOUND:
    case NVML_ERROR_DEPRECATED:
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
    case NVML_ERROR_FREQ_NOT_SUPPORTED:
    case NVML_ERROR_RESET_TYPE_NOT_SUPPORTED:
      return absl::StatusCode::kUnimplemented;
    case NVML_ERROR_INVALID_ARGUMENT:
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
      return absl::StatusCode::kInvalidArgument;
    case NVML_ERROR_NOT_FOUND:
    case NVML_ERROR_GPU_NOT_FOUND:
    case NVML_ERROR_NO_DATA:
      return absl::StatusCode::kNotFound;
    case NVML_ERROR_NO_PERMISSION:
      return absl::StatusCode::kPermissionDenied;
    case NVML_ERROR_ALREADY_INITIALIZED:
      return absl::StatusCode::kAlreadyExists;
    case NVML_ERROR_INSUFFICIENT_SIZE:
      return absl::StatusCode::kOutOfRange;
    case NVML_ERROR_TIMEOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case NVML_ERROR_INSUFFICIENT_RESOURCES:
    case NVML_ERROR_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    case NVML_ERROR_CORRUPTED_INFOROM:
      return absl::StatusCode::kDataLoss;
    case NVML_ERROR_UNINITIALIZED:
    case NVML_ERROR_INSUFFICIENT_POWER:
    case NVML_ERROR_RESET_REQUIRED:
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
    case NVML_ERROR_IN_USE:
    case NVML_ERROR_INVALID_STATE:
      return absl::StatusCode::kFailedPrecondition;
    case NVML_ERROR_DRIVER_NOT_LOADED:
    case NVML_ERROR_LIBRARY_NOT_FOUND:
    case NVML_ERROR_GPU_IS_LOST:
    case NVML_ERROR_NOT_READY:
      return absl::StatusCode::kUnavailable;
    case NVML_ERROR_IRQ_ISSUE:
    case NVML_ERROR_OPERATING_SYSTEM:
      return absl::StatusCode::kInternal;
    case NVML_ERROR_UNKNOWN:
      return absl::StatusCode::kUnknown;
  }
  return absl::StatusCode::kUnknown;
}

absl::Status NvmlError(nvmlReturn_t code, const std::string& function,
                       const char* error_string) {
  if (code == NVML_SUCCESS) return absl::OkStatus();
  const char* text = error_string != nullptr ? error_string : ErrorString(code);
  const int numeric = static_cast<int>(code);
  absl::Status status(StatusCodeFor(code),
                      absl::StrCat(function, ": ", text, " (", numeric, ")"));
  status.SetPayload(kNvmlReturnPayload, absl::Cord(absl::StrCat(numeric)));
  return status;
}

nvmlReturn_t ReturnCode(const absl::Status& status) {
  if (status.ok()) return NVML_SUCCESS;
  auto payload = status.GetPayload(kNvmlReturnPayload);
  if (!payload.has_value()) return NVML_ERROR_UNKNOWN;
  std::string text(*payload);
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return NVML_ERROR_UNKNOWN;
  }
  return static_cast<nvmlReturn_t>(value);
}

}  // namespace nvml

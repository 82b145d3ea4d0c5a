// errors.h: how NVML return codes travel inside absl::Status.
//
// Every nvml::Library call that fails returns a Status whose
//   - canonical code is a best-effort mapping of the NVML code (table below),
//   - payload (type URL kNvmlReturnPayload) holds the exact nvmlReturn_t as a
//     decimal string, so callers never lose the NVML code, and
//   - message reads "<function>: <NVML error string> (<code>)", e.g.
//     "nvmlDeviceGetMemoryInfo: Not Supported (3)".
//
// Mapping of NVML codes to absl codes (one place; callers should prefer
// ReturnCode()/IsNotSupported() over the absl code):
//   NOT_SUPPORTED, FUNCTION_NOT_FOUND, DEPRECATED, VGPU_ECC_NOT_SUPPORTED,
//     FREQ_NOT_SUPPORTED, RESET_TYPE_NOT_SUPPORTED      -> kUnimplemented
//   INVALID_ARGUMENT, ARGUMENT_VERSION_MISMATCH         -> kInvalidArgument
//   NOT_FOUND, GPU_NOT_FOUND, NO_DATA                   -> kNotFound
//   NO_PERMISSION                                       -> kPermissionDenied
//   ALREADY_INITIALIZED                                 -> kAlreadyExists
//   INSUFFICIENT_SIZE                                   -> kOutOfRange
//   TIMEOUT                                             -> kDeadlineExceeded
//   INSUFFICIENT_RESOURCES, MEMORY                      -> kResourceExhausted
//   CORRUPTED_INFOROM                                   -> kDataLoss
//   UNINITIALIZED, INSUFFICIENT_POWER, RESET_REQUIRED, LIB_RM_VERSION_MISMATCH,
//     IN_USE, INVALID_STATE                             -> kFailedPrecondition
//   DRIVER_NOT_LOADED, LIBRARY_NOT_FOUND, GPU_IS_LOST,
//     NOT_READY                                         -> kUnavailable
//   IRQ_ISSUE, OPERATING_SYSTEM                         -> kInternal
//   UNKNOWN and anything else                           -> kUnknown
//
// Used by src/nvml (DlLibrary, FakeLibrary) and every caller of
// nvml::Library. Pure functions; thread-safe.
#ifndef DRA_NVML_ERRORS_H_
#define DRA_NVML_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "nvml/nvml_abi.h"

namespace nvml {

// Type URL of the payload carrying the decimal nvmlReturn_t.
inline constexpr char kNvmlReturnPayload[] = "type.dra/nvml.Return";

// NVML's description of a return code ("Not Supported", "Invalid Argument",
// ...). Our own table, used when the library's nvmlErrorString is missing
// and by the fake. Unknown codes give "Unknown Error".
const char* ErrorString(nvmlReturn_t code);

// The absl code chosen for an NVML code (see the table above).
absl::StatusCode StatusCodeFor(nvmlReturn_t code);

// Builds the Status for `code` returned by NVML function `function`.
// NVML_SUCCESS gives OkStatus. `error_string` overrides ErrorString(code)
// (the real library's text) when non-null.
absl::Status NvmlError(nvmlReturn_t code, const std::string& function,
                       const char* error_string = nullptr);

// The NVML code carried by `status`: NVML_SUCCESS for OK, the payload when
// present, otherwise NVML_ERROR_UNKNOWN (a non-NVML error).
nvmlReturn_t ReturnCode(const absl::Status& status);

// Shorthands for the codes callers branch on. (IsNvmlNotFound and
// IsNvmlInvalidArgument carry "Nvml" so they never clash with absl::IsNotFound
// / absl::IsInvalidArgument, which test the absl code, through ADL.)
inline bool IsNotSupported(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_NOT_SUPPORTED;
}
inline bool IsFunctionNotFound(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_FUNCTION_NOT_FOUND;
}
// NOT_SUPPORTED or FUNCTION_NOT_FOUND: "this GPU/driver cannot do that".
inline bool IsUnsupported(const absl::Status& s) {
  return IsNotSupported(s) || IsFunctionNotFound(s);
}
inline bool IsNvmlNotFound(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_NOT_FOUND;
}
inline bool IsNvmlInvalidArgument(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_INVALID_ARGUMENT;
}
inline bool IsTimeout(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_TIMEOUT;
}
inline bool IsGpuLost(const absl::Status& s) {
  return ReturnCode(s) == NVML_ERROR_GPU_IS_LOST;
}

}  // namespace nvml

#endif  // DRA_NVML_ERRORS_H_

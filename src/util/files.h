// files.h: small filesystem helpers that return absl::Status instead of
// throwing: read a whole file, write a file atomically, join paths under an
// injected root.
//
// Used by hw/ (driver-root readers), the NVML mock tooling and later the
// checkpoint store. Thread-compatible: no shared state.
#ifndef DRA_UTIL_FILES_H_
#define DRA_UTIL_FILES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace util {

// Reads the whole file. NotFound if it does not exist; Internal with the
// errno text for other failures. The message always names the path.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Writes `contents` to `path` atomically: temp file in the same directory,
// fsync, rename, fsync of the directory.
absl::Status WriteFileAtomic(const std::string& path, std::string_view contents);

// Joins `path` under `root`: JoinRoot("/host", "/proc/devices") is
// "/host/proc/devices"; a root of "" or "/" leaves `path` as it is.
std::string JoinRoot(std::string_view root, std::string_view path);

}  // namespace util

#endif  // DRA_UTIL_FILES_H_

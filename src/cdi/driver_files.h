// driver_files.h (internal to the cdi layer): finds the files of an NVIDIA
// driver installation under a root directory. All returned paths are
// resolved (no symlinks) and relative to the root ("/lib64/libcuda.so.X").
//
// Used by driver_root.cc. Stateless; thread-safe.
#ifndef DRA_CDI_DRIVER_FILES_H_
#define DRA_CDI_DRIVER_FILES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace cdi::internal {

// Library directories searched under a driver root, in order.
const std::vector<std::string>& LibrarySearchDirs();

struct DriverFiles {
  std::string version;                  // e.g. "580.159.04"
  std::vector<std::string> libraries;   // sorted, unique
  // Links to create in the container: {target basename, link path}.
  std::vector<std::pair<std::string, std::string>> links;
  std::vector<std::string> binaries;
  std::vector<std::string> firmware_dirs;
  std::vector<std::string> sockets;
  std::string libcuda_dir;  // directory of libcuda.so.<version>; may be empty
};

// The version from libnvidia-ml.so.1 (see driver_root.h DriverVersion).
absl::StatusOr<std::string> FindDriverVersion(std::string_view root);

// Scans `root`. `with_dependencies`: also take the DT_NEEDED libraries that
// sit in the same directory as a driver library (glibc and the C++ runtime
// never).
absl::StatusOr<DriverFiles> FindDriverFiles(std::string_view root, bool with_dependencies);

// True for sonames of the C library, the dynamic loader and the compiler
// runtimes, which a container must keep its own copy of.
bool IsSystemLibrary(std::string_view soname);

}  // namespace cdi::internal

#endif  // DRA_CDI_DRIVER_FILES_H_

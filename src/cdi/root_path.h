// root_path.h: path resolution inside a root directory, as if the root were
// "/": symlinks are followed, absolute link targets and ".." never leave the
// root. Used by CDI discovery (driver roots seen from the plugin container)
// and by the cdi-hook (paths inside a container's rootfs).
// Stateless; thread-safe (reads the filesystem).
#ifndef DRA_CDI_ROOT_PATH_H_
#define DRA_CDI_ROOT_PATH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cdi {

// Resolves `path` (absolute or relative to the root's "/") inside `root`
// ("" or "/" = the real root) and returns the resolved path relative to the
// root, always starting with "/" ("/" for the root itself).
// NotFound naming the missing component when part of the path does not
// exist, unless `allow_missing`: then the missing tail is appended as is
// (after lexical "." and ".." handling). FailedPrecondition for a symlink
// loop (more than 40 links) or a non-directory in the middle of the path.
absl::StatusOr<std::string> ResolveInRoot(std::string_view root, std::string_view path,
                                          bool allow_missing = false);

// root + path for a root-relative absolute path; a root of "" or "/"
// leaves the path unchanged ("/run/nvidia/driver" + "/lib64" ->
// "/run/nvidia/driver/lib64").
std::string InRoot(std::string_view root, std::string_view path);

}  // namespace cdi

#endif  // DRA_CDI_ROOT_PATH_H_

// hook_ops.h: what the cdi-hook binary (cmd/cdi-hook) does when the OCI
// runtime calls it as a createContainer hook: find the container's root
// filesystem, create symlinks in it, and update its ld.so cache.
//
// All paths given for the container are absolute paths inside it and are
// resolved within the container root (root_path.h), so a symlink in the
// image can never redirect a write outside the root. Stateless; not meant
// for concurrent use on one container root.
#ifndef DRA_CDI_HOOK_OPS_H_
#define DRA_CDI_HOOK_OPS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cdi {

// The container root from the OCI state JSON the runtime writes to the
// hook's stdin ({"ociVersion", "id", "status", "pid", "bundle", ...}):
// <bundle>/config.json -> root.path, relative to the bundle unless absolute.
// InvalidArgument for malformed JSON or missing fields; errors name the file.
absl::StatusOr<std::string> ContainerRootFromState(std::string_view state_json);

// The same from an OCI config.json path (root.path relative to its
// directory unless absolute).
absl::StatusOr<std::string> ContainerRootFromSpecFile(const std::string& config_path);

// One "--link TARGET::LINK" argument.
struct SymlinkRequest {
  std::string target;  // what the link points to (usually a basename)
  std::string link;    // absolute path inside the container
};
absl::StatusOr<SymlinkRequest> ParseLinkArg(std::string_view arg);

// Creates each link inside `root` (creating missing parent directories).
// An existing link with the same target is kept, one with another target is
// replaced; an existing file that is not a symlink is left alone and
// reported in *warnings. Errors name the link.
absl::Status CreateSymlinks(const std::string& root, const std::vector<SymlinkRequest>& links,
                            std::vector<std::string>* warnings);

// Name of the ld.so.conf.d file that lists the driver folders.
inline constexpr char kLdConfFile[] = "/etc/ld.so.conf.d/00-nvidia-cdi.conf";

// Writes <root>/etc/ld.so.conf.d/00-nvidia-cdi.conf listing `folders`, then
// runs `<ldconfig> -r <root> <folders...>` so that <root>/etc/ld.so.cache
// lists the libraries (needs CAP_SYS_CHROOT). A root without /etc (e.g. a
// scratch image, which has no dynamic loader) is left unchanged with a
// warning. Errors carry ldconfig's exit status.
absl::Status UpdateLdcache(const std::string& root, const std::vector<std::string>& folders,
                           const std::string& ldconfig_path, std::vector<std::string>* warnings);

}  // namespace cdi

#endif  // DRA_CDI_HOOK_OPS_H_

// socket_names.h: where the plugin's two Unix sockets live and what they
// are called (k8s-interfaces.md §2.1): the DRA service socket in the
// plugin's own data directory, and the registration socket in the
// kubelet's plugins_registry directory. With a pod UID (rolling updates,
// two instances at once) both names become unique per pod; the
// registration name is the first of three candidates whose full path fits
// the AF_UNIX limit.
//
// Used by plugin_server.h and by the plugin binary (for logging).
// Pure functions; thread-safe.
#ifndef DRA_KUBELETPLUGIN_SOCKET_NAMES_H_
#define DRA_KUBELETPLUGIN_SOCKET_NAMES_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace kubeletplugin {

inline constexpr char kDefaultRegistrarDir[] = "/var/lib/kubelet/plugins_registry";
inline constexpr char kDefaultPluginsDir[] = "/var/lib/kubelet/plugins";

// Longest socket path a gRPC server can bind: sun_path is 108 bytes and
// needs a terminating NUL. (gRPC targets must be written "unix:<path>";
// "unix://<path>" costs two more characters of the limit.)
inline constexpr std::size_t kMaxSocketPathLength = 107;

// "<plugins_dir>/<driver>" : the plugin's data directory.
std::string PluginDataDir(const std::string& plugins_dir, const std::string& driver);

// "<plugin data dir>/dra.sock", or "dra-<pod_uid>.sock" when pod_uid is
// set. InvalidArgument when the path is too long for a Unix socket.
absl::StatusOr<std::string> DraSocketPath(const std::string& plugins_dir,
                                          const std::string& driver,
                                          const std::string& pod_uid);

// Without pod_uid: "<registrar_dir>/<driver>-reg.sock". With pod_uid, the
// first candidate whose full path is at most kMaxSocketPathLength bytes:
//   <driver>-<pod_uid>-reg.sock
//   <driver>-<base64url(SHA-256(pod_uid)[:8])>-reg.sock
//   dra-<base64url(SHA-256(driver + "\0" + pod_uid)[:16])>-reg.sock
// (base64url without padding). InvalidArgument when none fits.
absl::StatusOr<std::string> RegistrationSocketPath(const std::string& registrar_dir,
                                                   const std::string& driver,
                                                   const std::string& pod_uid);

// base64url (no padding) of the first `n` bytes of SHA-256(data); exposed
// for tests.
std::string HashedName(const std::string& data, std::size_t n);

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_SOCKET_NAMES_H_

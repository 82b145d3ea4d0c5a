// spec.h: the CDI (Container Device Interface) spec model the GPU plugin
// writes per prepared claim, the cdiVersion rules, and the YAML/JSON writer.
//
// A Spec holds a kind ("<vendor>/<class>"), devices with their container
// edits, and edits applied once when any of its devices is requested. Field
// names and the minimum-version rules follow the CDI spec (specs-go);
// empty fields are omitted on output. Spec files are written as YAML with
// mode 0644, atomically (temp file, fsync, rename, fsync of the directory).
//
// Used by the GPU driver (src/gpu) to build per-claim specs from the edits
// of driver_root.h. Value types; functions are stateless and thread-safe
// (concurrent writes of the same path leave one complete file).
#ifndef DRA_CDI_SPEC_H_
#define DRA_CDI_SPEC_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cdi {

// One device node for the container (`deviceNodes[]`).
struct DeviceNode {
  std::string path;       // inside the container; required
  std::string host_path;  // empty = same as path (needs cdiVersion 0.5.0)
  std::string type;       // "", "c", "b", "u" or "p"
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::optional<uint32_t> file_mode;  // permission bits, e.g. 0444
  std::string permissions;            // subset of "rwm"; empty = runtime default
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  bool operator==(const DeviceNode&) const = default;
};

// One mount (`mounts[]`); bind mounts carry their options (ro, rbind, ...).
struct Mount {
  std::string host_path;
  std::string container_path;
  std::string type;  // empty for bind mounts (a type needs cdiVersion 0.4.0)
  std::vector<std::string> options;
  bool operator==(const Mount&) const = default;
};

// One OCI hook (`hooks[]`). hook_name is e.g. "createContainer".
struct Hook {
  std::string hook_name;
  std::string path;  // absolute path on the host
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds, > 0
  bool operator==(const Hook&) const = default;
};

inline constexpr char kCreateContainerHook[] = "createContainer";

// The edits applied to a container (`containerEdits`).
struct ContainerEdits {
  std::vector<std::string> env;  // "NAME=VALUE"
  std::vector<DeviceNode> device_nodes;
  std::vector<Mount> mounts;
  std::vector<Hook> hooks;
  std::vector<uint32_t> additional_gids;  // needs cdiVersion 0.7.0

  // Appends every entry of `other` after the entries of this one.
  void Append(const ContainerEdits& other);
  bool Empty() const;
  bool operator==(const ContainerEdits&) const = default;
};

// One device entry of a spec (`devices[]`).
struct Device {
  std::string name;  // e.g. "<claimUID>-gpu-0"
  std::map<std::string, std::string> annotations;  // needs 0.6.0
  ContainerEdits edits;
  bool operator==(const Device&) const = default;
};

struct Spec {
  // Empty: written as MinimumVersion(*this).
  std::string version;
  std::string kind;  // "<vendor>/<class>"
  std::map<std::string, std::string> annotations;  // needs 0.6.0
  std::vector<Device> devices;
  ContainerEdits edits;  // spec-level containerEdits
  bool operator==(const Spec&) const = default;
};

// The lowest cdiVersion whose fields cover what `spec` uses ("0.3.0",
// "0.4.0", "0.5.0", "0.6.0" or "0.7.0").
std::string MinimumVersion(const Spec& spec);

// Checks what a runtime's CDI parser would reject: kind and device names
// (names.h rules), at least one device, unique device names, env entries
// with '=' after a non-empty name, absolute hook paths and known hook names,
// non-empty device node paths and mount paths. InvalidArgument naming the
// offending entry.
absl::Status Validate(const Spec& spec);

// Serialise with cdiVersion = spec.version, or MinimumVersion when empty.
// Validation is not part of these (call Validate).
std::string ToJson(const Spec& spec);
std::string ToYaml(const Spec& spec);

// WriteSpecFile's temp file for <dir>/<name> is <dir>/.<name><this><6
// random characters>; a crash mid-write leaves it behind (the GPU plugin's
// reconciliation recognises and removes it, names.h).
inline constexpr char kSpecTempInfix[] = ".tmp";

// Validates `spec`, sets cdiVersion to its minimum when spec.version is
// empty, and writes it as YAML to `path` with mode 0644, atomically: a temp
// file in the same directory, fsync, rename over `path`, fsync of the
// directory. The directory must exist. Errors name the path.
absl::Status WriteSpecFile(const std::string& path, const Spec& spec);

// Removes `path`; a missing file is success.
absl::Status RemoveSpecFile(const std::string& path);

}  // namespace cdi

#endif  // DRA_CDI_SPEC_H_

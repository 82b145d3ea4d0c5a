// names.h: CDI names of the GPU plugin's per-claim specs, and the CDI name
// rules (vendor, class, device name, qualified "vendor/class=name").
//
//   ClaimSpecPath("/var/run/cdi", uid) = "/var/run/cdi/k8s.gpu.nvidia.com-claim_<uid>.yaml"
//   ClaimDeviceName(uid, "gpu-0")      = "<uid>-gpu-0"
//   QualifiedDeviceId(uid, "gpu-0")    = "k8s.gpu.nvidia.com/claim=<uid>-gpu-0"
//
// Used by the GPU driver (spec paths, the CDI ids returned to the kubelet)
// and by spec.cc (Validate). Pure functions; thread-safe.
#ifndef DRA_CDI_NAMES_H_
#define DRA_CDI_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cdi {

inline constexpr char kVendor[] = "k8s.gpu.nvidia.com";
inline constexpr char kClass[] = "claim";
inline constexpr char kClaimKind[] = "k8s.gpu.nvidia.com/claim";

// <cdi_root>/k8s.gpu.nvidia.com-claim_<claim_uid>.yaml ('/' in the uid
// becomes '_', as the CDI library's transient spec names do).
std::string ClaimSpecPath(std::string_view cdi_root, std::string_view claim_uid);

// The claim UID of a file name made by ClaimSpecPath ("k8s.gpu.nvidia.com-
// claim_<uid>.yaml", no directory), or nullopt for any other name. Used by
// the startup reconciliation to find spec files that have no checkpoint
// entry.
std::optional<std::string> ClaimUidOfSpecFileName(std::string_view file_name);

// True for the temporary file names WriteSpecFile uses while writing a
// claim's spec (".k8s.gpu.nvidia.com-claim_<uid>.yaml.tmpXXXXXX"), which a
// crash in the middle of a write leaves behind.
bool IsClaimSpecTempFileName(std::string_view file_name);

// "<claim_uid>-<device_name>": the device's name inside the claim's spec.
std::string ClaimDeviceName(std::string_view claim_uid, std::string_view device_name);

// "k8s.gpu.nvidia.com/claim=<claim_uid>-<device_name>".
std::string QualifiedDeviceId(std::string_view claim_uid, std::string_view device_name);

// Name rules (InvalidArgument with the name and the reason):
// vendor: letter, then [A-Za-z0-9_.-], ending alphanumeric.
absl::Status ValidateVendorName(std::string_view vendor);
// class: letter, then [A-Za-z0-9_.-], ending alphanumeric.
absl::Status ValidateClassName(std::string_view cls);
// device name: alphanumeric, then [A-Za-z0-9_.:-], ending alphanumeric.
absl::Status ValidateDeviceName(std::string_view name);
// kind "vendor/class".
absl::Status ValidateKind(std::string_view kind);
// "vendor/class=name": split at the first '=', then at the first '/'.
absl::Status ValidateQualifiedName(std::string_view qualified);

}  // namespace cdi

#endif  // DRA_CDI_NAMES_H_

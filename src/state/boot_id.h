// boot_id.h: reads the kernel's per-boot random id, which changes on every
// reboot; the checkpoint stores it to detect that prepared state (MIG
// devices, VFIO bindings, CDI specs on tmpfs) did not survive a reboot.
//
// Used by the kubelet plugins at startup. Pure file read; thread-safe.
#ifndef DRA_STATE_BOOT_ID_H_
#define DRA_STATE_BOOT_ID_H_

#include <string>

#include "absl/status/statusor.h"

namespace state {

// Reads <proc_root>/sys/kernel/random/boot_id (proc_root normally "/proc")
// with surrounding whitespace trimmed. NotFound naming the path when the
// file is missing; InvalidArgument when it is empty; Internal otherwise.
absl::StatusOr<std::string> ReadBootId(const std::string& proc_root);

}  // namespace state

#endif  // DRA_STATE_BOOT_ID_H_

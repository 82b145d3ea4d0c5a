// discovery_child.h: GPU discovery (hw::Discover through NVML) in a child
// process, so that NVML never enters the long-lived plugin process. On a
// real node NVML leaves about 20 MiB resident after nvmlShutdown (a 13.5 MiB
// .bss, the libcuda it loads) and a thread running, so it cannot be
// unloaded (bench/README.md "NVML"); a child that exits returns all of it.
// A hung NVML also cannot hang the plugin: the child is killed after
// `timeout`.
//
// The child is the plugin binary itself, run as
//   <executable> __discover-gpus <driver-root> <sysfs-root>
// It writes the NodeInfo to standard output (hw/node_info_codec.h) and
// exits 0; on failure it writes the error message to standard error and
// exits with 10 + the absl::StatusCode, which the parent turns back into
// the same status, so start-up errors read as they would in process.
//
// Used by app.cc (parent) and main.cc (child). Not thread-safe to call
// concurrently with code that changes the process's signal dispositions.
#ifndef DRA_CMD_GPU_KUBELET_PLUGIN_DISCOVERY_CHILD_H_
#define DRA_CMD_GPU_KUBELET_PLUGIN_DISCOVERY_CHILD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hw/gpu_info.h"

namespace plugin {

// argv[1] of the child.
inline constexpr char kDiscoverCommand[] = "__discover-gpus";

struct ChildDiscoveryOptions {
  // The program to run; the plugin runs itself.
  std::string executable = "/proc/self/exe";
  std::string driver_root = "/";
  std::string sysfs_root = "/";
  // The child is killed (SIGKILL) when it has not exited by then.
  absl::Duration timeout = absl::Minutes(2);
};

// Runs the child and decodes its answer. Errors: the child's own status
// (code and message); DeadlineExceeded after a kill on timeout; Internal
// when it cannot be started, dies by a signal, or answers what does not
// decode (the message names which).
absl::StatusOr<hw::NodeInfo> DiscoverInChild(const ChildDiscoveryOptions& options);

// The child's side: main() calls this when argv[1] == kDiscoverCommand and
// returns its result as the exit status.
int RunDiscoverCommand(int argc, char** argv);

}  // namespace plugin

#endif  // DRA_CMD_GPU_KUBELET_PLUGIN_DISCOVERY_CHILD_H_

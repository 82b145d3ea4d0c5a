// app.h: the gpu-kubelet-plugin process, wired together: NVML discovery,
// devices, the checkpointed device state, the ResourceSlice publisher, the
// kubelet gRPC server, metrics and Events, in the reference's startup order
// (upstream-inventory §2 "Startup steps"). main() parses flags, calls
// Start(), waits for a signal and calls Stop().
//
// Not thread-safe: Start/Stop from one thread.
#ifndef DRA_CMD_GPU_KUBELET_PLUGIN_APP_H_
#define DRA_CMD_GPU_KUBELET_PLUGIN_APP_H_

#include <memory>

#include "absl/status/status.h"
#include "cmd/gpu-kubelet-plugin/flags.h"

namespace plugin {

class App {
 public:
  explicit App(Flags flags);
  ~App();
  absl::Status Start();
  void Stop();

 private:
  struct Parts;
  Flags flags_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace plugin

#endif  // DRA_CMD_GPU_KUBELET_PLUGIN_APP_H_

// driver.h: the GPU driver behind the kubelet-plugin runtime: implements
// kubeletplugin::DraDriver on top of DeviceState, one claim at a time (the
// reference's batch loop), with the reference metrics (requests, duration
// from lock acquisition start, in-flight, errors by type, prepared devices)
// and a callback for every failed Prepare (the binary turns it into an
// Event on the ResourceClaim, where `kubectl describe` shows it).
//
// Used by cmd/gpu-kubelet-plugin and the e2e/bench harnesses. Thread-safe
// (DeviceState serialises).
#ifndef DRA_GPU_DRIVER_H_
#define DRA_GPU_DRIVER_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gpu/device_state.h"
#include "kubeletplugin/driver.h"
#include "metrics/driver_metrics.h"

namespace gpu {

using PrepareFailureHook =
    std::function<void(const k8s::ResourceClaim& claim, const absl::Status& error)>;

class Driver : public kubeletplugin::DraDriver {
 public:
  // `state` must outlive the driver; `metrics` may be null.
  Driver(DeviceState* state, metrics::DriverMetrics* metrics, PrepareFailureHook on_failure);

  std::map<std::string, kubeletplugin::PrepareResult> PrepareResourceClaims(
      const std::vector<k8s::ResourceClaim>& claims) override;
  std::map<std::string, absl::Status> UnprepareResourceClaims(
      const std::vector<kubeletplugin::ClaimRef>& claims) override;

 private:
  void SyncPreparedGauge();

  DeviceState* state_;
  metrics::DriverMetrics* metrics_;
  PrepareFailureHook on_failure_;
};

}  // namespace gpu

#endif  // DRA_GPU_DRIVER_H_

// sharing.h: accessors for the sharing settings a validated config selects
// (the reference's GetTimeSlicingConfig / GetMpsConfig, with their error
// texts), and the guard the plugins use while sharing is not implemented.
//
// Used by the GPU kubelet plugin's Prepare path. Pure; thread-safe.
#ifndef DRA_CONFIG_SHARING_H_
#define DRA_CONFIG_SHARING_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/types.h"

namespace config {

// The time-slicing settings of a TimeSlicing GpuSharing (nullptr when none
// are set). FailedPrecondition texts:
//   "no sharing set to get config from"             (sharing == nullptr)
//   "strategy is not set to 'TimeSlicing'"
//   "cannot use MpsConfig with the 'TimeSlicing' strategy"
// The pointer refers into *sharing.
absl::StatusOr<const TimeSlicingConfig*> GetTimeSlicingConfig(
    const GpuSharing* sharing);

// The MPS settings of an MPS GpuSharing / MigDeviceSharing (nullptr when
// none are set). Texts as above with 'MPS', plus for GPUs
//   "cannot use TimeSlicingConfig with the 'MPS' strategy".
absl::StatusOr<const MpsConfig*> GetMpsConfig(const GpuSharing* sharing);
absl::StatusOr<const MpsConfig*> GetMpsConfig(const MigDeviceSharing* sharing);

// OK when `config` (normalised and validated) asks for no GPU sharing.
// Otherwise Unimplemented, e.g.
//   "GPU sharing strategy TimeSlicing is not supported by this driver version yet"
// so Prepare fails loudly instead of silently handing out unshared devices.
// Note: with TimeSlicingSettings on, the *default* GpuConfig and
// MigDeviceConfig select TimeSlicing too, so every Prepare fails; main()
// should rather refuse the gate until sharing is implemented.
absl::Status SharingNotSupportedYet(const AnyConfig& config);

}  // namespace config

#endif  // DRA_CONFIG_SHARING_H_

// normalize.h: the reference's per-kind defaults (Default*Config) and
// Normalize() (fill implied defaults, honouring feature gates), plus the
// MPS pinned-memory-limit normalisation (MpsPerDevicePinnedMemoryLimit
// .Normalize) with its exact error texts.
//
// Used by selection (defaults), the kubelet plugins (Normalize before
// Validate, pinned limits when starting MPS) and the webhook. Pure
// functions; thread-safe.
#ifndef DRA_CONFIG_NORMALIZE_H_
#define DRA_CONFIG_NORMALIZE_H_

#include <map>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/feature_gates.h"
#include "config/types.h"

namespace config {

// Defaults, as the reference's Default*Config():
//   GpuConfig: with TimeSlicingSettings, sharing {TimeSlicing, interval
//     Default}; otherwise no sharing.
//   MigDeviceConfig: with TimeSlicingSettings, sharing {TimeSlicing}.
//   VfioDeviceConfig: only with PassthroughSupport (nullopt otherwise):
//     iommu {LegacyOnly, enableAPIDevice false}.
//   ComputeDomain channel / daemon: empty domainID.
GpuConfig DefaultGpuConfig(const FeatureGates& gates);
MigDeviceConfig DefaultMigDeviceConfig(const FeatureGates& gates);
std::optional<VfioDeviceConfig> DefaultVfioDeviceConfig(
    const FeatureGates& gates);
ComputeDomainChannelConfig DefaultComputeDomainChannelConfig();
ComputeDomainDaemonConfig DefaultComputeDomainDaemonConfig();

// Normalize (never fails for these kinds):
//   GpuConfig / MigDeviceConfig: no sharing + TimeSlicingSettings -> strategy
//     TimeSlicing; GPU TimeSlicing without timeSlicingConfig (gate on) ->
//     interval Default; MPS without mpsConfig (MPSSupport on) -> empty
//     MpsConfig.
//   VfioDeviceConfig: missing iommu / empty backendPolicy / missing
//     enableAPIDevice -> LegacyOnly / false.
//   ComputeDomain configs: no-op.
void Normalize(GpuConfig* c, const FeatureGates& gates);
void Normalize(MigDeviceConfig* c, const FeatureGates& gates);
void Normalize(VfioDeviceConfig* c);

// Dispatches on the kind. A NonConfigObject gives FailedPrecondition
// "runtime object is not a recognized configuration" (the reference's text
// for objects that decode but are not device configs).
absl::Status Normalize(AnyConfig* c, const FeatureGates& gates);

// Sentinel texts that MPS pinned-limit errors start with.
inline constexpr char kErrInvalidDeviceSelector[] = "invalid device";
inline constexpr char kErrInvalidLimit[] = "invalid limit";

// Turns the MPS limits into uuid -> "<N>M" (N = bytes / 1024 / 1024, so
// 2Gi -> 2048M, 10Mi -> 10M, 10M -> 9M, 1G -> 953M). `default_limit`
// applies to every uuid (ignored when `uuids` is empty); `per_device`
// entries override it, keyed by exact uuid or by index into `uuids`.
// InvalidArgument texts:
//   "invalid device: unable to parse key as an integer: <key>"
//   "invalid device: invalid device index: <index>"
//   "invalid limit: default value set too low: <quantity>"
//   "invalid limit: value set too low: <key>: <quantity>"
// Per-device entries are processed in key order (the reference's order is
// Go's random map order, so which bad key is reported may differ). The
// quantities are printed as their strings (the reference prints Go struct
// dumps there).
absl::StatusOr<std::map<std::string, std::string>> NormalizePinnedMemoryLimits(
    const std::map<std::string, std::string>& per_device,
    std::span<const std::string> uuids,
    const std::optional<std::string>& default_limit);

}  // namespace config

#endif  // DRA_CONFIG_NORMALIZE_H_

// validate.h: the reference's Validate() for every config kind, honouring
// feature gates, with its exact error texts. Call after Normalize (as the
// reference does); where the reference would dereference a nil pointer on
// un-normalised input, we return an error or treat it as unset instead
// (documented per function).
//
// Used by the kubelet plugins (Prepare) and the admission webhook. Pure
// functions; thread-safe. All errors are InvalidArgument.
#ifndef DRA_CONFIG_VALIDATE_H_
#define DRA_CONFIG_VALIDATE_H_

#include <string_view>

#include "absl/status/status.h"
#include "config/feature_gates.h"
#include "config/types.h"

namespace config {

// A strategy must be known and its gate enabled:
//   "\"TimeSlicing\" is selected as the GPU sharing strategy, but the
//    \"TimeSlicingSettings\" feature gate is not enabled"   (same for MPS /
//    MPSSupport)
//   "unknown GPU sharing strategy: <s>, supported GPU sharing strategies:
//    TimeSlicing, MPS"
absl::Status ValidateSharingStrategy(std::string_view strategy,
                                     const FeatureGates& gates);

// "unknown time-slice interval: <v>, supported time-slice intervals:
//  Default, Short, Medium, Long". A timeSlicingConfig without an interval
// (the reference panics) gives "time-slice interval must be set, supported
// time-slice intervals: Default, Short, Medium, Long".
absl::Status ValidateTimeSlicingConfig(const TimeSlicingConfig& c);

// "active thread percentage must not be negative" /
// "active thread percentage must not be greater than 100".
absl::Status ValidateMpsConfig(const MpsConfig& c);

// Strategy, then the strategy's settings (a missing settings object, which
// Normalize fills, is accepted).
absl::Status ValidateGpuSharing(const GpuSharing& s, const FeatureGates& gates);
absl::Status ValidateMigDeviceSharing(const MigDeviceSharing& s,
                                      const FeatureGates& gates);

// "unknown IOMMU backend policy: <p>, supported IOMMU backend policies:
//  LegacyOnly, PreferIommuFD".
absl::Status ValidateIommuConfig(const IommuConfig& c);

absl::Status Validate(const GpuConfig& c, const FeatureGates& gates);
absl::Status Validate(const MigDeviceConfig& c, const FeatureGates& gates);
absl::Status Validate(const VfioDeviceConfig& c);
// "domainID cannot be empty".
absl::Status Validate(const ComputeDomainChannelConfig& c);
absl::Status Validate(const ComputeDomainDaemonConfig& c);

// Dispatches on the kind; a NonConfigObject gives FailedPrecondition
// "runtime object is not a recognized configuration".
absl::Status Validate(const AnyConfig& c, const FeatureGates& gates);

}  // namespace config

#endif  // DRA_CONFIG_VALIDATE_H_

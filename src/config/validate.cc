// validate.cc: see validate.h.
#include "config/validate.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/go_format.h"

namespace config {
namespace {

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

constexpr char kSupportedIntervals[] =
    ", supported time-slice intervals: Default, Short, Medium, Long";

absl::Status GateError(const char* strategy, Feature gate) {
  return absl::InvalidArgumentError(absl::StrCat(
      GoQuote(strategy), " is selected as the GPU sharing strategy, but the ",
      GoQuote(FeatureName(gate)), " feature gate is not enabled"));
}

}  // namespace

absl::Status ValidateSharingStrategy(std::string_view strategy,
                                     const FeatureGates& gates) {
  if (strategy == kTimeSlicingStrategy) {
    if (gates.Enabled(Feature::kTimeSlicingSettings)) return absl::OkStatus();
    return GateError(kTimeSlicingStrategy, Feature::kTimeSlicingSettings);
  }
  if (strategy == kMpsStrategy) {
    if (gates.Enabled(Feature::kMPSSupport)) return absl::OkStatus();
    return GateError(kMpsStrategy, Feature::kMPSSupport);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown GPU sharing strategy: ", AV(strategy),
      ", supported GPU sharing strategies: ", kTimeSlicingStrategy, ", ",
      kMpsStrategy));
}

absl::Status ValidateTimeSlicingConfig(const TimeSlicingConfig& c) {
  if (!c.interval.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("time-slice interval must be set", kSupportedIntervals));
  }
  if (TimeSliceIntervalInt(*c.interval) >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown time-slice interval: ", *c.interval, kSupportedIntervals));
}

absl::Status ValidateMpsConfig(const MpsConfig& c) {
  if (c.default_active_thread_percentage.has_value()) {
    if (*c.default_active_thread_percentage < 0) {
      return absl::InvalidArgumentError(
          "active thread percentage must not be negative");
    }
    if (*c.default_active_thread_percentage > 100) {
      return absl::InvalidArgumentError(
          "active thread percentage must not be greater than 100");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateGpuSharing(const GpuSharing& s,
                                const FeatureGates& gates) {
  if (absl::Status st = ValidateSharingStrategy(s.strategy, gates); !st.ok()) {
    return st;
  }
  if (gates.Enabled(Feature::kTimeSlicingSettings) &&
      s.strategy == kTimeSlicingStrategy) {
    if (!s.time_slicing_config.has_value()) return absl::OkStatus();
    return ValidateTimeSlicingConfig(*s.time_slicing_config);
  }
  if (gates.Enabled(Feature::kMPSSupport) && s.strategy == kMpsStrategy) {
    if (!s.mps_config.has_value()) return absl::OkStatus();
    return ValidateMpsConfig(*s.mps_config);
  }
  // Unreachable after a successful strategy check; kept for parity.
  return absl::InvalidArgumentError(
      absl::StrCat("invalid GPU sharing settings: &{", s.strategy, "}"));
}

absl::Status ValidateMigDeviceSharing(const MigDeviceSharing& s,
                                      const FeatureGates& gates) {
  if (absl::Status st = ValidateSharingStrategy(s.strategy, gates); !st.ok()) {
    return st;
  }
  if (gates.Enabled(Feature::kTimeSlicingSettings) &&
      s.strategy == kTimeSlicingStrategy) {
    return absl::OkStatus();
  }
  if (gates.Enabled(Feature::kMPSSupport) && s.strategy == kMpsStrategy) {
    if (!s.mps_config.has_value()) return absl::OkStatus();
    return ValidateMpsConfig(*s.mps_config);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid MIG device sharing settings: &{", s.strategy, "}"));
}

absl::Status ValidateIommuConfig(const IommuConfig& c) {
  if (c.backend_policy == kIommuBackendPolicyLegacyOnly ||
      c.backend_policy == kIommuBackendPolicyPreferIommuFD) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown IOMMU backend policy: ", c.backend_policy,
      ", supported IOMMU backend policies: ", kIommuBackendPolicyLegacyOnly,
      ", ", kIommuBackendPolicyPreferIommuFD));
}

absl::Status Validate(const GpuConfig& c, const FeatureGates& gates) {
  if (!c.sharing.has_value()) return absl::OkStatus();
  return ValidateGpuSharing(*c.sharing, gates);
}

absl::Status Validate(const MigDeviceConfig& c, const FeatureGates& gates) {
  if (!c.sharing.has_value()) return absl::OkStatus();
  return ValidateMigDeviceSharing(*c.sharing, gates);
}

absl::Status Validate(const VfioDeviceConfig& c) {
  if (!c.iommu.has_value()) return absl::OkStatus();
  return ValidateIommuConfig(*c.iommu);
}

absl::Status Validate(const ComputeDomainChannelConfig& c) {
  if (c.domain_id.empty()) {
    return absl::InvalidArgumentError("domainID cannot be empty");
  }
  return absl::OkStatus();
}

absl::Status Validate(const ComputeDomainDaemonConfig& c) {
  if (c.domain_id.empty()) {
    return absl::InvalidArgumentError("domainID cannot be empty");
  }
  return absl::OkStatus();
}

absl::Status Validate(const AnyConfig& c, const FeatureGates& gates) {
  struct Visitor {
    const FeatureGates& gates;
    absl::Status operator()(const GpuConfig& x) const { return Validate(x, gates); }
    absl::Status operator()(const MigDeviceConfig& x) const {
      return Validate(x, gates);
    }
    absl::Status operator()(const VfioDeviceConfig& x) const { return Validate(x); }
    absl::Status operator()(const ComputeDomainChannelConfig& x) const {
      return Validate(x);
    }
    absl::Status operator()(const ComputeDomainDaemonConfig& x) const {
      return Validate(x);
    }
    absl::Status operator()(const NonConfigObject&) const {
      return absl::FailedPreconditionError(
          "runtime object is not a recognized configuration");
    }
  };
  return std::visit(Visitor{gates}, c);
}

}  // namespace config

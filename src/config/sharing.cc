// sharing.cc: see sharing.h.
#include "config/sharing.h"

#include <string>
#include <variant>

#include "absl/strings/str_cat.h"

namespace config {
namespace {

absl::Status NotSet(const char* strategy) {
  return absl::FailedPreconditionError(
      absl::StrCat("strategy is not set to '", strategy, "'"));
}

absl::Status NoSharing() {
  return absl::FailedPreconditionError("no sharing set to get config from");
}

}  // namespace

absl::StatusOr<const TimeSlicingConfig*> GetTimeSlicingConfig(
    const GpuSharing* sharing) {
  if (sharing == nullptr) return NoSharing();
  if (sharing->strategy != kTimeSlicingStrategy) {
    return NotSet(kTimeSlicingStrategy);
  }
  if (sharing->mps_config.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot use MpsConfig with the '", kTimeSlicingStrategy, "' strategy"));
  }
  return sharing->time_slicing_config.has_value()
             ? &*sharing->time_slicing_config
             : nullptr;
}

absl::StatusOr<const MpsConfig*> GetMpsConfig(const GpuSharing* sharing) {
  if (sharing == nullptr) return NoSharing();
  if (sharing->strategy != kMpsStrategy) return NotSet(kMpsStrategy);
  if (sharing->time_slicing_config.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot use TimeSlicingConfig with the '", kMpsStrategy, "' strategy"));
  }
  return sharing->mps_config.has_value() ? &*sharing->mps_config : nullptr;
}

absl::StatusOr<const MpsConfig*> GetMpsConfig(const MigDeviceSharing* sharing) {
  if (sharing == nullptr) return NoSharing();
  if (sharing->strategy != kMpsStrategy) return NotSet(kMpsStrategy);
  return sharing->mps_config.has_value() ? &*sharing->mps_config : nullptr;
}

absl::Status SharingNotSupportedYet(const AnyConfig& config) {
  const std::string* strategy = nullptr;
  if (const auto* g = std::get_if<GpuConfig>(&config)) {
    if (g->sharing.has_value()) strategy = &g->sharing->strategy;
  } else if (const auto* m = std::get_if<MigDeviceConfig>(&config)) {
    if (m->sharing.has_value()) strategy = &m->sharing->strategy;
  }
  if (strategy == nullptr) return absl::OkStatus();
  return absl::UnimplementedError(
      absl::StrCat("GPU sharing strategy ", *strategy,
                   " is not supported by this driver version yet"));
}

}  // namespace config

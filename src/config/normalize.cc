// normalize.cc: see normalize.h.
#include "config/normalize.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "absl/strings/str_cat.h"
#include "config/quantity_bytes.h"

namespace config {
namespace {

// "<N>M" and whether N > 0 (the reference's limit.Megabyte()). A quantity
// that does not parse counts as too low.
std::optional<std::string> Megabytes(const std::string& quantity) {
  absl::StatusOr<int64_t> bytes = QuantityValue(quantity);
  if (!bytes.ok()) return std::nullopt;
  const int64_t mib = *bytes / 1024 / 1024;
  if (mib <= 0) return std::nullopt;
  return absl::StrCat(mib, "M");
}

// Go's strconv.Atoi: optional sign, decimal digits, int64 range.
std::optional<int64_t> GoAtoi(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i == s.size()) return std::nullopt;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  }
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

GpuConfig DefaultGpuConfig(const FeatureGates& gates) {
  GpuConfig c;
  if (gates.Enabled(Feature::kTimeSlicingSettings)) {
    c.sharing = GpuSharing{kTimeSlicingStrategy,
                           TimeSlicingConfig{kDefaultTimeSlice}, std::nullopt};
  }
  return c;
}

MigDeviceConfig DefaultMigDeviceConfig(const FeatureGates& gates) {
  MigDeviceConfig c;
  if (gates.Enabled(Feature::kTimeSlicingSettings)) {
    c.sharing = MigDeviceSharing{kTimeSlicingStrategy, std::nullopt};
  }
  return c;
}

std::optional<VfioDeviceConfig> DefaultVfioDeviceConfig(
    const FeatureGates& gates) {
  if (!gates.Enabled(Feature::kPassthroughSupport)) return std::nullopt;
  return VfioDeviceConfig{IommuConfig{kIommuBackendPolicyLegacyOnly, false}};
}

ComputeDomainChannelConfig DefaultComputeDomainChannelConfig() { return {}; }
ComputeDomainDaemonConfig DefaultComputeDomainDaemonConfig() { return {}; }

void Normalize(GpuConfig* c, const FeatureGates& gates) {
  const bool ts = gates.Enabled(Feature::kTimeSlicingSettings);
  if (!c->sharing.has_value()) {
    if (!ts) return;
    c->sharing = GpuSharing{kTimeSlicingStrategy, std::nullopt, std::nullopt};
  }
  GpuSharing& s = *c->sharing;
  if (ts && s.strategy == kTimeSlicingStrategy &&
      !s.time_slicing_config.has_value()) {
    s.time_slicing_config = TimeSlicingConfig{kDefaultTimeSlice};
  }
  if (gates.Enabled(Feature::kMPSSupport) && s.strategy == kMpsStrategy &&
      !s.mps_config.has_value()) {
    s.mps_config = MpsConfig{};
  }
}

void Normalize(MigDeviceConfig* c, const FeatureGates& gates) {
  if (!c->sharing.has_value()) {
    if (!gates.Enabled(Feature::kTimeSlicingSettings)) return;
    c->sharing = MigDeviceSharing{kTimeSlicingStrategy, std::nullopt};
  }
  MigDeviceSharing& s = *c->sharing;
  if (gates.Enabled(Feature::kMPSSupport) && s.strategy == kMpsStrategy &&
      !s.mps_config.has_value()) {
    s.mps_config = MpsConfig{};
  }
}

void Normalize(VfioDeviceConfig* c) {
  if (!c->iommu.has_value()) {
    c->iommu = IommuConfig{kIommuBackendPolicyLegacyOnly, false};
    return;
  }
  if (c->iommu->backend_policy.empty()) {
    c->iommu->backend_policy = kIommuBackendPolicyLegacyOnly;
  }
  if (!c->iommu->enable_api_device.has_value()) {
    c->iommu->enable_api_device = false;
  }
}

absl::Status Normalize(AnyConfig* c, const FeatureGates& gates) {
  if (auto* g = std::get_if<GpuConfig>(c)) {
    Normalize(g, gates);
  } else if (auto* m = std::get_if<MigDeviceConfig>(c)) {
    Normalize(m, gates);
  } else if (auto* v = std::get_if<VfioDeviceConfig>(c)) {
    Normalize(v);
  } else if (std::holds_alternative<NonConfigObject>(*c)) {
    return absl::FailedPreconditionError(
        "runtime object is not a recognized configuration");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> NormalizePinnedMemoryLimits(
    const std::map<std::string, std::string>& per_device,
    std::span<const std::string> uuids,
    const std::optional<std::string>& default_limit) {
  std::map<std::string, std::string> limits;
  if (default_limit.has_value() && !uuids.empty()) {
    std::optional<std::string> mb = Megabytes(*default_limit);
    if (!mb.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kErrInvalidLimit, ": default value set too low: ", *default_limit));
    }
    for (const std::string& uuid : uuids) limits[uuid] = *mb;
  }
  for (const auto& [key, quantity] : per_device) {
    std::string uuid;
    bool is_uuid = false;
    for (const std::string& u : uuids) is_uuid |= (u == key);
    if (is_uuid) {
      uuid = key;
    } else {
      std::optional<int64_t> index = GoAtoi(key);
      if (!index.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat(kErrInvalidDeviceSelector,
                         ": unable to parse key as an integer: ", key));
      }
      if (*index < 0 || *index >= static_cast<int64_t>(uuids.size())) {
        return absl::InvalidArgumentError(absl::StrCat(
            kErrInvalidDeviceSelector, ": invalid device index: ", *index));
      }
      uuid = uuids[*index];
    }
    std::optional<std::string> mb = Megabytes(quantity);
    if (!mb.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kErrInvalidLimit, ": value set too low: ", key, ": ", quantity));
    }
    limits[uuid] = *mb;
  }
  return limits;
}

}  // namespace config

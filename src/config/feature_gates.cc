// feature_gates.cc: see feature_gates.h.
#include "config/feature_gates.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "config/go_format.h"

namespace config {
namespace {

constexpr FeatureSpec kSpecs[] = {
    {Feature::kTimeSlicingSettings, "TimeSlicingSettings", false, Stage::kAlpha, "0.2"},
    {Feature::kMPSSupport, "MPSSupport", false, Stage::kAlpha, "0.2"},
    {Feature::kIMEXDaemonsWithDNSNames, "IMEXDaemonsWithDNSNames", true, Stage::kBeta, "0.2"},
    {Feature::kPassthroughSupport, "PassthroughSupport", false, Stage::kAlpha, "0.3"},
    {Feature::kDynamicMIG, "DynamicMIG", false, Stage::kAlpha, "0.3"},
    {Feature::kNVMLDeviceHealthCheck, "NVMLDeviceHealthCheck", false, Stage::kAlpha, "0.3"},
    {Feature::kComputeDomainCliques, "ComputeDomainCliques", true, Stage::kBeta, "0.3"},
    {Feature::kCrashOnNVLinkFabricErrors, "CrashOnNVLinkFabricErrors", true, Stage::kBeta, "0.3"},
    {Feature::kDeviceMetadata, "DeviceMetadata", false, Stage::kAlpha, "0.4"},
    {Feature::kContextualLogging, "ContextualLogging", true, Stage::kBeta, "1.30"},
    {Feature::kLoggingAlphaOptions, "LoggingAlphaOptions", false, Stage::kAlpha, "1.24"},
    {Feature::kLoggingBetaOptions, "LoggingBetaOptions", true, Stage::kBeta, "1.24"},
    {Feature::kAllAlpha, "AllAlpha", false, Stage::kAlpha, "0.0"},
    {Feature::kAllBeta, "AllBeta", false, Stage::kBeta, "0.0"},
};

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

const FeatureSpec& SpecOf(Feature f) { return kSpecs[static_cast<int>(f)]; }

// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view v) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (v == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (v == f) return false;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  // Go's strings.TrimSpace for ASCII whitespace.
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

}  // namespace

std::span<const FeatureSpec> AllFeatureSpecs() { return kSpecs; }

std::string_view FeatureName(Feature f) { return SpecOf(f).name; }

std::optional<Feature> FeatureByName(std::string_view name) {
  for (const FeatureSpec& s : kSpecs) {
    if (name == s.name) return s.feature;
  }
  return std::nullopt;
}

bool FeatureGates::Enabled(Feature f) const {
  if (auto it = explicit_.find(f); it != explicit_.end()) return it->second;
  const FeatureSpec& spec = SpecOf(f);
  if (f != Feature::kAllAlpha && f != Feature::kAllBeta) {
    const Feature all =
        spec.stage == Stage::kAlpha ? Feature::kAllAlpha : Feature::kAllBeta;
    if (auto it = explicit_.find(all); it != explicit_.end()) return it->second;
  }
  return spec.default_value;
}

absl::Status FeatureGates::Set(std::string_view flag_value) {
  // Parse everything first (syntax errors win), then resolve names, as
  // component-base's Set() followed by SetFromMap() does.
  std::vector<std::pair<std::string, bool>> parsed;
  for (absl::string_view item_view :
       absl::StrSplit(absl::string_view(flag_value.data(), flag_value.size()),
                      ',')) {
    std::string_view item(item_view.data(), item_view.size());
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string key(Trim(item.substr(0, eq)));
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing bool value for ", key));
    }
    const std::string value(Trim(item.substr(eq + 1)));
    std::optional<bool> b = ParseGoBool(value);
    if (!b.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid value of ", key, "=", value,
          ", err: strconv.ParseBool: parsing ", GoQuote(value),
          ": invalid syntax"));
    }
    parsed.emplace_back(key, *b);
  }
  std::vector<std::pair<Feature, bool>> updates;
  for (const auto& [key, b] : parsed) {
    std::optional<Feature> f = FeatureByName(key);
    if (!f.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unrecognized feature gate: ", key));
    }
    updates.emplace_back(*f, b);
  }
  for (const auto& [f, b] : updates) explicit_[f] = b;
  return absl::OkStatus();
}

std::map<std::string, bool> FeatureGates::ToMap() const {
  std::map<std::string, bool> out;
  for (const FeatureSpec& s : kSpecs) out[s.name] = Enabled(s.feature);
  return out;
}

std::string FeatureGates::String() const {
  std::map<std::string, bool> set;
  for (const auto& [f, b] : explicit_) set[std::string(FeatureName(f))] = b;
  std::vector<std::string> pairs;
  for (const auto& [k, b] : set) {
    pairs.push_back(absl::StrCat(k, "=", b ? "true" : "false"));
  }
  return absl::StrJoin(pairs, ",");
}

absl::Status FeatureGates::Validate() const {
  auto requires_ = [&](Feature f, Feature dep) -> absl::Status {
    if (Enabled(f) && !Enabled(dep)) {
      return absl::FailedPreconditionError(
          absl::StrCat("feature gate ", AV(FeatureName(f)), " requires ",
                       AV(FeatureName(dep)), " to also be enabled"));
    }
    return absl::OkStatus();
  };
  auto exclusive = [&](Feature a, Feature b) -> absl::Status {
    if (Enabled(a) && Enabled(b)) {
      return absl::FailedPreconditionError(
          absl::StrCat("feature gate ", AV(FeatureName(a)),
                       " is currently mutually exclusive with ",
                       AV(FeatureName(b))));
    }
    return absl::OkStatus();
  };
  for (absl::Status s : {
           requires_(Feature::kComputeDomainCliques,
                     Feature::kIMEXDaemonsWithDNSNames),
           exclusive(Feature::kDynamicMIG, Feature::kPassthroughSupport),
           exclusive(Feature::kDynamicMIG, Feature::kNVMLDeviceHealthCheck),
           exclusive(Feature::kDynamicMIG, Feature::kMPSSupport),
           exclusive(Feature::kPassthroughSupport,
                     Feature::kNVMLDeviceHealthCheck),
           requires_(Feature::kDeviceMetadata, Feature::kPassthroughSupport),
       }) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace config

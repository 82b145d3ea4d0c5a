// feature_gates.h: the driver's feature gates (the reference's
// pkg/featuregates): the gate table with defaults and stages, parsing of the
// `--feature-gates=A=true,B=false` flag with component-base's error texts,
// and the reference's dependency / mutual-exclusion rules
// (ValidateFeatureGates).
//
// Used by every binary's main() (flag parsing, FEATURE_GATES forwarding) and,
// as a `const FeatureGates&`, by config Normalize/Validate/selection. No
// global state: main() owns one instance and passes it down. A FeatureGates
// object is thread-compatible: const methods may be called concurrently;
// Set()/SetForTesting() need external synchronisation.
#ifndef DRA_CONFIG_FEATURE_GATES_H_
#define DRA_CONFIG_FEATURE_GATES_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace config {

enum class Feature {
  // Project gates.
  kTimeSlicingSettings,
  kMPSSupport,
  kIMEXDaemonsWithDNSNames,
  kPassthroughSupport,
  kDynamicMIG,
  kNVMLDeviceHealthCheck,
  kComputeDomainCliques,
  kCrashOnNVLinkFabricErrors,
  kDeviceMetadata,
  // Logging gates registered by component-base (accepted, not acted on).
  kContextualLogging,
  kLoggingAlphaOptions,
  kLoggingBetaOptions,
  // Built-in special gates: set every Alpha (Beta) gate that is not set
  // explicitly.
  kAllAlpha,
  kAllBeta,
};

enum class Stage { kAlpha, kBeta };

struct FeatureSpec {
  Feature feature;
  const char* name;    // flag spelling, e.g. "MPSSupport"
  bool default_value;  // ContextualLogging is forced to true, as upstream
  Stage stage;
  const char* since;   // driver version ("0.2"), or k8s version for logging
};

// The full table, in declaration order of Feature.
std::span<const FeatureSpec> AllFeatureSpecs();

// Flag spelling of `f`.
std::string_view FeatureName(Feature f);

// Looks a gate up by its exact (case-sensitive) name.
std::optional<Feature> FeatureByName(std::string_view name);

class FeatureGates {
 public:
  // All gates at their defaults.
  FeatureGates() = default;

  // Whether `f` is on: an explicit setting wins; otherwise AllAlpha/AllBeta
  // (when set) for gates of that stage; otherwise the default.
  bool Enabled(Feature f) const;

  // Parses and applies a `--feature-gates` value, "K1=V1,K2=V2" (empty
  // items skipped, whitespace around keys and values trimmed, values as Go's
  // strconv.ParseBool). Later settings of the same key win. All-or-nothing:
  // on error nothing changes. InvalidArgument texts, as component-base:
  //   "missing bool value for K"
  //   "invalid value of K=V, err: strconv.ParseBool: parsing \"V\": invalid syntax"
  //   "unrecognized feature gate: K"
  absl::Status Set(std::string_view flag_value);

  // Sets one gate (tests and callers that already have typed values).
  void SetForTesting(Feature f, bool enabled) { explicit_[f] = enabled; }

  // Every known gate -> its effective value (for the FEATURE_GATES
  // environment variable forwarded to daemon and MPS pods).
  std::map<std::string, bool> ToMap() const;

  // "K=V,..." of the explicitly set gates, sorted (component-base String()).
  std::string String() const;

  // The reference's ValidateFeatureGates rules, checked in its order.
  // FailedPrecondition with texts such as
  //   "feature gate ComputeDomainCliques requires IMEXDaemonsWithDNSNames to also be enabled"
  //   "feature gate DynamicMIG is currently mutually exclusive with PassthroughSupport"
  absl::Status Validate() const;

 private:
  std::map<Feature, bool> explicit_;
};

}  // namespace config

#endif  // DRA_CONFIG_FEATURE_GATES_H_

// selection.h: which opaque config applies to which allocated device of a
// claim (the reference's GetOpaqueDeviceConfigs plus the prepareDevices /
// getConfigResultsMap loops, identical in both kubelet plugins), over plain
// inputs so that it is testable without the API types:
//   1. split configs by source, FromClass first, then FromClaim; any other
//      source is an error;
//   2. a config without opaque parameters is an error;
//   3. configs for other drivers are skipped;
//   4. the rest are decoded;
//   5. defaults are prepended (GPU: VfioDeviceConfig if PassthroughSupport,
//      MigDeviceConfig, GpuConfig; ComputeDomain: daemon, channel);
//   6. for each of this driver's results, scan configs last to first: the
//      first one naming the result's request applies (a kind / device-type
//      mismatch is an error), else the first one with no requests whose kind
//      matches the device type;
//   7. results are grouped per config.
// Net effect: the last matching config wins; claim configs beat class ones.
//
// Used by the GPU and ComputeDomain kubelet plugins (Prepare, and Unprepare
// from checkpoint data with DecodeMode::kNonStrict). Pure; thread-safe.
#ifndef DRA_CONFIG_SELECTION_H_
#define DRA_CONFIG_SELECTION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/decode.h"
#include "config/feature_gates.h"
#include "config/types.h"

namespace config {

// resource.k8s.io AllocationConfigSource values.
inline constexpr char kConfigSourceClass[] = "FromClass";
inline constexpr char kConfigSourceClaim[] = "FromClaim";

// Device types the plugins use internally. "gpu", "mig" and "vfio" are the
// published type attribute values (devices/attributes.h); "migdyn" is the
// GPU plugin's internal type of a dynamic-MIG device (published as "mig"),
// "channel" and "daemon" are the ComputeDomain plugin's device types.
inline constexpr char kDeviceTypeMigDynamic[] = "migdyn";
inline constexpr char kDeviceTypeChannel[] = "channel";
inline constexpr char kDeviceTypeDaemon[] = "daemon";

// One entry of claim.status.allocation.devices.config.
struct ConfigEntry {
  std::string source;                 // "FromClass", "FromClaim", other
  std::vector<std::string> requests;  // empty: applies to all requests
  struct Opaque {
    std::string driver;
    std::string parameters;  // raw JSON
  };
  std::optional<Opaque> opaque;  // absent: a non-opaque (future) config
};

// One entry of claim.status.allocation.devices.results, plus the type the
// plugin resolved for the device (the plugin reports unknown devices
// itself, before calling SelectConfigs).
struct AllocationResult {
  std::string request;
  std::string driver;
  std::string pool;
  std::string device;
  std::string device_type;  // "gpu", "mig", "migdyn", "vfio", "channel", ...
  bool operator==(const AllocationResult&) const = default;
};

enum class PluginKind { kGpu, kComputeDomain };

struct SelectionOptions {
  PluginKind plugin = PluginKind::kGpu;
  std::string driver_name;                 // e.g. devices::kGpuDriverName
  DecodeMode mode = DecodeMode::kStrict;   // kNonStrict for checkpoint data
  // REQUIRES: non-null; outlives the call.
  const FeatureGates* gates = nullptr;
};

// A config and the results it applies to.
struct ConfigGroup {
  AnyConfig config;  // as decoded (or default); not yet normalised
  // Index into the input `configs`, or -1 for a default config.
  int source_index = -1;
  std::vector<AllocationResult> results;  // in input order
};

// Runs steps 1-7. Groups come in precedence order (defaults first, then
// class, then claim configs); configs that apply to no result are omitted.
// Errors (texts as the reference's prepareDevices / getConfigResultsMap
// return them; the CD plugin wraps them in "error generating
// configResultsMap: "):
//   FailedPrecondition "error getting opaque device configs: invalid config source: <s>"
//   FailedPrecondition "error getting opaque device configs: only opaque parameters are supported by this driver"
//   InvalidArgument    "error getting opaque device configs: error decoding config parameters: devices.config[<i>]: <decode error>"
//                      (the index is our addition; the CD plugin treats
//                      this code as a permanent error)
//   FailedPrecondition "cannot apply GpuConfig to device \"gpu-1\" of type \"mig\" (request: r0)"
//                      (same for MigDeviceConfig / VfioDeviceConfig)
//   FailedPrecondition "cannot apply ComputeDomainChannelConfig to request: r0"
//                      (same for ComputeDomainDaemonConfig)
//   FailedPrecondition "runtime object is not a recognized configuration"
//                      (a kind the plugin does not handle got results)
absl::StatusOr<std::vector<ConfigGroup>> SelectConfigs(
    const std::vector<ConfigEntry>& configs,
    const std::vector<AllocationResult>& results,
    const SelectionOptions& options);

}  // namespace config

#endif  // DRA_CONFIG_SELECTION_H_

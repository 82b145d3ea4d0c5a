// selection.cc: see selection.h.
#include "config/selection.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/go_format.h"
#include "config/normalize.h"
#include "devices/attributes.h"

namespace config {
namespace {

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

constexpr char kGetConfigsPrefix[] = "error getting opaque device configs: ";

struct Candidate {
  AnyConfig config;
  int source_index;
  std::vector<std::string> requests;
};

// Whether the plugin knows how to apply this kind at all.
bool Handles(PluginKind plugin, const AnyConfig& c) {
  if (plugin == PluginKind::kGpu) {
    return std::holds_alternative<GpuConfig>(c) ||
           std::holds_alternative<MigDeviceConfig>(c) ||
           std::holds_alternative<VfioDeviceConfig>(c);
  }
  return std::holds_alternative<ComputeDomainChannelConfig>(c) ||
         std::holds_alternative<ComputeDomainDaemonConfig>(c);
}

// Whether `c` may go to a device of `type`. Kinds the plugin does not
// check (e.g. a ComputeDomain config in the GPU plugin) match anything, as
// in the reference, and fail later.
bool TypeMatches(PluginKind plugin, const AnyConfig& c,
                 const std::string& type) {
  if (plugin == PluginKind::kGpu) {
    if (std::holds_alternative<GpuConfig>(c)) return type == devices::kTypeGpu;
    if (std::holds_alternative<MigDeviceConfig>(c)) {
      return type == devices::kTypeMig || type == kDeviceTypeMigDynamic;
    }
    if (std::holds_alternative<VfioDeviceConfig>(c)) {
      return type == devices::kTypeVfio;
    }
    return true;
  }
  if (std::holds_alternative<ComputeDomainChannelConfig>(c)) {
    return type == kDeviceTypeChannel;
  }
  if (std::holds_alternative<ComputeDomainDaemonConfig>(c)) {
    return type == kDeviceTypeDaemon;
  }
  return true;
}

absl::Status MismatchError(PluginKind plugin, const AnyConfig& c,
                           const AllocationResult& r) {
  if (plugin == PluginKind::kGpu) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot apply ", AV(KindOf(c)), " to device ", GoQuote(r.device),
        " of type ", GoQuote(r.device_type), " (request: ", r.request, ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot apply ", AV(KindOf(c)), " to request: ", r.request));
}

// Steps 1-4 (GetOpaqueDeviceConfigs).
absl::StatusOr<std::vector<Candidate>> DecodeConfigs(
    const std::vector<ConfigEntry>& configs, const SelectionOptions& options) {
  std::vector<int> order;
  for (int i = 0; i < static_cast<int>(configs.size()); ++i) {
    if (configs[i].source == kConfigSourceClass) order.push_back(i);
  }
  for (int i = 0; i < static_cast<int>(configs.size()); ++i) {
    const std::string& source = configs[i].source;
    if (source == kConfigSourceClaim) {
      order.push_back(i);
    } else if (source != kConfigSourceClass) {
      return absl::FailedPreconditionError(absl::StrCat(
          kGetConfigsPrefix, "invalid config source: ", source));
    }
  }
  std::vector<Candidate> out;
  for (int i : order) {
    const ConfigEntry& entry = configs[i];
    if (!entry.opaque.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          kGetConfigsPrefix,
          "only opaque parameters are supported by this driver"));
    }
    if (entry.opaque->driver != options.driver_name) continue;
    absl::StatusOr<AnyConfig> decoded =
        Decode(entry.opaque->parameters, options.mode);
    if (!decoded.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kGetConfigsPrefix, "error decoding config parameters: devices.config[",
          i, "]: ", decoded.status().message()));
    }
    out.push_back({*std::move(decoded), i, entry.requests});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ConfigGroup>> SelectConfigs(
    const std::vector<ConfigEntry>& configs,
    const std::vector<AllocationResult>& results,
    const SelectionOptions& options) {
  absl::StatusOr<std::vector<Candidate>> decoded =
      DecodeConfigs(configs, options);
  if (!decoded.ok()) return decoded.status();

  // Step 5: defaults first (lowest precedence), all with empty requests.
  std::vector<Candidate> candidates;
  if (options.plugin == PluginKind::kGpu) {
    if (std::optional<VfioDeviceConfig> vfio =
            DefaultVfioDeviceConfig(*options.gates)) {
      candidates.push_back({*vfio, -1, {}});
    }
    candidates.push_back({DefaultMigDeviceConfig(*options.gates), -1, {}});
    candidates.push_back({DefaultGpuConfig(*options.gates), -1, {}});
  } else {
    candidates.push_back({DefaultComputeDomainDaemonConfig(), -1, {}});
    candidates.push_back({DefaultComputeDomainChannelConfig(), -1, {}});
  }
  for (Candidate& c : *decoded) candidates.push_back(std::move(c));

  // Step 6: last match wins.
  std::map<size_t, std::vector<AllocationResult>> grouped;
  for (const AllocationResult& r : results) {
    if (r.driver != options.driver_name) continue;
    for (size_t k = candidates.size(); k-- > 0;) {
      const Candidate& c = candidates[k];
      const bool named = std::find(c.requests.begin(), c.requests.end(),
                                   r.request) != c.requests.end();
      if (named) {
        if (!TypeMatches(options.plugin, c.config, r.device_type)) {
          return MismatchError(options.plugin, c.config, r);
        }
        grouped[k].push_back(r);
        break;
      }
      if (c.requests.empty() &&
          TypeMatches(options.plugin, c.config, r.device_type)) {
        grouped[k].push_back(r);
        break;
      }
    }
  }

  // Step 7: one group per config, in precedence order.
  std::vector<ConfigGroup> groups;
  for (auto& [k, rs] : grouped) {
    if (!Handles(options.plugin, candidates[k].config)) {
      return absl::FailedPreconditionError(
          "runtime object is not a recognized configuration");
    }
    groups.push_back(
        {std::move(candidates[k].config), candidates[k].source_index,
         std::move(rs)});
  }
  return groups;
}

}  // namespace config

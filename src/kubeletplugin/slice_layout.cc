#include "kubeletplugin/slice_layout.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "devices/json.h"

namespace kubeletplugin {
namespace {

absl::Status CheckCounters(const std::vector<devices::Device>& devs,
                           const std::vector<k8s::CounterSet>& counters) {
  std::map<std::string, const k8s::CounterSet*> sets;
  for (const k8s::CounterSet& cs : counters) {
    if (cs.name.empty()) return absl::InvalidArgumentError("counter set with an empty name");
    if (!sets.emplace(cs.name, &cs).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate counter set name \"", cs.name,
                                                     "\""));
    }
  }
  for (const devices::Device& d : devs) {
    auto it = d.extra.find("consumesCounters");
    if (it == d.extra.end() || !it->is_array()) continue;
    for (const nlohmann::json& use : *it) {
      std::string set = use.is_object() ? use.value("counterSet", "") : "";
      auto s = sets.find(set);
      if (s == sets.end()) {
        return absl::InvalidArgumentError(absl::StrCat("device \"", d.name,
                                                       "\" consumes counters of unknown set \"",
                                                       set, "\""));
      }
      const nlohmann::json& used = use.value("counters", nlohmann::json::object());
      if (!used.is_object()) continue;
      for (const auto& [name, v] : used.items()) {
        (void)v;
        if (!s->second->counters.contains(name)) {
          return absl::InvalidArgumentError(absl::StrCat("device \"", d.name,
                                                         "\" consumes unknown counter \"", name,
                                                         "\" of set \"", set, "\""));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool UsesAdvancedFeatures(const devices::Device& d) {
  for (const char* f : {"taints", "consumesCounters", "attributes"}) {
    auto it = d.extra.find(f);
    if (it != d.extra.end() && !it->is_null() && !it->empty()) return true;
  }
  return false;
}

int DeviceLimit(const std::vector<devices::Device>& devs, int override_max) {
  if (override_max > 0) return override_max;
  for (const devices::Device& d : devs) {
    if (UsesAdvancedFeatures(d)) return kMaxDevicesPerSliceAdvanced;
  }
  return kMaxDevicesPerSlice;
}

absl::StatusOr<std::vector<DesiredSlice>> LayoutSlices(std::vector<devices::Device> devs,
                                                       std::vector<k8s::CounterSet> counters,
                                                       int max_devices_per_slice) {
  std::sort(devs.begin(), devs.end(),
            [](const devices::Device& a, const devices::Device& b) { return a.name < b.name; });
  for (size_t i = 0; i < devs.size(); ++i) {
    if (devs[i].name.empty()) return absl::InvalidArgumentError("device with an empty name");
    if (i > 0 && devs[i].name == devs[i - 1].name) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate device name \"", devs[i].name,
                                                     "\""));
    }
  }
  if (absl::Status s = CheckCounters(devs, counters); !s.ok()) return s;
  std::sort(counters.begin(), counters.end(),
            [](const k8s::CounterSet& a, const k8s::CounterSet& b) { return a.name < b.name; });

  std::vector<DesiredSlice> out;
  for (size_t i = 0; i < counters.size(); i += kMaxCounterSetsPerSlice) {
    DesiredSlice s;
    size_t end = std::min(counters.size(), i + kMaxCounterSetsPerSlice);
    s.shared_counters.assign(counters.begin() + i, counters.begin() + end);
    out.push_back(std::move(s));
  }
  const size_t limit = static_cast<size_t>(DeviceLimit(devs, max_devices_per_slice));
  for (size_t i = 0; i < devs.size(); i += limit) {
    DesiredSlice s;
    size_t end = std::min(devs.size(), i + limit);
    s.devices.assign(std::make_move_iterator(devs.begin() + i),
                     std::make_move_iterator(devs.begin() + end));
    out.push_back(std::move(s));
  }
  if (out.empty()) out.emplace_back();
  return out;
}

k8s::ResourceSliceSpec MakeSliceSpec(const DesiredSlice& content, const std::string& driver,
                                     const std::string& node, const k8s::ResourcePool& pool) {
  k8s::ResourceSliceSpec spec;
  spec.driver = driver;
  spec.pool = pool;
  spec.node_name = node;
  spec.devices = content.devices;
  spec.shared_counters = content.shared_counters;
  return spec;
}

DesiredSlice ContentOf(const k8s::ResourceSliceSpec& spec) {
  return {spec.devices, spec.shared_counters};
}

bool HasForeignPlacement(const k8s::ResourceSliceSpec& spec) {
  return !spec.node_selector.is_null() || spec.all_nodes.has_value() ||
         spec.per_device_node_selection.has_value();
}

std::string ContentKey(const DesiredSlice& content) {
  nlohmann::json j = nlohmann::json::array();
  for (const devices::Device& d : content.devices) j.push_back(devices::DeviceToJson(d));
  nlohmann::json c = nlohmann::json::array();
  for (const k8s::CounterSet& cs : content.shared_counters) {
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [name, q] : cs.counters) m[name] = q.ToString();
    c.push_back({{"name", cs.name}, {"counters", m}});
  }
  return nlohmann::json{{"devices", j}, {"counters", c}}.dump();
}

}  // namespace kubeletplugin

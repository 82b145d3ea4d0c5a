#include "gpu/prepared.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "devices/attributes.h"

namespace gpu {
namespace {

using json = nlohmann::ordered_json;

json EncodeDevice(const kubeletplugin::PreparedDevice& d) {
  return json{{"Requests", d.request_names},
              {"PoolName", d.pool_name},
              {"DeviceName", d.device_name},
              {"CDIDeviceIDs", d.cdi_device_ids}};
}

absl::StatusOr<kubeletplugin::PreparedDevice> DecodeDevice(const json& j,
                                                           const std::string& where) {
  if (!j.is_object()) return absl::InvalidArgumentError(absl::StrCat(where, ": not an object"));
  kubeletplugin::PreparedDevice d;
  try {
    if (j.contains("Requests") && !j["Requests"].is_null())
      d.request_names = j["Requests"].get<std::vector<std::string>>();
    d.pool_name = j.value("PoolName", "");
    d.device_name = j.value("DeviceName", "");
    if (j.contains("CDIDeviceIDs") && !j["CDIDeviceIDs"].is_null())
      d.cdi_device_ids = j["CDIDeviceIDs"].get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", e.what()));
  }
  if (d.device_name.empty())
    return absl::InvalidArgumentError(absl::StrCat(where, ": DeviceName is empty"));
  return d;
}

}  // namespace

json EncodePreparedDevices(const std::vector<PreparedEntry>& entries) {
  json devs = json::array();
  for (const auto& e : entries) {
    if (e.device.type == devices::kTypeMig) {
      devs.push_back({{"mig",
                       {{"concrete",
                         {{"parentMinor", e.device.minor},
                          {"giId", e.device.gi_id},
                          {"ciId", e.device.ci_id},
                          {"migUUID", e.device.uuid},
                          {"parentUUID", e.device.parent_uuid},
                          {"parentPCIBusID", e.device.pci_bus_id}}},
                        {"device", EncodeDevice(e.result)}}}});
    } else {
      devs.push_back({{"gpu",
                       {{"info", {{"uuid", e.device.uuid}, {"minor", e.device.minor},
                                  {"pciBusID", e.device.pci_bus_id}}},
                        {"device", EncodeDevice(e.result)}}}});
    }
  }
  return json::array({json{{"devices", devs}, {"configState", json::object()}}});
}

absl::StatusOr<std::vector<PreparedEntry>> DecodePreparedDevices(const json& groups) {
  if (!groups.is_array())
    return absl::InvalidArgumentError("preparedDevices: not an array");
  std::vector<PreparedEntry> out;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::string gw = absl::StrCat("preparedDevices[", g, "]");
    const json& group = groups[g];
    if (!group.is_object() || !group.contains("devices") || !group["devices"].is_array())
      return absl::InvalidArgumentError(absl::StrCat(gw, ": no devices array"));
    const json& devs = group["devices"];
    for (size_t i = 0; i < devs.size(); ++i) {
      std::string where = absl::StrCat(gw, ".devices[", i, "]");
      const json& d = devs[i];
      PreparedEntry e;
      try {
        if (d.is_object() && d.contains("gpu") && d["gpu"].is_object()) {
          const json& info = d["gpu"].value("info", json::object());
          e.device.type = devices::kTypeGpu;
          e.device.uuid = info.value("uuid", "");
          e.device.minor = info.value("minor", 0u);
          e.device.pci_bus_id = info.value("pciBusID", "");
          auto r = DecodeDevice(d["gpu"].value("device", json()), where + ".gpu.device");
          if (!r.ok()) return r.status();
          e.result = *r;
        } else if (d.is_object() && d.contains("mig") && d["mig"].is_object()) {
          const json& c = d["mig"].value("concrete", json::object());
          e.device.type = devices::kTypeMig;
          e.device.minor = c.value("parentMinor", 0u);
          e.device.gi_id = c.value("giId", 0u);
          e.device.ci_id = c.value("ciId", 0u);
          e.device.uuid = c.value("migUUID", "");
          e.device.parent_uuid = c.value("parentUUID", "");
          e.device.pci_bus_id = c.value("parentPCIBusID", "");
          auto r = DecodeDevice(d["mig"].value("device", json()), where + ".mig.device");
          if (!r.ok()) return r.status();
          e.result = *r;
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": neither a gpu nor a mig device"));
        }
      } catch (const json::exception& ex) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", ex.what()));
      }
      e.device.name = e.result.device_name;
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace gpu

#include "cmd/gpu-inventory/report.h"

#include <iomanip>
#include <sstream>

#include "devices/attributes.h"
#include "devices/json.h"

namespace inventory {
namespace {

nlohmann::json ProfileJson(const hw::MigProfile& p) {
  nlohmann::json placements = nlohmann::json::array();
  for (const auto& pl : p.placements) placements.push_back({{"start", pl.start}, {"size", pl.size}});
  return {{"id", p.id},
          {"name", p.name},
          {"slices", p.slices},
          {"instances", p.instances},
          {"memoryMB", p.memoryMB},
          {"multiprocessors", p.multiprocessors},
          {"copyEngines", p.copyEngines},
          {"decoders", p.decoders},
          {"encoders", p.encoders},
          {"jpegEngines", p.jpegEngines},
          {"ofaEngines", p.ofaEngines},
          {"placements", std::move(placements)}};
}

nlohmann::json MigDeviceJson(const hw::MigDeviceInfo& m) {
  return {{"uuid", m.uuid},
          {"index", m.index},
          {"gpuInstanceId", m.gpuInstanceId},
          {"computeInstanceId", m.computeInstanceId},
          {"profileId", m.profileId},
          {"profile", m.profileName},
          {"placement", {{"start", m.placement.start}, {"size", m.placement.size}}},
          {"multiprocessors", m.multiprocessors},
          {"memoryMB", m.memoryMB}};
}

nlohmann::json GpuJson(const hw::GpuInfo& g) {
  nlohmann::json j = {{"index", g.index},
                      {"minor", g.minor},
                      {"uuid", g.uuid},
                      {"name", g.name},
                      {"pciBusID", g.pciBusID},
                      {"architecture", g.architecture},
                      {"brand", g.brand},
                      {"cudaComputeCapability", g.cudaComputeCapability},
                      {"migCapable", g.migCapable},
                      {"migEnabled", g.migEnabled}};
  j["memoryBytes"] = g.memoryBytes ? nlohmann::json(*g.memoryBytes) : nlohmann::json(nullptr);
  if (g.pcieRoot) j["pcieRoot"] = *g.pcieRoot;
  if (g.numaNode) j["numaNode"] = *g.numaNode;
  if (g.addressingMode) j["addressingMode"] = *g.addressingMode;
  nlohmann::json profiles = nlohmann::json::array();
  for (const auto& p : g.migProfiles) profiles.push_back(ProfileJson(p));
  j["migProfiles"] = std::move(profiles);
  nlohmann::json migs = nlohmann::json::array();
  for (const auto& m : g.migDevices) migs.push_back(MigDeviceJson(m));
  j["migDevices"] = std::move(migs);
  if (g.fabric) {
    j["fabric"] = {{"clusterUUID", g.fabric->clusterUuid},
                   {"cliqueID", g.fabric->cliqueId},
                   {"state", g.fabric->state},
                   {"clique", g.fabric->CliqueKey()}};
  }
  return j;
}

std::string Placements(const hw::MigProfile& p) {
  std::ostringstream s;
  s << "{";
  for (size_t i = 0; i < p.placements.size(); ++i) {
    if (i) s << ",";
    s << p.placements[i].start;
  }
  s << "}:" << (p.placements.empty() ? p.slices : p.placements[0].size);
  return s.str();
}

}  // namespace

nlohmann::json ReportJson(const hw::NodeInfo& node, const devices::BuildResult& built) {
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& g : node.gpus) gpus.push_back(GpuJson(g));
  nlohmann::json devs = nlohmann::json::array();
  for (const auto& d : built.devices) devs.push_back(devices::DeviceToJson(d));
  nlohmann::json out = {{"driverVersion", node.driverVersion},
                        {"cudaDriverVersion", node.cudaDriverVersion},
                        {"nvmlVersion", node.nvmlVersion},
                        {"gpus", std::move(gpus)},
                        {"devices", std::move(devs)}};
  std::vector<std::string> warnings = node.warnings;
  warnings.insert(warnings.end(), built.warnings.begin(), built.warnings.end());
  if (!warnings.empty()) out["warnings"] = warnings;
  return out;
}

std::string ReportTable(const hw::NodeInfo& node, const devices::BuildResult& built) {
  std::ostringstream s;
  s << "Driver " << node.driverVersion << ", CUDA " << node.cudaDriverVersion << ", "
    << node.gpus.size() << " GPU(s)\n\n";
  s << std::left << std::setw(4) << "IDX" << std::setw(6) << "MINOR" << std::setw(42) << "UUID"
    << std::setw(14) << "PCI" << std::setw(10) << "MEM(MiB)" << std::setw(14) << "ARCH"
    << std::setw(5) << "CC" << std::setw(9) << "MIG" << "NAME\n";
  for (const auto& g : node.gpus) {
    std::string mig = !g.migCapable ? "n/a" : (g.migEnabled ? "enabled" : "disabled");
    std::string mem = g.memoryBytes ? std::to_string(*g.memoryBytes / (1024 * 1024)) : "-";
    s << std::setw(4) << g.index << std::setw(6) << g.minor << std::setw(42) << g.uuid
      << std::setw(14) << g.pciBusID << std::setw(10) << mem << std::setw(14) << g.architecture
      << std::setw(5) << g.cudaComputeCapability << std::setw(9) << mig << g.name << "\n";
  }
  for (const auto& g : node.gpus) {
    if (g.migProfiles.empty()) continue;
    s << "\nGPU " << g.index << " MIG profiles:\n";
    s << "  " << std::setw(4) << "ID" << std::setw(14) << "NAME" << std::setw(8) << "SLICES"
      << std::setw(10) << "MEM(MB)" << std::setw(6) << "SMs" << "PLACEMENTS\n";
    for (const auto& p : g.migProfiles) {
      s << "  " << std::setw(4) << p.id << std::setw(14) << p.name << std::setw(8) << p.slices
        << std::setw(10) << p.memoryMB << std::setw(6) << p.multiprocessors << Placements(p)
        << "\n";
    }
    for (const auto& m : g.migDevices) {
      s << "  MIG device " << m.profileName << " GI " << m.gpuInstanceId << " CI "
        << m.computeInstanceId << " at " << m.placement.start << ":" << m.placement.size << " "
        << m.uuid << "\n";
    }
  }
  s << "\nDRA devices (" << devices::kGpuDriverName << "):\n";
  for (const auto& d : built.devices) {
    auto type = d.attributes.find(devices::kAttrType);
    s << "  " << std::setw(28) << d.name
      << (type != d.attributes.end() ? type->second.string_value : "") << "\n";
  }
  for (const auto& w : node.warnings) s << "warning: " << w << "\n";
  for (const auto& w : built.warnings) s << "warning: " << w << "\n";
  return s.str();
}

}  // namespace inventory

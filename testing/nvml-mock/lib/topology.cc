// topology.cc: the YAML topology loader: node-level keys and GPU identity.
// MIG, fabric and pre-created instances are in topology_mig.cc.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "topology.h"
#include "topology_internal.h"

namespace nvml_mock {
namespace {

const std::map<std::string, unsigned> kArchitectures = {
    {"kepler", 2}, {"maxwell", 3},   {"pascal", 4},       {"volta", 5},
    {"turing", 6}, {"ampere", 7},    {"ada", 8},          {"ada-lovelace", 8},
    {"hopper", 9}, {"blackwell", 10}, {"rubin", 13}};

const std::map<std::string, unsigned> kBrands = {
    {"unknown", 0},      {"quadro", 1},       {"tesla", 2},
    {"nvs", 3},          {"grid", 4},         {"geforce", 5},
    {"titan", 6},        {"nvidia-vapps", 7}, {"nvidia-vpc", 8},
    {"nvidia-vcs", 9},   {"nvidia-vws", 10},  {"nvidia-cloud-gaming", 11},
    {"quadro-rtx", 12},  {"nvidia-rtx", 13},  {"nvidia", 14},
    {"geforce-rtx", 15}, {"titan-rtx", 16}};

const std::map<std::string, unsigned> kComputeModes = {
    {"default", 0}, {"exclusive-thread", 1}, {"prohibited", 2},
    {"exclusive-process", 3}};

const std::map<std::string, unsigned> kVirtModes = {
    {"none", 0}, {"passthrough", 1}, {"vgpu", 2}, {"host-vgpu", 3},
    {"host-vsga", 4}};

const std::map<std::string, unsigned> kAddressingModes = {
    {"none", 0}, {"hmm", 1}, {"ats", 2}};

void ParsePci(const Layered& g, GpuSpec* gpu) {
  std::string what = g.what() + ".pci";
  YAML::Node pci = g.Require("pci");
  RequireMap(pci, what);
  YAML::Node bus = g.GetSub("pci", "busId");
  if (!bus.IsDefined()) Fail(pci, what + ": missing required key 'busId'");
  std::string s = ReadString(bus, what + ".busId");
  unsigned domain = 0, b = 0, d = 0, f = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%x:%x:%x.%x%c", &domain, &b, &d, &f, &tail) != 4 ||
      b > 0xff || d > 0x1f) {
    Fail(bus, what + ".busId: expected DOMAIN:BUS:DEVICE.FUNCTION, got '" + s + "'");
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X:%02X:%02X.0", domain, b, d);
  gpu->busId = buf;
  gpu->domain = domain;
  gpu->bus = b;
  gpu->device = d;
  YAML::Node dev = g.GetSub("pci", "deviceId");
  if (!dev.IsDefined()) Fail(pci, what + ": missing required key 'deviceId'");
  gpu->pciDeviceId = ReadU32(dev, what + ".deviceId");
  if (YAML::Node sub = g.GetSub("pci", "subsystemId"); sub.IsDefined()) {
    gpu->pciSubsystemId = ReadU32(sub, what + ".subsystemId");
  }
}

void ParseMemory(const Layered& g, GpuSpec* gpu) {
  std::string what = g.what() + ".memory";
  YAML::Node mem = g.Require("memory");
  RequireMap(mem, what);
  gpu->memTotal = ReadU64(RequireChild(mem, "total", what), what + ".total");
  if (YAML::Node n = Child(mem, "reserved"); n.IsDefined()) {
    gpu->memReserved = ReadU64(n, what + ".reserved");
  }
  if (YAML::Node n = Child(mem, "used"); n.IsDefined()) {
    gpu->memUsed = ReadU64(n, what + ".used");
  }
  if (gpu->memReserved + gpu->memUsed > gpu->memTotal) {
    Fail(mem, what + ": reserved + used exceeds total");
  }
  if (YAML::Node bar1 = g.Get("bar1"); bar1.IsDefined()) {
    RequireMap(bar1, g.what() + ".bar1");
    gpu->bar1Total = ReadU64(RequireChild(bar1, "total", "bar1"), "bar1.total");
    if (YAML::Node n = Child(bar1, "used"); n.IsDefined()) gpu->bar1Used = ReadU64(n, "bar1.used");
  }
}

template <typename T>
void OptU32(const Layered& g, const char* key, T* out) {
  if (YAML::Node n = g.Get(key); n.IsDefined()) *out = ReadU32(n, g.what() + "." + key);
}

void ParseExtras(const Layered& g, GpuSpec* gpu) {
  if (YAML::Node n = g.Get("vbiosVersion"); n.IsDefined()) gpu->vbiosVersion = ReadString(n, "vbiosVersion");
  if (YAML::Node n = g.Get("boardPartNumber"); n.IsDefined()) gpu->boardPartNumber = ReadString(n, "boardPartNumber");
  OptU32(g, "temperature", &gpu->temperatureC);
  OptU32(g, "powerUsageMw", &gpu->powerUsageMw);
  OptU32(g, "powerLimitMw", &gpu->powerLimitMw);
  if (YAML::Node u = g.Get("utilization"); u.IsDefined()) {
    RequireMap(u, "utilization");
    if (YAML::Node n = Child(u, "gpu"); n.IsDefined()) gpu->utilGpu = ReadU32(n, "utilization.gpu");
    if (YAML::Node n = Child(u, "memory"); n.IsDefined()) gpu->utilMemory = ReadU32(n, "utilization.memory");
  }
  if (YAML::Node c = g.Get("maxClocks"); c.IsDefined()) {
    RequireMap(c, "maxClocks");
    if (YAML::Node n = Child(c, "graphics"); n.IsDefined()) gpu->maxClockGraphics = ReadU32(n, "maxClocks.graphics");
    if (YAML::Node n = Child(c, "sm"); n.IsDefined()) gpu->maxClockSm = ReadU32(n, "maxClocks.sm");
    if (YAML::Node n = Child(c, "mem"); n.IsDefined()) gpu->maxClockMem = ReadU32(n, "maxClocks.mem");
  }
}

GpuSpec ParseGpu(const YAML::Node& node, const YAML::Node& models, size_t pos) {
  std::string what = "gpus[" + std::to_string(pos) + "]";
  RequireMap(node, what);
  YAML::Node model(YAML::NodeType::Undefined);
  if (YAML::Node m = Child(node, "model"); m.IsDefined()) {
    std::string name = ReadString(m, what + ".model");
    model = Child(models, name);
    if (!model.IsDefined()) Fail(m, what + ".model: no model '" + name + "' under 'models'");
    RequireMap(model, "models." + name);
  }
  Layered g(node, model, what);
  GpuSpec gpu;
  gpu.name = ReadString(g.Require("name"), what + ".name");
  gpu.uuid = ReadString(g.Require("uuid"), what + ".uuid");
  if (gpu.uuid.rfind("GPU-", 0) != 0 || gpu.uuid.size() != 40) {
    Fail(g.Require("uuid"), what + ".uuid: expected GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  }
  if (YAML::Node n = g.Get("serial"); n.IsDefined()) gpu.serial = ReadString(n, what + ".serial");
  gpu.index = static_cast<unsigned>(pos);
  OptU32(g, "index", &gpu.index);
  gpu.minor = gpu.index;
  OptU32(g, "minor", &gpu.minor);
  ParsePci(g, &gpu);
  ParseMemory(g, &gpu);
  gpu.brand = ReadEnum(g.Require("brand"), what + ".brand", kBrands);
  gpu.architecture = ReadEnum(g.Require("architecture"), what + ".architecture", kArchitectures);
  YAML::Node cc = g.Require("computeCapability");
  std::string ccs = ReadString(cc, what + ".computeCapability");
  char tail = 0;
  if (std::sscanf(ccs.c_str(), "%d.%d%c", &gpu.ccMajor, &gpu.ccMinor, &tail) != 2) {
    Fail(cc, what + ".computeCapability: expected MAJOR.MINOR, got '" + ccs + "'");
  }
  if (YAML::Node n = g.Get("numaNode"); n.IsDefined()) gpu.numaNode = ReadU32(n, what + ".numaNode");
  if (YAML::Node n = g.Get("persistenceMode"); n.IsDefined()) gpu.persistenceMode = ReadBool(n, what + ".persistenceMode") ? 1 : 0;
  if (YAML::Node n = g.Get("computeMode"); n.IsDefined()) gpu.computeMode = ReadEnum(n, what + ".computeMode", kComputeModes);
  if (YAML::Node n = g.Get("virtualizationMode"); n.IsDefined()) gpu.virtualizationMode = ReadEnum(n, what + ".virtualizationMode", kVirtModes);
  if (YAML::Node n = g.Get("addressingMode"); n.IsDefined()) gpu.addressingMode = ReadEnum(n, what + ".addressingMode", kAddressingModes);
  gpu.supportedEventTypes = 65439;  // what a Hopper GPU reports
  if (YAML::Node n = g.Get("supportedEventTypes"); n.IsDefined()) gpu.supportedEventTypes = ReadU64(n, what + ".supportedEventTypes");
  if (YAML::Node n = g.Get("timeSliceSupported"); n.IsDefined()) gpu.timeSliceSupported = ReadBool(n, what + ".timeSliceSupported");
  ParseExtras(g, &gpu);
  ParseMig(g, &gpu);
  ParseFabric(g, &gpu);
  return gpu;
}

void ParseRoot(const YAML::Node& root, Topology* topo) {
  if (!root.IsMap()) Fail(root, "top level: expected a mapping");
  topo->driverVersion = ReadString(RequireChild(root, "driverVersion", "top level"), "driverVersion");
  YAML::Node cuda = RequireChild(root, "cudaDriverVersion", "top level");
  topo->cudaDriverVersion = static_cast<int>(ReadU32(cuda, "cudaDriverVersion"));
  topo->nvmlVersion = std::to_string(topo->cudaDriverVersion / 1000) + "." + topo->driverVersion;
  if (YAML::Node n = Child(root, "nvmlVersion"); n.IsDefined()) topo->nvmlVersion = ReadString(n, "nvmlVersion");
  topo->deviceMajors = {{"nvidia", 195}, {"nvidia-uvm", 238}, {"nvidia-caps", 241},
                        {"nvidia-caps-imex-channels", 242}};
  if (YAML::Node m = Child(root, "deviceMajors"); m.IsDefined()) {
    RequireMap(m, "deviceMajors");
    for (const auto& kv : m) {
      topo->deviceMajors[kv.first.Scalar()] = ReadU32(kv.second, "deviceMajors." + kv.first.Scalar());
    }
  }
  if (YAML::Node n = Child(root, "imexChannels"); n.IsDefined()) topo->imexChannels = ReadU32(n, "imexChannels");
  YAML::Node models = Child(root, "models");
  if (models.IsDefined()) RequireMap(models, "models");
  YAML::Node gpus = RequireChild(root, "gpus", "top level");
  RequireSeq(gpus, "gpus");
  std::set<std::string> uuids;
  std::set<unsigned> minors, indexes;
  for (size_t i = 0; i < gpus.size(); ++i) {
    GpuSpec gpu = ParseGpu(gpus[i], models, i);
    if (!uuids.insert(gpu.uuid).second) Fail(gpus[i], "gpus[" + std::to_string(i) + "]: duplicate uuid " + gpu.uuid);
    if (!minors.insert(gpu.minor).second) Fail(gpus[i], "gpus[" + std::to_string(i) + "]: duplicate minor");
    if (!indexes.insert(gpu.index).second) Fail(gpus[i], "gpus[" + std::to_string(i) + "]: duplicate index");
    topo->gpus.push_back(std::move(gpu));
  }
  if (YAML::Node pre = Child(root, "migInstances"); pre.IsDefined()) ParsePrecreated(pre, topo);
}

}  // namespace

bool ParseTopology(const std::string& text, const std::string& path,
                   Topology* out, std::string* error) {
  auto format = [&](int line, const std::string& msg) {
    *error = path + (line > 0 ? ":" + std::to_string(line) : "") + ": " + msg;
    return false;
  };
  try {
    YAML::Node root = YAML::Load(text);
    Topology topo;
    topo.path = path;
    ParseRoot(root, &topo);
    *out = std::move(topo);
    return true;
  } catch (const TopoError& e) {
    return format(e.line, e.message);
  } catch (const YAML::Exception& e) {
    return format(e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  } catch (const std::exception& e) {
    return format(0, e.what());
  }
}

bool LoadTopology(const std::string& path, Topology* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open topology file";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseTopology(ss.str(), path, out, error);
}

const GiProfile* FindGiProfileById(const GpuSpec& gpu, unsigned id) {
  for (const GiProfile& p : gpu.giProfiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const CiProfile* FindCiProfileById(const GiProfile& gi, unsigned id) {
  for (const CiProfile& p : gi.ciProfiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace nvml_mock

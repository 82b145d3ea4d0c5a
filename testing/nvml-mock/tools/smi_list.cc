// smi_list.cc: nvml-mock-smi -L, --query-gpu, -q and -mig.
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <sstream>

#include "smi_cmds.h"

namespace smi {
namespace {

constexpr unsigned long long kMiB = 1024ULL * 1024ULL;

nvmlDevice_t Handle(const Nvml& n, unsigned i) {
  nvmlDevice_t d = nullptr;
  n.HandleByIndex(i, &d);
  return d;
}

std::string MigModeText(const Nvml& n, nvmlDevice_t d, bool pending) {
  unsigned cur = 0, pend = 0;
  if (n.GetMigMode == nullptr || n.GetMigMode(d, &cur, &pend) != NVML_SUCCESS) return "[N/A]";
  return (pending ? pend : cur) ? "Enabled" : "Disabled";
}

std::string Str(nvmlReturn_t (*fn)(nvmlDevice_t, char*, unsigned), nvmlDevice_t d) {
  char buf[128] = {};
  if (fn == nullptr || fn(d, buf, sizeof buf) != NVML_SUCCESS) return "[N/A]";
  return buf;
}

std::string Fmt(const char* f, unsigned long long v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string BrandName(unsigned b) {
  static const char* kNames[] = {"Unknown", "Quadro", "Tesla", "NVS", "Grid", "GeForce", "Titan",
                                 "NVIDIA Virtual Applications", "NVIDIA Virtual PC",
                                 "NVIDIA Virtual Compute Server", "NVIDIA RTX Virtual Workstation",
                                 "NVIDIA Cloud Gaming", "Quadro RTX", "NVIDIA RTX", "NVIDIA",
                                 "GeForce RTX", "Titan RTX"};
  return b < sizeof kNames / sizeof kNames[0] ? kNames[b] : "Unknown";
}

std::string ArchName(unsigned a) {
  switch (a) {
    case 2: return "Kepler";
    case 3: return "Maxwell";
    case 4: return "Pascal";
    case 5: return "Volta";
    case 6: return "Turing";
    case 7: return "Ampere";
    case 8: return "Ada Lovelace";
    case 9: return "Hopper";
    case 10: return "Blackwell";
    case 13: return "Rubin";
    default: return "Unknown";
  }
}

struct Field {
  std::string unit;  // "" if none
  std::function<std::string(nvmlDevice_t, unsigned idx, bool units)> get;
};

std::map<std::string, Field> Fields(const Nvml& n) {
  auto mem = [&n](int which) {
    return [&n, which](nvmlDevice_t d, unsigned, bool units) -> std::string {
      nvmlMemory_v2_t m{};
      m.version = nvmlMemory_v2;
      if (n.MemoryV2 == nullptr || n.MemoryV2(d, &m) != NVML_SUCCESS) return "[N/A]";
      unsigned long long v = which == 0 ? m.total : which == 1 ? m.used : which == 2 ? m.free : m.reserved;
      return Fmt(units ? "%llu MiB" : "%llu", v / kMiB);
    };
  };
  std::map<std::string, Field> f;
  f["index"] = {"", [](nvmlDevice_t, unsigned i, bool) { return std::to_string(i); }};
  f["count"] = {"", [&n](nvmlDevice_t, unsigned, bool) {
                  unsigned c = 0;
                  n.Count(&c);
                  return std::to_string(c);
                }};
  f["uuid"] = {"", [&n](nvmlDevice_t d, unsigned, bool) { return DeviceUuid(n, d); }};
  f["name"] = {"", [&n](nvmlDevice_t d, unsigned, bool) {
                 char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
                 nvmlReturn_t r = n.Name(d, buf, sizeof buf);
                 return r == NVML_SUCCESS ? std::string(buf) : "[" + std::string(n.Err(r)) + "]";
               }};
  f["serial"] = {"", [&n](nvmlDevice_t d, unsigned, bool) { return Str(n.Serial, d); }};
  f["vbios_version"] = {"", [&n](nvmlDevice_t d, unsigned, bool) { return Str(n.Vbios, d); }};
  f["driver_version"] = {"", [&n](nvmlDevice_t, unsigned, bool) {
                           char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
                           return n.DriverVersion(buf, sizeof buf) == NVML_SUCCESS ? std::string(buf) : "[N/A]";
                         }};
  f["pci.bus_id"] = {"", [&n](nvmlDevice_t d, unsigned, bool) {
                       nvmlPciInfo_t p{};
                       return n.Pci(d, &p) == NVML_SUCCESS ? std::string(p.busId) : "[N/A]";
                     }};
  f["pci.device_id"] = {"", [&n](nvmlDevice_t d, unsigned, bool) {
                          nvmlPciInfo_t p{};
                          return n.Pci(d, &p) == NVML_SUCCESS ? Fmt("0x%08llX", p.pciDeviceId) : "[N/A]";
                        }};
  f["memory.total"] = {"MiB", mem(0)};
  f["memory.used"] = {"MiB", mem(1)};
  f["memory.free"] = {"MiB", mem(2)};
  f["memory.reserved"] = {"MiB", mem(3)};
  f["compute_cap"] = {"", [&n](nvmlDevice_t d, unsigned, bool) {
                        int ma = 0, mi = 0;
                        if (n.Cc(d, &ma, &mi) != NVML_SUCCESS) return std::string("[N/A]");
                        return std::to_string(ma) + "." + std::to_string(mi);
                      }};
  f["mig.mode.current"] = {"", [&n](nvmlDevice_t d, unsigned, bool) { return MigModeText(n, d, false); }};
  f["mig.mode.pending"] = {"", [&n](nvmlDevice_t d, unsigned, bool) { return MigModeText(n, d, true); }};
  f["power.limit"] = {"W", [&n](nvmlDevice_t d, unsigned, bool units) {
                        unsigned mw = 0;
                        if (n.PowerLimit == nullptr || n.PowerLimit(d, &mw) != NVML_SUCCESS) return std::string("[N/A]");
                        char buf[32];
                        std::snprintf(buf, sizeof buf, units ? "%.2f W" : "%.2f", mw / 1000.0);
                        return std::string(buf);
                      }};
  f["temperature.gpu"] = {"", [&n](nvmlDevice_t d, unsigned, bool) {
                            unsigned t = 0;
                            if (n.Temperature == nullptr || n.Temperature(d, NVML_TEMPERATURE_GPU, &t) != NVML_SUCCESS) return std::string("[N/A]");
                            return std::to_string(t);
                          }};
  f["gpu_name"] = f["name"];
  f["gpu_uuid"] = f["uuid"];
  f["gpu_serial"] = f["serial"];
  f["gpu_bus_id"] = f["pci.bus_id"];
  return f;
}

}  // namespace

std::vector<unsigned> SelectGpus(const Nvml& n, const std::string& ids, bool* ok) {
  unsigned count = 0;
  n.Count(&count);
  std::vector<unsigned> out;
  *ok = true;
  if (ids.empty()) {
    for (unsigned i = 0; i < count; ++i) out.push_back(i);
    return out;
  }
  std::stringstream ss(ids);
  std::string id;
  while (std::getline(ss, id, ',')) {
    bool found = false;
    for (unsigned i = 0; i < count && !found; ++i) {
      nvmlDevice_t d = Handle(n, i);
      nvmlPciInfo_t p{};
      n.Pci(d, &p);
      if (id == std::to_string(i) || id == DeviceUuid(n, d) || id == p.busId) {
        out.push_back(i);
        found = true;
      }
    }
    if (!found) *ok = false;
  }
  return out;
}

int ListGpus(const Nvml& n) {
  unsigned count = 0;
  if (nvmlReturn_t r = n.Count(&count); r != NVML_SUCCESS) {
    std::fprintf(stderr, "Unable to determine the device count. %s\n", n.Err(r));
    return 255;
  }
  if (count == 0) {
    std::printf("No devices found.\n");
    return 0;
  }
  for (unsigned i = 0; i < count; ++i) {
    nvmlDevice_t d = nullptr;
    if (nvmlReturn_t r = n.HandleByIndex(i, &d); r != NVML_SUCCESS) {
      std::printf("Unable to determine the device handle for GPU%u: %s\n", i, n.Err(r));
      continue;
    }
    std::printf("GPU %u: %s (UUID: %s)\n", i, DeviceName(n, d).c_str(), DeviceUuid(n, d).c_str());
    unsigned max = 0;
    if (n.MaxMig == nullptr || n.MaxMig(d, &max) != NVML_SUCCESS) continue;
    for (unsigned m = 0; m < max; ++m) {
      nvmlDevice_t md = nullptr;
      if (n.MigByIndex(d, m, &md) != NVML_SUCCESS) continue;
      std::string name = DeviceName(n, md);
      size_t at = name.rfind("MIG ");
      std::string profile = at == std::string::npos ? name : name.substr(at + 4);
      std::printf("  MIG %-11s Device %2u: (UUID: %s)\n", profile.c_str(), m, DeviceUuid(n, md).c_str());
    }
  }
  return 0;
}

int QueryGpu(const Nvml& n, const std::string& fields, const std::string& format,
             const std::vector<unsigned>& gpus) {
  bool header = format.find("noheader") == std::string::npos;
  bool units = format.find("nounits") == std::string::npos;
  if (format.rfind("csv", 0) != 0) {
    std::fprintf(stderr, "Only CSV output format is supported.\n");
    return 2;
  }
  std::map<std::string, Field> all = Fields(n);
  std::vector<std::pair<std::string, const Field*>> cols;
  std::stringstream ss(fields);
  std::string name;
  while (std::getline(ss, name, ',')) {
    size_t a = name.find_first_not_of(' '), b = name.find_last_not_of(' ');
    name = a == std::string::npos ? "" : name.substr(a, b - a + 1);
    auto it = all.find(name);
    if (it == all.end()) {
      std::fprintf(stderr, "Field \"%s\" is not a valid field to query.\n\n", name.c_str());
      return 2;
    }
    cols.emplace_back(name, &it->second);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  };
  if (header) {
    std::vector<std::string> h;
    for (const auto& [nm, f] : cols) h.push_back(units && !f->unit.empty() ? nm + " [" + f->unit + "]" : nm);
    std::printf("%s\n", join(h).c_str());
  }
  for (unsigned i : gpus) {
    nvmlDevice_t d = Handle(n, i);
    std::vector<std::string> v;
    for (const auto& [nm, f] : cols) v.push_back(f->get(d, i, units));
    std::printf("%s\n", join(v).c_str());
  }
  return 0;
}

int QueryAll(const Nvml& n, const std::vector<unsigned>& gpus) {
  auto line = [](const std::string& label, const std::string& value) {
    std::printf("%-55s: %s\n", label.c_str(), value.c_str());
  };
  char ts[64];
  std::time_t now = std::time(nullptr);
  std::strftime(ts, sizeof ts, "%a %b %d %H:%M:%S %Y", std::localtime(&now));
  char drv[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  n.DriverVersion(drv, sizeof drv);
  int cuda = 0;
  if (n.CudaVersion) n.CudaVersion(&cuda);
  unsigned count = 0;
  n.Count(&count);
  std::printf("\n==============NVSMI LOG==============\n\n");
  line("Timestamp", ts);
  line("Driver Version", drv);
  line("CUDA Version", std::to_string(cuda / 1000) + "." + std::to_string((cuda % 1000) / 10));
  std::printf("\n");
  line("Attached GPUs", std::to_string(count));
  std::map<std::string, Field> f = Fields(n);
  for (unsigned i : gpus) {
    nvmlDevice_t d = Handle(n, i);
    nvmlPciInfo_t p{};
    n.Pci(d, &p);
    std::printf("GPU %s\n", p.busId);
    nvmlBrandType_t brand{};
    nvmlDeviceArchitecture_t arch = 0;
    line("    Product Name", DeviceName(n, d));
    line("    Product Brand", n.Brand(d, &brand) == NVML_SUCCESS ? BrandName(brand) : "N/A");
    line("    Product Architecture", n.Arch(d, &arch) == NVML_SUCCESS ? ArchName(arch) : "N/A");
    nvmlEnableState_t pm{};
    line("    Persistence Mode", n.Persistence && n.Persistence(d, &pm) == NVML_SUCCESS ? (pm ? "Enabled" : "Disabled") : "N/A");
    nvmlDeviceAddressingMode_t am{};
    am.version = nvmlDeviceAddressingMode_v1;
    static const char* kAm[] = {"None", "HMM", "ATS"};
    line("    Addressing Mode", n.AddrMode && n.AddrMode(d, &am) == NVML_SUCCESS && am.value < 3 ? kAm[am.value] : "N/A");
    std::printf("    MIG Mode\n");
    std::string cur = MigModeText(n, d, false), pend = MigModeText(n, d, true);
    line("        Current", cur == "[N/A]" ? "N/A" : cur);
    line("        Pending", pend == "[N/A]" ? "N/A" : pend);
    std::string serial = Str(n.Serial, d), vbios = Str(n.Vbios, d), part = Str(n.BoardPart, d);
    line("    Serial Number", serial == "[N/A]" ? "N/A" : serial);
    line("    GPU UUID", DeviceUuid(n, d));
    unsigned minor = 0;
    line("    Minor Number", n.Minor(d, &minor) == NVML_SUCCESS ? std::to_string(minor) : "N/A");
    line("    VBIOS Version", vbios == "[N/A]" ? "N/A" : vbios);
    line("    Board Part Number", part == "[N/A]" ? "N/A" : part);
    std::printf("    GPU Virtualization Mode\n");
    nvmlGpuVirtualizationMode_t vm{};
    static const char* kVm[] = {"None", "Pass-Through", "VGPU", "Host VGPU", "Host VSGA"};
    line("        Virtualization Mode", n.VirtMode && n.VirtMode(d, &vm) == NVML_SUCCESS && vm < 5 ? kVm[vm] : "N/A");
    std::printf("    PCI\n");
    line("        Bus", Fmt("0x%02llX", p.bus));
    line("        Device", Fmt("0x%02llX", p.device));
    line("        Domain", Fmt("0x%04llX", p.domain));
    line("        Device Id", Fmt("0x%08llX", p.pciDeviceId));
    line("        Bus Id", p.busId);
    line("        Sub System Id", Fmt("0x%08llX", p.pciSubSystemId));
    std::printf("    FB Memory Usage\n");
    line("        Total", f["memory.total"].get(d, i, true));
    line("        Reserved", f["memory.reserved"].get(d, i, true));
    line("        Used", f["memory.used"].get(d, i, true));
    line("        Free", f["memory.free"].get(d, i, true));
    nvmlBAR1Memory_t bar{};
    if (n.Bar1 && n.Bar1(d, &bar) == NVML_SUCCESS) {
      std::printf("    BAR1 Memory Usage\n");
      line("        Total", Fmt("%llu MiB", bar.bar1Total / kMiB));
      line("        Used", Fmt("%llu MiB", bar.bar1Used / kMiB));
      line("        Free", Fmt("%llu MiB", bar.bar1Free / kMiB));
    }
    nvmlComputeMode_t cm{};
    static const char* kCm[] = {"Default", "Exclusive_Thread", "Prohibited", "Exclusive_Process"};
    line("    Compute Mode", n.ComputeMode(d, &cm) == NVML_SUCCESS && cm < 4 ? kCm[cm] : "N/A");
    std::printf("    Fabric\n");
    nvmlGpuFabricInfoV_t fab{};
    fab.version = nvmlGpuFabricInfo_v3;
    if (n.FabricV && n.FabricV(d, &fab) == NVML_SUCCESS) {
      static const char* kState[] = {"N/A", "Not Started", "In Progress", "Completed"};
      static const char* kHealth[] = {"N/A", "Healthy", "Unhealthy", "Limited Capacity"};
      const unsigned char* u = fab.clusterUuid;
      char uuid[40];
      std::snprintf(uuid, sizeof uuid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
      line("        State", fab.state < 4 ? kState[fab.state] : "N/A");
      line("        Status", fab.state == NVML_GPU_FABRIC_STATE_COMPLETED ? n.Err(fab.status) : "N/A");
      line("        CliqueId", std::to_string(fab.cliqueId));
      line("        ClusterUUID", uuid);
      std::printf("        Health\n");
      line("            Summary", fab.healthSummary < 4 ? kHealth[fab.healthSummary] : "N/A");
    } else {
      for (const char* k : {"        State", "        Status", "        CliqueId", "        ClusterUUID"}) line(k, "N/A");
      std::printf("        Health\n");
      line("            Summary", "N/A");
    }
  }
  return 0;
}

int SetMig(const Nvml& n, const std::vector<unsigned>& gpus, unsigned mode) {
  int rc = 0;
  for (unsigned i : gpus) {
    nvmlDevice_t d = Handle(n, i);
    nvmlPciInfo_t p{};
    n.Pci(d, &p);
    nvmlReturn_t act = NVML_SUCCESS;
    nvmlReturn_t r = n.SetMigMode ? n.SetMigMode(d, mode, &act) : NVML_ERROR_FUNCTION_NOT_FOUND;
    if (r == NVML_SUCCESS) {
      std::printf("%s MIG mode for GPU %s.\nAll done.\n", mode ? "Enabled" : "Disabled", p.busId);
    } else {
      std::fprintf(stderr, "Unable to %s MIG Mode for GPU %s: %s\n", mode ? "enable" : "disable", p.busId, n.Err(r));
      rc = 2;
    }
  }
  return rc;
}

}  // namespace smi

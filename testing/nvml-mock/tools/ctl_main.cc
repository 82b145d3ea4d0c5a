// ctl_main.cc: nvml-mock-ctl, the fault-injection CLI of the NVML mock.
// It edits the fault file (--file, else $NVML_MOCK_FAULTS, else
// $NVML_MOCK_ROOT/var/lib/nvml-mock/faults.json) under its lock with an
// atomic replace; every process using the mock picks the change up on its
// next NVML call. See README.md for the file format.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "embedded_topology.h"
#include "fault_file.h"
#include "file_util.h"
#include "topology.h"

using nvml_mock::FaultFile;

namespace {

int Usage() {
  std::fprintf(stderr,
      "usage: nvml-mock-ctl [--file PATH] COMMAND [OPTIONS]\n"
      "  xid --gpu G --xid N [--gi ID] [--ci ID] [--type MASK]   inject an event (default type 8 = XID)\n"
      "  lose --gpu G          every call on the GPU returns GPU_IS_LOST\n"
      "  offbus --gpu G        GPU fell off the bus: XID 79 event, then GPU_IS_LOST\n"
      "  unhealthy --gpu G     fabric health summary UNHEALTHY\n"
      "  heal --gpu G          clear the GPU's lost/offbus/unhealthy marks\n"
      "  fail --function F --code C [--after N]   F returns C after N successful calls\n"
      "  sleep --function F --ms M                 F sleeps M ms on every call\n"
      "  clear --function F    drop the rules for F\n"
      "  reset                 drop every fault and event\n"
      "  show                  print the fault file\n"
      "  describe TOPOLOGY     validate a topology and print the facts make-driver-root needs\n"
      "  embed-topology LIB TOPOLOGY   append the (validated) topology to a copy of the library\n"
      "G is a GPU UUID (GPU-...) or the GPU's topology index.\n");
  return 2;
}

std::string DefaultPath() {
  if (const char* f = std::getenv("NVML_MOCK_FAULTS"); f && *f) return f;
  if (const char* r = std::getenv("NVML_MOCK_ROOT"); r && *r) return std::string(r) + "/var/lib/nvml-mock/faults.json";
  return "";
}

bool ParseU64(const std::string& s, unsigned long long* out) {
  char* end = nullptr;
  *out = std::strtoull(s.c_str(), &end, 0);
  return !s.empty() && end && *end == '\0';
}

}  // namespace

// "describe": one fact per line, for shell scripts:
//   driver VERSION | major NAME NUMBER | imex N |
//   gpu MINOR BUSID UUID NAME...   (BUSID in the /proc form 0000:3b:00.0)
int Describe(const std::string& path) {
  nvml_mock::Topology topo;
  std::string error;
  if (!nvml_mock::LoadTopology(path, &topo, &error)) {
    std::fprintf(stderr, "nvml-mock-ctl: %s\n", error.c_str());
    return 1;
  }
  std::printf("driver %s\n", topo.driverVersion.c_str());
  for (const auto& [name, major] : topo.deviceMajors) std::printf("major %s %u\n", name.c_str(), major);
  std::printf("imex %u\n", topo.imexChannels);
  for (const auto& g : topo.gpus) {
    std::printf("gpu %u %04x:%02x:%02x.0 %s %s\n", g.minor, g.domain & 0xFFFF, g.bus, g.device,
                g.uuid.c_str(), g.name.c_str());
  }
  return 0;
}

// "embed-topology": validates TOPOLOGY and appends it to LIB as a trailer
// (replacing an earlier one), so that the library finds it in containers.
int Embed(const std::string& lib, const std::string& path) {
  nvml_mock::Topology topo;
  std::string error, text;
  bool missing = false;
  if (!nvml_mock::LoadTopology(path, &topo, &error) ||
      !nvml_mock::ReadWholeFile(path, &text, &missing) ||
      !nvml_mock::EmbedTopology(lib, text, &error)) {
    std::fprintf(stderr, "nvml-mock-ctl: %s\n", error.empty() ? path.c_str() : error.c_str());
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "describe") return Describe(args[1]);
  if (args.size() == 3 && args[0] == "embed-topology") return Embed(args[1], args[2]);
  std::string path = DefaultPath();
  if (args.size() >= 2 && args[0] == "--file") {
    path = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty()) return Usage();
  std::string cmd = args[0];
  std::map<std::string, std::string> opt;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size()) return Usage();
    opt[args[i].substr(2)] = args[i + 1];
    ++i;
  }
  if (path.empty()) {
    std::fprintf(stderr, "nvml-mock-ctl: no fault file: use --file, NVML_MOCK_FAULTS or NVML_MOCK_ROOT\n");
    return 2;
  }
  auto num = [&](const char* key, unsigned long long def, bool required) -> long long {
    auto it = opt.find(key);
    if (it == opt.end()) {
      if (required) return -1;
      return static_cast<long long>(def);
    }
    unsigned long long v = 0;
    return ParseU64(it->second, &v) ? static_cast<long long>(v) : -1;
  };
  std::string gpu = opt.count("gpu") ? opt["gpu"] : "";
  std::string fn = opt.count("function") ? opt["function"] : "";
  std::string error;
  std::function<void(FaultFile&)> edit;
  if (cmd == "show") {
    FaultFile f;
    if (!nvml_mock::ReadFaultFile(path, &f, &error)) {
      std::fprintf(stderr, "nvml-mock-ctl: %s\n", error.c_str());
      return 1;
    }
    std::printf("%s", nvml_mock::SerializeFaultFile(f).c_str());
    return 0;
  } else if (cmd == "xid" || cmd == "offbus") {
    long long xid = cmd == "offbus" ? 79 : num("xid", 0, true);
    long long type = num("type", 8, false), gi = num("gi", 0xFFFFFFFFu, false), ci = num("ci", 0xFFFFFFFFu, false);
    if (gpu.empty() || xid < 0 || type < 0 || gi < 0 || ci < 0) return Usage();
    edit = [=](FaultFile& f) {
      nvml_mock::FaultEvent ev;
      ev.seq = f.nextSeq++;
      ev.gpu = gpu;
      ev.type = static_cast<uint64_t>(type);
      ev.data = static_cast<uint64_t>(xid);
      ev.gi = static_cast<uint32_t>(gi);
      ev.ci = static_cast<uint32_t>(ci);
      f.events.push_back(ev);
      if (cmd == "offbus") f.gpus[gpu].offBus = true;
    };
  } else if (cmd == "lose" || cmd == "unhealthy" || cmd == "heal") {
    if (gpu.empty()) return Usage();
    edit = [=](FaultFile& f) {
      if (cmd == "lose") f.gpus[gpu].lost = true;
      if (cmd == "unhealthy") f.gpus[gpu].unhealthy = true;
      if (cmd == "heal") f.gpus.erase(gpu);
    };
  } else if (cmd == "fail" || cmd == "sleep") {
    long long code = num("code", 0, cmd == "fail"), after = num("after", 0, false), ms = num("ms", 0, cmd == "sleep");
    if (fn.empty() || code < 0 || after < 0 || ms < 0) return Usage();
    edit = [=](FaultFile& f) {
      nvml_mock::FunctionFault& rule = f.functions[fn];
      rule.seq = f.nextSeq++;
      if (cmd == "fail") {
        rule.code = static_cast<int>(code);
        rule.after = static_cast<uint64_t>(after);
      } else {
        rule.sleepMs = static_cast<unsigned>(ms);
      }
    };
  } else if (cmd == "clear") {
    if (fn.empty()) return Usage();
    edit = [=](FaultFile& f) { f.functions.erase(fn); };
  } else if (cmd == "reset") {
    edit = [](FaultFile& f) {
      uint64_t next = f.nextSeq;
      f = FaultFile{};
      f.nextSeq = next;  // sequence numbers never go back
    };
  } else {
    return Usage();
  }
  if (!nvml_mock::UpdateFaultFile(path, edit, &error)) {
    std::fprintf(stderr, "nvml-mock-ctl: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

// init.cc: what nvmlInit does in the mock: find and load the topology,
// work out which GPUs this process can see (/dev/nvidia<minor>), and open
// the MIG state store (creating the state file and capability files on
// first use). The topology may be embedded in the library file itself
// (embedded_topology.h), for containers. See README.md for the environment
// variables.
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "caps_files.h"
#include "context.h"
#include "embedded_topology.h"
#include "faults.h"

namespace nvml_mock {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Where the topology comes from: a file, or YAML embedded in this library.
struct TopologySource {
  std::string path;      // file, or "<library>[embedded]" for messages
  std::string embedded;  // the YAML when it is embedded
};

// $NVML_MOCK_TOPOLOGY, else nvml-mock-topology.yaml beside this library,
// else the topology embedded in this library's file (make-driver-root's
// copy), else /etc/nvml-mock/topology.yaml. Empty path: none found.
TopologySource FindTopology() {
  std::string env = Env("NVML_MOCK_TOPOLOGY");
  if (!env.empty()) return {env, ""};
  Dl_info info;
  if (::dladdr(reinterpret_cast<void*>(&FindTopology), &info) != 0 && info.dli_fname != nullptr) {
    std::string lib = info.dli_fname;
    size_t slash = lib.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : lib.substr(0, slash);
    std::string beside = dir + "/nvml-mock-topology.yaml";
    if (Exists(beside)) return {beside, ""};
    std::string yaml;
    if (ReadEmbeddedTopology(lib, &yaml)) return {lib + "[embedded]", std::move(yaml)};
  }
  if (Exists("/etc/nvml-mock/topology.yaml")) return {"/etc/nvml-mock/topology.yaml", ""};
  return {};
}

std::vector<int> VisibleGpus(const Topology& topo) {
  std::vector<int> order(topo.gpus.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return topo.gpus[static_cast<size_t>(a)].index < topo.gpus[static_cast<size_t>(b)].index;
  });
  const Context& c = Ctx();
  if (c.ignoreDev) return order;
  std::vector<int> out;
  for (int pos : order) {
    if (Exists(c.devDir + "/nvidia" + std::to_string(topo.gpus[static_cast<size_t>(pos)].minor))) {
      out.push_back(pos);
    }
  }
  return out;
}

}  // namespace

nvmlReturn_t InitLocked(unsigned flags) {
  Context& c = Ctx();
  if (c.refcount > 0) {
    ++c.refcount;
    return NVML_SUCCESS;
  }
  TopologySource source = FindTopology();
  const std::string& path = source.path;
  if (path.empty()) {
    ReportError("no topology: set NVML_MOCK_TOPOLOGY, or put nvml-mock-topology.yaml beside "
                "libnvidia-ml.so.1 (or embed it: nvml-mock-ctl embed-topology), or "
                "/etc/nvml-mock/topology.yaml");
    return NVML_ERROR_DRIVER_NOT_LOADED;
  }
  Topology topo;
  std::string error;
  bool loaded = source.embedded.empty() ? LoadTopology(path, &topo, &error)
                                        : ParseTopology(source.embedded, path, &topo, &error);
  if (!loaded) {
    ReportError(error);
    return NVML_ERROR_UNKNOWN;
  }
  MigState initial;
  if (!InitialState(topo, &initial, &error)) {
    ReportError(error);
    return NVML_ERROR_UNKNOWN;
  }
  std::string root = Env("NVML_MOCK_ROOT");
  std::string state = Env("NVML_MOCK_STATE");
  if (state.empty() && !root.empty()) state = root + "/var/lib/nvml-mock/state.json";
  std::string faults = Env("NVML_MOCK_FAULTS");
  if (faults.empty() && !root.empty()) faults = root + "/var/lib/nvml-mock/faults.json";
  Faults().Configure(faults);

  // An in-memory state survives shutdown/init in one process, like the
  // hardware; a new topology or state file starts afresh.
  std::string key = path + "\n" + state;
  if (!c.store || c.storeKey != key) {
    c.store = std::make_unique<StateStore>(state, initial);
    c.storeKey = key;
  }
  c.topo = std::move(topo);
  c.root = root;
  c.ignoreDev = Env("NVML_MOCK_IGNORE_DEV") == "1";
  c.devDir = Env("NVML_MOCK_DEV_DIR");
  if (c.devDir.empty()) c.devDir = "/dev";
  c.visible = (flags & NVML_INIT_FLAG_NO_GPUS) != 0 && c.topo.gpus.empty()
                  ? std::vector<int>{}
                  : VisibleGpus(c.topo);
  // Create the state file (and capability files) on first use; this also
  // proves an existing state file is readable.
  nvmlReturn_t r = MutateState([](MigState&) { return NVML_SUCCESS; });
  if (r != NVML_SUCCESS) {
    ReportError("cannot open MIG state " + state + ": " + LastError());
    return NVML_ERROR_UNKNOWN;
  }
  c.refcount = 1;
  return NVML_SUCCESS;
}

nvmlReturn_t ShutdownLocked() {
  Context& c = Ctx();
  if (c.refcount == 0) return NVML_ERROR_UNINITIALIZED;
  --c.refcount;
  return NVML_SUCCESS;
}

}  // namespace nvml_mock

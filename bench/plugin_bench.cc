// plugin_bench: figures for the gpu-kubelet-plugin process, measured from
// the outside over its real sockets (cmd/gpu-kubelet-plugin/
// plugin_harness.h: private kube-apiserver, mock NVML driver root), plus
// the in-process DeviceState path for comparison. A standalone program
// (not Google Benchmark) because it reports percentiles, RSS and startup
// times; see bench/README.md "gpu-kubelet-plugin" for what each line
// measures.
//
//   plugin_bench [--samples=300] [--cycles=10000] [--starts=5]
//                [--inproc-only=1] [--cdi-tmpfs=0]
//                [--standalone=1 [--mock-build-dir=DIR]]
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cmd/gpu-kubelet-plugin/plugin_harness.h"
#include "devices/attributes.h"
#include "devices/gpu_devices.h"
#include "gpu/allocatable.h"
#include "gpu/device_state.h"
#include "gpu/driver.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "hw/discovery.h"
#include "k8s/resource.h"
#include "kubeletplugin/claim_getter.h"
#include "kubeletplugin/plugin_server.h"
#include "nvml/dl_library.h"

namespace {

using plugin_test::Alloc;
using plugin_test::ClaimRef;
using plugin_test::PluginHarness;
using Clock = std::chrono::steady_clock;

// The harness in use, stopped (plugin, API server, temp dir) by Die().
std::unique_ptr<PluginHarness>* g_live = nullptr;

[[noreturn]] void Die(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "plugin_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  if (g_live != nullptr) g_live->reset();
  std::exit(1);
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Percentiles {
  double p50, p99, max;
};
Percentiles Of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  return {at(0.50), at(0.99), v.back()};
}
void Report(const std::string& name, const std::vector<double>& ms) {
  Percentiles p = Of(ms);
  std::printf("%-52s n=%-5zu p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", name.c_str(), ms.size(),
              p.p50, p.p99, p.max);
}

int Flag(int argc, char** argv, const std::string& name, int def) {
  std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).rfind(prefix, 0) == 0) return std::atoi(argv[i] + prefix.size());
  return def;
}

// The 8-device claim on dgx-a100-half-balanced: gpu-4..7 and the first
// four of `sorted_migs` (MIG device names in order).
std::vector<Alloc> EightDevices(const std::vector<std::string>& sorted_migs) {
  if (sorted_migs.size() < 4) Die("devices", absl::InternalError("fewer than 4 MIG devices"));
  std::vector<Alloc> out;
  for (int i = 4; i < 8; ++i) out.push_back({absl::StrCat("r", i - 4), absl::StrCat("gpu-", i)});
  for (int i = 0; i < 4; ++i) out.push_back({absl::StrCat("r", 4 + i), sorted_migs[i]});
  return out;
}

// The 8-device claim from the MIG devices of the published slices.
std::vector<Alloc> EightDevices(PluginHarness& h) {
  auto migs = h.SortedMigDeviceNames(20, absl::Minutes(2));
  if (!migs.ok()) Die("slices", migs.status());
  return EightDevices(*migs);
}

// The 1-GPU claim.
std::vector<Alloc> OneGpu() { return {{"gpu", "gpu-5"}}; }

// A claim of all 8 full GPUs of a dgx-a100 node.
std::vector<Alloc> EightGpus() {
  std::vector<Alloc> gpus;
  for (int i = 0; i < 8; ++i) gpus.push_back({absl::StrCat("r", i), absl::StrCat("gpu-", i)});
  return gpus;
}

// NodePrepareResources (v1) latency over the socket; each sample is one
// Prepare (timed) followed by an Unprepare (not timed).
std::vector<double> SocketPrepare(PluginHarness& h, const ClaimRef& c, int samples) {
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    auto t0 = Clock::now();
    auto r = h.PrepareV1({c});
    auto t1 = Clock::now();
    if (!r.ok()) Die("prepare", r.status());
    if (!r->claims().at(c.uid).error().empty())
      Die("prepare", absl::InternalError(r->claims().at(c.uid).error()));
    ms.push_back(Ms(t1 - t0));
    auto u = h.UnprepareV1({c});
    if (!u.ok()) Die("unprepare", u.status());
  }
  return ms;
}

// A claim's devices and how its lines are labelled ("1 device(s)").
struct ClaimSet {
  std::string label;
  std::vector<Alloc> allocs;
};

// CPU time of the calling thread (user + system), in ms.
double ThreadCpuMs() {
  timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// The claims of the no-GET socket run, handed out from memory: the seam the
// plugin runtime reads claims through (kubeletplugin::ClaimGetter), with the
// API server taken out.
class ClaimsInMemory final : public kubeletplugin::ClaimGetter {
 public:
  void Add(const k8s::ResourceClaim& c) { claims_[c.metadata.name] = c; }
  absl::StatusOr<k8s::ResourceClaim> Get(const std::string& ns, const std::string& name) override {
    auto it = claims_.find(name);
    if (it == claims_.end() || it->second.metadata.namespace_ != ns)
      return absl::NotFoundError(absl::StrCat("claim ", ns, "/", name));
    return it->second;
  }

 private:
  std::map<std::string, k8s::ResourceClaim> claims_;  // written before the server starts
};

// NodePrepareResources v1 over a real Unix socket without the claim GET:
// the plugin runtime (kubeletplugin::PluginServer: gRPC services, sockets)
// and the GPU driver (gpu::Driver over `state`) run in this process, the
// claims come from memory; the bench is the gRPC client, as the kubelet.
void SocketWithoutGet(gpu::DeviceState* state, const std::string& dir,
                      const std::vector<k8s::ResourceClaim>& claims,
                      const std::vector<ClaimSet>& sets, int samples) {
  ClaimsInMemory getter;
  for (const auto& c : claims) getter.Add(c);
  gpu::Driver driver(state, nullptr, [](const k8s::ResourceClaim&, const absl::Status&) {});
  kubeletplugin::PluginServerOptions po;
  po.driver_name = devices::kGpuDriverName;
  po.node_name = "bench";
  po.registrar_dir = dir + "/reg";
  po.plugins_dir = dir + "/plugins";
  std::filesystem::create_directories(po.registrar_dir);  // the kubelet's, on a node
  kubeletplugin::PluginServer server(po, &getter, &driver);
  if (absl::Status s = server.Start(); !s.ok()) Die("in-process plugin server", s);
  auto stub = plugin_test::drav1::DRAPlugin::NewStub(grpc::CreateChannel(
      "unix://" + server.dra_socket_path(), grpc::InsecureChannelCredentials()));
  for (size_t k = 0; k < claims.size(); ++k) {
    const k8s::ResourceClaim& c = claims[k];
    plugin_test::drav1::NodePrepareResourcesRequest req;
    plugin_test::drav1::NodeUnprepareResourcesRequest ureq;
    const ClaimRef ref{c.metadata.namespace_, c.metadata.name, c.metadata.uid};
    plugin_test::FillClaims(&req, {ref});
    plugin_test::FillClaims(&ureq, {ref});
    std::vector<double> ms;
    for (int i = 0; i < samples; ++i) {
      plugin_test::drav1::NodePrepareResourcesResponse resp;
      grpc::ClientContext ctx;
      auto t0 = Clock::now();
      grpc::Status gs = stub->NodePrepareResources(&ctx, req, &resp);
      auto t1 = Clock::now();
      if (!gs.ok()) Die("no-GET prepare", absl::UnavailableError(gs.error_message()));
      const auto& entry = resp.claims().at(c.metadata.uid);
      if (!entry.error().empty()) Die("no-GET prepare", absl::InternalError(entry.error()));
      ms.push_back(Ms(t1 - t0));
      plugin_test::drav1::NodeUnprepareResourcesResponse uresp;
      grpc::ClientContext uctx;
      gs = stub->NodeUnprepareResources(&uctx, ureq, &uresp);
      if (!gs.ok() || !uresp.claims().at(c.metadata.uid).error().empty())
        Die("no-GET unprepare", absl::InternalError(gs.error_message()));
    }
    Report(absl::StrCat("NodePrepareResources v1 over the socket, no GET, ", sets[k].label), ms);
  }
  server.Stop();
}

// DeviceState::Prepare in this process (no gRPC, no claim GET), on its own
// checkpoint and CDI dirs over the same driver root; then the same claims
// over a socket served in this process (SocketWithoutGet).
// Where the in-process lines run: a mock driver root, a node name, a
// directory on disk for the checkpoint and a CDI directory.
struct InProcessSetup {
  std::string driver_root, node_name, dir, cdi;
  hw::NodeInfo node;  // DiscoverMock(driver_root)
};

hw::NodeInfo DiscoverMock(const std::string& driver_root) {
  ::setenv("NVML_MOCK_ROOT", driver_root.c_str(), 1);
  ::setenv("NVML_MOCK_DEV_DIR", (driver_root + "/dev").c_str(), 1);
  auto lib = nvml::LoadFromDriverRoot(driver_root);
  if (!lib.ok()) Die("nvml", lib.status());
  hw::DiscoveryOptions dopts;
  dopts.driver_root = driver_root;
  dopts.sysfs_root = driver_root;
  auto node = hw::Discover(**lib, dopts);
  if (!node.ok()) Die("discover", node.status());
  return *node;
}

void InProcess(const InProcessSetup& where, const std::vector<ClaimSet>& sets, int samples) {
  const hw::NodeInfo& node = where.node;
  const std::string& dir = where.dir;
  const std::string& cdi = where.cdi;
  std::filesystem::create_directories(dir + "/plugin");
  std::filesystem::create_directories(cdi);
  gpu::DeviceStateOptions o;
  o.driver_name = devices::kGpuDriverName;
  o.node_name = where.node_name;
  o.plugin_dir = dir + "/plugin";
  o.cdi_root = cdi;
  o.cdi.host_driver_root = where.driver_root;
  o.cdi.container_driver_root = where.driver_root;
  o.cdi.proc_root = where.driver_root + "/proc";
  o.cdi.cdi_hook_path = "/usr/bin/true";
  auto st = gpu::DeviceState::Create(o, gpu::BuildAllocatable(node), "boot-1");
  if (!st.ok()) Die("DeviceState", st.status());
  if (auto r = (*st)->Reconcile(); !r.ok()) Die("reconcile", r.status());
  std::vector<k8s::ResourceClaim> claims;
  for (const ClaimSet& set : sets) {
    const auto* allocs = &set.allocs;
    k8s::ResourceClaim c;
    c.metadata.uid = absl::StrCat("inproc-", allocs->size());
    c.metadata.name = c.metadata.uid;
    c.metadata.namespace_ = "bench";
    k8s::AllocationResult a;
    for (const auto& [req, dev] : *allocs)
      a.results.push_back({req, devices::kGpuDriverName, o.node_name, dev});
    c.status.allocation = a;
    std::vector<double> ms, cpu_ms;
    for (int i = 0; i < samples; ++i) {
      double c0 = ThreadCpuMs();
      auto t0 = Clock::now();
      auto r = (*st)->Prepare(c);
      auto t1 = Clock::now();
      cpu_ms.push_back(ThreadCpuMs() - c0);
      if (!r.ok()) Die("in-process prepare", r.status());
      ms.push_back(Ms(t1 - t0));
      if (absl::Status s = (*st)->Unprepare(c.metadata.uid); !s.ok()) Die("unprepare", s);
    }
    Report(absl::StrCat("DeviceState::Prepare in-process, ", set.label), ms);
    Report(absl::StrCat("  of which CPU time of the calling thread"), cpu_ms);
    claims.push_back(c);
  }
  SocketWithoutGet(st->get(), dir, claims, sets, samples);
}

// A mock driver root for `topology` under `dir` (make-driver-root with
// the mock built in `mock_build`); returns its path.
std::string MakeMockRoot(const std::string& dir, const std::string& topology,
                         const std::string& mock_build) {
  const std::string root = dir + "/root-" + topology;
  const std::string cmd = absl::StrCat(
      DRA_SOURCE_DIR, "/testing/nvml-mock/make-driver-root --build-dir '", mock_build, "' '", root,
      "' ", topology, " > '", root, ".log' 2>&1");
  if (std::system(cmd.c_str()) != 0) Die(cmd, absl::InternalError("make-driver-root failed"));
  return root;
}

// The in-process and no-GET lines for a claim of all 8 full GPUs of a
// dgx-a100 mock root (the 8-device claim above mixes GPUs and MIG devices).
void EightGpusInProcess(const std::string& tmp, const std::string& mock_build,
                        const std::string& cdi, int samples) {
  const std::string root = MakeMockRoot(tmp, "dgx-a100", mock_build);
  InProcess({root, "bench-dgx", tmp + "/inproc-dgx", cdi, DiscoverMock(root)},
            {{"8 GPUs", EightGpus()}}, samples);
}

// VmRSS split by mapping (from /proc/<pid>/smaps): anonymous memory
// (heap, thread stacks, arenas) apart from the pages of each mapped file,
// largest first; what "RSS idle" is made of.
void RssBreakdown(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/smaps"));
  std::map<std::string, int64_t> by_name;
  std::string line, name;
  int64_t anon = 0, file = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find('-') != std::string::npos && line.find(':') > line.find(' ')) {
      // "start-end perms offset dev inode   path"
      std::istringstream ls(line);
      std::string range, perms, off, dev, inode;
      ls >> range >> perms >> off >> dev >> inode;
      std::getline(ls, name);
      name.erase(0, name.find_first_not_of(' '));
      if (name.empty()) name = "[anonymous]";
      continue;
    }
    if (line.rfind("Rss:", 0) == 0) {
      int64_t kib = std::stoll(line.substr(4));
      by_name[name] += kib;
      (name[0] == '/' ? file : anon) += kib;
    }
  }
  std::vector<std::pair<int64_t, std::string>> v;
  for (const auto& [n, k] : by_name) v.push_back({k, n});
  std::sort(v.rbegin(), v.rend());
  std::printf("  RSS by mapping: anonymous and special %lld KiB, files %lld KiB; largest:\n",
              static_cast<long long>(anon), static_cast<long long>(file));
  for (size_t i = 0; i < v.size() && i < (std::getenv("RSS_ALL") ? v.size() : 14); ++i)
    std::printf("    %6lld KiB  %s\n", static_cast<long long>(v[i].first), v[i].second.c_str());
  std::printf("  %zu mappings named; from smaps_rollup:", by_name.size());
  std::ifstream roll(absl::StrCat("/proc/", pid, "/smaps_rollup"));
  while (std::getline(roll, line)) {
    for (const char* k : {"Pss:", "Private_Clean:", "Private_Dirty:", "Shared_Clean:",
                          "Anonymous:"}) {
      if (line.rfind(k, 0) == 0) {
        std::printf(" %s %lld KiB", k, std::stoll(line.substr(std::strlen(k))));
      }
    }
  }
  std::printf("\n");
}

int64_t Rss(PluginHarness& h) {
  auto r = h.RssKiB();
  if (!r.ok()) Die("rss", r.status());
  return *r;
}

void PrepareBench(int samples, int cycles, bool inproc_only, const std::string& cdi_root) {
  plugin_test::HarnessOptions o;
  o.cdi_root = cdi_root;
  // The default client limit (5 QPS, burst 10) would cap the claim GETs.
  o.extra_args = {"--kube-api-qps=10000", "--kube-api-burst=10000"};
  auto hs = PluginHarness::Create(o);
  if (!hs.ok()) Die("harness", hs.status());
  g_live = &*hs;
  PluginHarness& h = **hs;
  if (absl::Status s = h.StartPlugin(); !s.ok()) Die("start", s);
  const std::vector<Alloc> one = OneGpu();
  const std::vector<Alloc> eight = EightDevices(h);
  absl::SleepFor(absl::Seconds(2));
  std::printf("plugin RSS idle after start: %lld KiB\n", static_cast<long long>(Rss(h)));
  RssBreakdown(h.pid());
  // In-process first, while the API server and etcd are quiet (after the
  // socket runs etcd compacts and syncs, and its fsyncs share the disk).
  // The checkpoint beside the harness's (disk), the CDI specs beside its
  // CDI root (tmpfs unless --cdi-tmpfs=0).
  InProcess({h.driver_root(), h.options().node_name, h.plugin_dir() + "/../inproc",
             h.cdi_root() + "-inproc", DiscoverMock(h.driver_root())},
            {{"1 device(s)", one}, {"8 device(s)", eight}}, samples);
  EightGpusInProcess(h.plugin_dir() + "/..", DRA_BINARY_DIR, h.cdi_root() + "-inproc-dgx", samples);
  if (inproc_only) {
    g_live = nullptr;
    return;
  }

  auto c1 = h.CreateClaim("bench-1", one);
  auto c8 = h.CreateClaim("bench-8", eight);
  if (!c1.ok()) Die("claim", c1.status());
  if (!c8.ok()) Die("claim", c8.status());
  Report("NodePrepareResources v1 over the socket, 1 GPU", SocketPrepare(h, *c1, samples));
  Report("NodePrepareResources v1 over the socket, 8 devices", SocketPrepare(h, *c8, samples));

  auto t0 = Clock::now();
  int64_t rss_mid = 0;
  for (int i = 0; i < cycles; ++i) {
    auto r = h.PrepareV1({*c1});
    if (!r.ok() || !r->claims().at(c1->uid).error().empty()) Die("cycle prepare", r.status());
    auto u = h.UnprepareV1({*c1});
    if (!u.ok()) Die("cycle unprepare", u.status());
    if (i == cycles / 10) rss_mid = Rss(h);
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("sustained prepare+unprepare cycles (1 GPU): %d in %.1f s = %.1f cycles/s\n", cycles,
              secs, cycles / secs);
  std::printf("plugin RSS after %d cycles: %lld KiB (after %d: %lld KiB)\n", cycles + 2 * samples,
              static_cast<long long>(Rss(h)), cycles / 10 + 2 * samples,
              static_cast<long long>(rss_mid));
  if (absl::Status s = h.StopPlugin(); !s.ok()) Die("stop", s);
  g_live = nullptr;
}

// Process start -> GetInfo answers and -> the node's slices list all 8
// GPUs (polled every 50 ms from outside), plus the plugin's own log lines
// (measured from App::Start, i.e. after flag parsing and logging setup).
void StartupBench(int starts, int samples) {
  plugin_test::HarnessOptions o;
  o.topology = "dgx-a100";
  o.node_name = "node-dgx";
  o.extra_args = {"--kube-api-qps=10000", "--kube-api-burst=10000"};
  auto hs = PluginHarness::Create(o);
  if (!hs.ok()) Die("harness", hs.status());
  g_live = &*hs;
  PluginHarness& h = **hs;
  std::regex reg_re("registration socket .* created ([0-9]+) ms after start");
  std::regex pub_re("ResourceSlices published ([0-9]+) ms after start");
  for (int i = 0; i < starts; ++i) {
    auto t0 = Clock::now();
    if (absl::Status s = h.SpawnPlugin(); !s.ok()) Die("spawn", s);
    if (absl::Status s = h.WaitForRegistration(absl::Minutes(2)); !s.ok()) Die("registration", s);
    double reg = Ms(Clock::now() - t0);
    std::string log;
    std::smatch mr, mp;
    for (int k = 0; k < 600; ++k) {
      log = h.Log();
      if (std::regex_search(log, mp, pub_re)) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    double pub = Ms(Clock::now() - t0);
    std::regex_search(log, mr, reg_re);
    std::printf(
        "start %d: GetInfo answers %.0f ms after fork; slices-published log line seen %.0f "
        "ms after fork; plugin log: registration %s ms, slices published %s ms\n",
        i + 1, reg, pub,
        mr.size() > 1 ? mr[1].str().c_str() : "?", mp.size() > 1 ? mp[1].str().c_str() : "?");
    auto sl = h.WaitForSlices(8, absl::Minutes(1));
    if (!sl.ok()) Die("slices", sl.status());
    std::printf("  RSS %lld KiB\n", static_cast<long long>(Rss(h)));
    if (i == starts - 1 && samples > 0) {  // a claim of all 8 GPUs, with the GET
      auto c = h.CreateClaim("bench-8gpu", EightGpus());
      if (!c.ok()) Die("claim", c.status());
      Report("NodePrepareResources v1 over the socket, 8 GPUs", SocketPrepare(h, *c, samples));
    }
    if (absl::Status s = h.StopPlugin(); !s.ok()) Die("stop", s);
    // Delete the slices so that every start measures a full publish.
    for (const auto& s : *sl) {
      absl::Status d = h.client().Delete(k8s::ResourceSlices("v1"), "",
                                         s["metadata"]["name"].get<std::string>());
      if (!d.ok()) Die("delete slice", d);
    }
  }
  g_live = nullptr;
}

// --standalone=1: only the in-process and no-GET socket lines, without an
// API server or a plugin process (for a machine that has neither, e.g. a
// GPU machine: bench/README.md). The mock driver root comes from
// make-driver-root with the mock built in `mock_build`; the 8-device claim
// is gpu-4..7 and the first four MIG devices by name, as in EightDevices(),
// plus the 8-GPU claim of EightGpusInProcess().
void Standalone(int samples, const std::string& mock_build, const std::string& cdi_parent) {
  char tmpl[] = "/tmp/h7sXXXXXX";
  if (::mkdtemp(tmpl) == nullptr) Die("mkdtemp", absl::InternalError("failed"));
  const std::string tmp = tmpl;
  const std::string root = MakeMockRoot(tmp, "dgx-a100-half-balanced", mock_build);
  const hw::NodeInfo node = DiscoverMock(root);
  auto built = devices::BuildGpuDevices(node);
  if (!built.ok()) Die("devices", built.status());
  std::vector<std::string> migs;
  for (const auto& d : built->devices) {
    if (d.name.find("-mig-") != std::string::npos) migs.push_back(d.name);
  }
  std::sort(migs.begin(), migs.end());
  const std::string cdi = cdi_parent.empty() ? tmp + "/cdi" : cdi_parent + "/cdi-inproc";
  InProcess({root, "bench-node", tmp + "/inproc", cdi, node},
            {{"1 device(s)", OneGpu()}, {"8 device(s)", EightDevices(migs)}}, samples);
  EightGpusInProcess(tmp, mock_build, cdi + "-dgx", samples);
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress visible when redirected
  int samples = Flag(argc, argv, "samples", 300);
  int cycles = Flag(argc, argv, "cycles", 10000);
  int starts = Flag(argc, argv, "starts", 5);
  bool inproc_only = Flag(argc, argv, "inproc-only", 0) != 0;
  // CDI specs on tmpfs, as on a node (--cdi-root defaults to /var/run/cdi,
  // and /var/run is tmpfs); the checkpoint stays on disk. --cdi-tmpfs=0
  // puts the specs on disk too.
  std::string cdi_parent;
  if (Flag(argc, argv, "cdi-tmpfs", 1) != 0) {
    char tmpl[] = "/dev/shm/h7cdiXXXXXX";
    if (::mkdtemp(tmpl) == nullptr) Die("mkdtemp /dev/shm", absl::InternalError("failed"));
    cdi_parent = tmpl;
  }
  std::printf("CDI root: %s\n", cdi_parent.empty() ? "in the harness's temp dir (disk)"
                                                     : (cdi_parent + " (tmpfs)").c_str());
  if (Flag(argc, argv, "standalone", 0) != 0) {
    std::string mock_build = DRA_BINARY_DIR;
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]).rfind("--mock-build-dir=", 0) == 0) mock_build = argv[i] + 17;
    }
    Standalone(samples, mock_build, cdi_parent);
  } else {
    if (!inproc_only) StartupBench(starts, samples);
    PrepareBench(samples, cycles, inproc_only, cdi_parent.empty() ? "" : cdi_parent + "/cdi");
  }
  if (!cdi_parent.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(cdi_parent, ec);
  }
  return 0;
}

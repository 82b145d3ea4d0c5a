#include "cmd/gpu-kubelet-plugin/plugin_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "k8s/config.h"
#include "k8s/discovery.h"
#include "k8s/resource.h"
#include "kubeletplugin/socket_names.h"

namespace plugin_test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr char kDriver[] = "gpu.nvidia.com";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status FromGrpc(const grpc::Status& s, const char* what) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

grpc::ClientContext* WithDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return ctx;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginHarness>> PluginHarness::Create(HarnessOptions options) {
  std::unique_ptr<PluginHarness> h(new PluginHarness(std::move(options)));
  // Short paths: unix socket paths must stay under 108 bytes.
  char tmpl[] = "/tmp/h7pXXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  h->dir_ = tmpl;
  h->driver_root_ = h->dir_ + "/root";
  h->plugins_ = h->dir_ + "/p";
  h->registrar_ = h->dir_ + "/r";
  h->plugin_dir_ = h->plugins_ + "/" + kDriver;
  h->cdi_root_ = h->options_.cdi_root.empty() ? h->dir_ + "/cdi" : h->options_.cdi_root;
  std::error_code ec;
  fs::create_directories(h->registrar_, ec);

  // Mock driver root.
  if (!fs::exists(DRA_PLUGIN_BINARY))
    return absl::FailedPreconditionError(
        absl::StrCat("plugin binary missing: ", DRA_PLUGIN_BINARY, " (build gpu-kubelet-plugin)"));
  std::string mk_log = h->dir_ + "/make-driver-root.log";
  std::string cmd = absl::StrCat(DRA_SOURCE_DIR, "/testing/nvml-mock/make-driver-root --build-dir ",
                                 DRA_BINARY_DIR, " ", h->driver_root_, " ",
                                 h->options_.topology, " > ", mk_log, " 2>&1");
  if (std::system(cmd.c_str()) != 0)
    return absl::FailedPreconditionError(
        absl::StrCat("make-driver-root failed (build nvml_mock nvml-mock-smi nvml-mock-ctl): ",
                     ReadAll(mk_log)));
  h->SetBootId("boot-1");

  // API server, client, Node, namespace.
  absl::StatusOr<std::unique_ptr<k8s::OwnApiServer>> srv =
      k8s::OwnApiServer::Start(h->dir_ + "/apiserver", h->options_.kube_version);
  if (!srv.ok()) return srv.status();
  h->apiserver_ = std::move(*srv);
  absl::StatusOr<k8s::RestConfig> rc = k8s::LoadKubeconfig(h->apiserver_->kubeconfig());
  if (!rc.ok()) return rc.status();
  absl::StatusOr<std::unique_ptr<k8s::HttpTransport>> t = k8s::NewHttpTransport(*rc);
  if (!t.ok()) return t.status();
  h->transport_ = std::move(*t);
  k8s::ClientOptions co;
  co.qps = 0;
  co.timeout = absl::Seconds(10);
  co.retry.max_attempts = 2;
  h->client_ = std::make_unique<k8s::Client>(h->transport_.get(), co);
  json node = {{"apiVersion", "v1"},
               {"kind", "Node"},
               {"metadata", {{"name", h->options_.node_name}}}};
  absl::StatusOr<json> created = h->client_->Create(k8s::Nodes(), "", node);
  if (!created.ok()) return created.status();
  h->node_uid_ = (*created)["metadata"]["uid"].get<std::string>();
  json ns = {{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata", {{"name", h->options_.namespace_}}}};
  if (absl::StatusOr<json> n = h->client_->Create(k8s::Namespaces(), "", ns); !n.ok())
    return n.status();
  // A fresh API server answers /readyz before its discovery lists
  // resource.k8s.io; the plugin refuses to start without it.
  absl::Status served = absl::UnavailableError("not asked");
  for (absl::Time end = absl::Now() + absl::Minutes(1); absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(100))) {
    absl::StatusOr<std::vector<std::string>> v = k8s::ServedResourceVersions(*h->client_);
    if (v.ok() && !v->empty()) {
      served = absl::OkStatus();
      break;
    }
    served = v.ok() ? absl::UnavailableError("/apis lists no resource.k8s.io version") : v.status();
  }
  if (!served.ok()) return served;
  return h;
}

PluginHarness::~PluginHarness() {
  KillPlugin();
  dra_channel_.reset();
  if (apiserver_) apiserver_->Stop();
  std::error_code ec;
  if (!dir_.empty() && std::getenv("DRA_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_, ec);
}

void PluginHarness::SetBootId(const std::string& id) {
  std::string d = driver_root_ + "/proc/sys/kernel/random";
  std::error_code ec;
  fs::create_directories(d, ec);
  std::ofstream(d + "/boot_id") << id << "\n";
}

std::vector<std::string> PluginHarness::Argv() const {
  std::vector<std::string> args = {DRA_PLUGIN_BINARY,
          "--node-name=" + options_.node_name,
          "--image-name=x",
          "--nvidia-driver-root=" + driver_root_,
          "--container-driver-root=" + driver_root_,
          "--kubeconfig=" + apiserver_->kubeconfig(),
          "--cdi-root=" + cdi_root_,
          "--kubelet-registrar-directory-path=" + registrar_,
          "--kubelet-plugins-directory-path=" + plugins_,
          "--nvidia-cdi-hook-path=/usr/bin/true"};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  return args;
}

std::map<std::string, std::string> PluginHarness::Env() const {
  std::map<std::string, std::string> env;
  for (const char* keep : {"PATH", "HOME", "LANG"})
    if (const char* v = std::getenv(keep)) env[keep] = v;
  env["NVML_MOCK_DEV_DIR"] = driver_root_ + "/dev";
  env["NVML_MOCK_ROOT"] = driver_root_;
  env["DRA_PROC_ROOT"] = driver_root_ + "/proc";
  env["DRA_SYSFS_ROOT"] = driver_root_;
  return env;
}

absl::Status PluginHarness::SpawnPlugin(const std::map<std::string, std::string>& extra_env) {
  if (pid_ > 0) return absl::FailedPreconditionError("plugin already running");
  log_path_ = absl::StrCat(dir_, "/plugin-", ++starts_, ".log");
  std::vector<std::string> args = Argv();
  std::map<std::string, std::string> env = Env();
  for (const auto& [k, v] : extra_env) env[k] = v;
  std::vector<std::string> env_strs;
  for (const auto& [k, v] : env) env_strs.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strs) envp.push_back(e.data());
  envp.push_back(nullptr);
  int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", log_path_));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fd);
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status PluginHarness::StartPlugin(const std::map<std::string, std::string>& extra_env,
                                        absl::Duration wait) {
  if (absl::Status s = SpawnPlugin(extra_env); !s.ok()) return s;
  return WaitForRegistration(wait);
}

absl::Status PluginHarness::WaitForRegistration(absl::Duration wait) {
  absl::Time deadline = absl::Now() + wait;
  absl::Status last = absl::UnavailableError("not tried");
  while (absl::Now() < deadline) {
    int st = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::AbortedError(absl::StrCat("plugin exited (wait status ", st,
                                             ") before registering; log:\n", Log()));
    }
    absl::StatusOr<pluginregistration::PluginInfo> info = GetInfo();
    if (info.ok()) return absl::OkStatus();
    last = info.status();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no registration after ", absl::FormatDuration(wait), ": ", last.message(),
                   "; log:\n", Log()));
}

absl::StatusOr<int> PluginHarness::WaitExit(absl::Duration wait) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no plugin process");
  absl::Time deadline = absl::Now() + wait;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      dra_channel_.reset();
      return st;
    }
    if (r < 0) return absl::InternalError("waitpid failed");
    if (absl::Now() > deadline)
      return absl::DeadlineExceededError(absl::StrCat("plugin ", pid_, " still running"));
    absl::SleepFor(absl::Milliseconds(10));
  }
}

absl::Status PluginHarness::StopPlugin(absl::Duration wait) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no plugin process");
  ::kill(pid_, SIGTERM);
  absl::StatusOr<int> st = WaitExit(wait);
  if (!st.ok()) {
    KillPlugin();
    return st.status();
  }
  if (!WIFEXITED(*st) || WEXITSTATUS(*st) != 0)
    return absl::InternalError(
        absl::StrCat("plugin did not exit cleanly (wait status ", *st, "); log:\n", Log()));
  return absl::OkStatus();
}

void PluginHarness::KillPlugin() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  dra_channel_.reset();
}

std::string PluginHarness::Log() const { return log_path_.empty() ? "" : ReadAll(log_path_); }

absl::StatusOr<int64_t> PluginHarness::RssKiB() const {
  if (pid_ <= 0) return absl::FailedPreconditionError("no plugin process");
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return absl::NotFoundError("no VmRSS line");
}

// --- gRPC ---

absl::StatusOr<pluginregistration::PluginInfo> PluginHarness::GetInfo() {
  absl::StatusOr<std::string> path =
      kubeletplugin::RegistrationSocketPath(registrar_, kDriver, "");
  if (!path.ok()) return path.status();
  if (!fs::exists(*path)) return absl::UnavailableError(absl::StrCat("no socket ", *path));
  auto ch = grpc::CreateChannel("unix://" + *path, grpc::InsecureChannelCredentials());
  auto stub = pluginregistration::Registration::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  pluginregistration::InfoRequest req;
  pluginregistration::PluginInfo info;
  if (absl::Status s = FromGrpc(stub->GetInfo(&ctx, req, &info), "GetInfo"); !s.ok()) return s;
  return info;
}

std::shared_ptr<grpc::Channel> PluginHarness::DraChannel() {
  if (!dra_channel_) {
    dra_channel_ = grpc::CreateChannel("unix://" + plugin_dir_ + "/dra.sock",
                                       grpc::InsecureChannelCredentials());
  }
  return dra_channel_;
}

absl::StatusOr<drav1::NodePrepareResourcesResponse> PluginHarness::PrepareV1(
    const std::vector<ClaimRef>& claims) {
  auto stub = drav1::DRAPlugin::NewStub(DraChannel());
  drav1::NodePrepareResourcesRequest req;
  FillClaims(&req, claims);
  drav1::NodePrepareResourcesResponse resp;
  grpc::ClientContext ctx;
  if (absl::Status s = FromGrpc(stub->NodePrepareResources(WithDeadline(&ctx), req, &resp),
                                "v1 NodePrepareResources");
      !s.ok())
    return s;
  return resp;
}

absl::StatusOr<drav1::NodeUnprepareResourcesResponse> PluginHarness::UnprepareV1(
    const std::vector<ClaimRef>& claims) {
  auto stub = drav1::DRAPlugin::NewStub(DraChannel());
  drav1::NodeUnprepareResourcesRequest req;
  FillClaims(&req, claims);
  drav1::NodeUnprepareResourcesResponse resp;
  grpc::ClientContext ctx;
  if (absl::Status s = FromGrpc(stub->NodeUnprepareResources(WithDeadline(&ctx), req, &resp),
                                "v1 NodeUnprepareResources");
      !s.ok())
    return s;
  return resp;
}

absl::StatusOr<drav1beta1::NodePrepareResourcesResponse> PluginHarness::PrepareV1beta1(
    const std::vector<ClaimRef>& claims) {
  auto stub = drav1beta1::DRAPlugin::NewStub(DraChannel());
  drav1beta1::NodePrepareResourcesRequest req;
  FillClaims(&req, claims);
  drav1beta1::NodePrepareResourcesResponse resp;
  grpc::ClientContext ctx;
  if (absl::Status s = FromGrpc(stub->NodePrepareResources(WithDeadline(&ctx), req, &resp),
                                "v1beta1 NodePrepareResources");
      !s.ok())
    return s;
  return resp;
}

absl::StatusOr<drav1beta1::NodeUnprepareResourcesResponse> PluginHarness::UnprepareV1beta1(
    const std::vector<ClaimRef>& claims) {
  auto stub = drav1beta1::DRAPlugin::NewStub(DraChannel());
  drav1beta1::NodeUnprepareResourcesRequest req;
  FillClaims(&req, claims);
  drav1beta1::NodeUnprepareResourcesResponse resp;
  grpc::ClientContext ctx;
  if (absl::Status s = FromGrpc(stub->NodeUnprepareResources(WithDeadline(&ctx), req, &resp),
                                "v1beta1 NodeUnprepareResources");
      !s.ok())
    return s;
  return resp;
}

// --- API objects ---

absl::StatusOr<ClaimRef> PluginHarness::CreateClaim(const std::string& name,
                                                    const std::vector<Alloc>& devices,
                                                    const json& config) {
  json requests = json::array(), results = json::array();
  for (const auto& [req, dev] : devices) {
    requests.push_back({{"name", req}, {"exactly", {{"deviceClassName", kDriver}}}});
    results.push_back(
        {{"request", req}, {"driver", kDriver}, {"pool", options_.node_name}, {"device", dev}});
  }
  json claim = {{"apiVersion", "resource.k8s.io/v1"},
                {"kind", "ResourceClaim"},
                {"metadata", {{"name", name}, {"namespace", options_.namespace_}}},
                {"spec", {{"devices", {{"requests", requests}}}}}};
  const k8s::Resource claims = k8s::ResourceClaims("v1");
  absl::StatusOr<json> created = client_->Create(claims, options_.namespace_, claim);
  if (!created.ok()) return created.status();
  json devs = {{"results", results}};
  if (!config.empty()) devs["config"] = config;
  (*created)["status"] = {{"allocation", {{"devices", devs}}}};
  absl::StatusOr<json> updated = client_->UpdateStatus(claims, options_.namespace_, *created);
  if (!updated.ok()) return updated.status();
  return ClaimRef{options_.namespace_, name, (*created)["metadata"]["uid"].get<std::string>()};
}

absl::StatusOr<std::vector<json>> PluginHarness::Slices() {
  k8s::ListOptions lo;
  lo.field_selector = "spec.nodeName=" + options_.node_name;
  absl::StatusOr<json> l = client_->List(k8s::ResourceSlices("v1"), "", lo);
  if (!l.ok()) return l.status();
  std::vector<json> out;
  for (const json& s : (*l)["items"])
    if (s["spec"].value("driver", "") == kDriver) out.push_back(s);
  return out;
}

absl::StatusOr<std::vector<json>> PluginHarness::WaitForSlices(size_t want_devices,
                                                               absl::Duration wait) {
  absl::Time deadline = absl::Now() + wait;
  size_t have = 0;
  while (absl::Now() < deadline) {
    absl::StatusOr<std::vector<json>> s = Slices();
    if (s.ok()) {
      have = 0;
      for (const json& sl : *s) have += sl["spec"].value("devices", json::array()).size();
      if (have == want_devices) return s;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("slices list ", have, " devices, want ", want_devices, "; log:\n", Log()));
}

absl::StatusOr<std::vector<std::string>> PluginHarness::SortedMigDeviceNames(
    size_t want_devices, absl::Duration wait) {
  absl::StatusOr<std::vector<json>> slices = WaitForSlices(want_devices, wait);
  if (!slices.ok()) return slices.status();
  std::vector<std::string> migs;
  for (const json& s : *slices) {
    for (const json& d : s["spec"]["devices"]) {
      std::string n = d["name"];
      if (n.find("-mig-") != std::string::npos) migs.push_back(n);
    }
  }
  std::sort(migs.begin(), migs.end());
  return migs;
}

absl::StatusOr<std::vector<json>> PluginHarness::ClaimEvents(const ClaimRef& claim) {
  absl::StatusOr<json> l = client_->List(k8s::Events(), claim.namespace_);
  if (!l.ok()) return l.status();
  std::vector<json> out;
  for (const json& e : (*l)["items"]) {
    if (e.contains("regarding") && e["regarding"].value("uid", "") == claim.uid) out.push_back(e);
  }
  return out;
}

// --- Files ---

std::string PluginHarness::SpecPath(const std::string& claim_uid) const {
  return cdi_root_ + "/k8s.gpu.nvidia.com-claim_" + claim_uid + ".yaml";
}

std::vector<std::string> PluginHarness::SpecFilesOf(const std::string& claim_uid) const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cdi_root_, ec)) {
    std::string n = e.path().filename().string();
    if (n.find(claim_uid) != std::string::npos) out.push_back(e.path().string());
  }
  return out;
}

absl::StatusOr<json> PluginHarness::Checkpoint() const {
  std::string path = plugin_dir_ + "/checkpoint.json";
  if (!fs::exists(path)) return json::object();
  json j = json::parse(ReadAll(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::DataLossError(absl::StrCat(path, " is not JSON"));
  return j;
}

std::string PluginHarness::CheckpointState(const std::string& claim_uid) const {
  absl::StatusOr<json> cp = Checkpoint();
  if (!cp.ok()) return "<unreadable>";
  const json* claims = nullptr;
  if (cp->contains("v2") && (*cp)["v2"].contains("preparedClaims"))
    claims = &(*cp)["v2"]["preparedClaims"];
  if (claims == nullptr || !claims->contains(claim_uid)) return "";
  return (*claims)[claim_uid].value("checkpointState", "<none>");
}

}  // namespace plugin_test

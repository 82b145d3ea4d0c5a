#include "cmd/gpu-kubelet-plugin/app.h"
#include "cmd/gpu-kubelet-plugin/discovery_child.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cdi/driver_root.h"
#include "config/feature_gates.h"
#include "devices/attributes.h"
#include "devices/gpu_devices.h"
#include "glog/logging.h"
#include "gpu/allocatable.h"
#include "gpu/device_state.h"
#include "gpu/driver.h"
#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/discovery.h"
#include "k8s/event_recorder.h"
#include "k8s/http_transport.h"
#include "kubeletplugin/claim_getter.h"
#include "kubeletplugin/plugin_server.h"
#include "kubeletplugin/slice_publisher.h"
#include "metrics/driver_metrics.h"
#include "metrics/http_server.h"
#include "state/boot_id.h"
#include "util/status_macros.h"

namespace plugin {
namespace {

namespace fs = std::filesystem;

constexpr char kReportingController[] = "gpu.nvidia.com/kubelet-plugin";

absl::Status EnsureDir(const std::string& path, fs::perms perms) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_directory(path, ec))
    return absl::FailedPreconditionError(absl::StrCat(path, " exists but is not a directory"));
  fs::create_directories(path, ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir ", path, ": ", ec.message()));
  fs::permissions(path, perms, ec);
  return absl::OkStatus();
}

// The cdi-hook shipped beside this binary, copied into the plugin directory
// (a hostPath both the plugin and the runtime see), like the reference does
// with nvidia-cdi-hook.
absl::StatusOr<std::string> InstallCdiHook(const std::string& plugin_dir) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return absl::InternalError(absl::StrCat("readlink /proc/self/exe: ", ec.message()));
  fs::path src = self.parent_path() / "cdi-hook";
  if (!fs::exists(src, ec)) src = "/usr/bin/cdi-hook";
  if (!fs::exists(src, ec))
    return absl::NotFoundError(absl::StrCat(
        "no cdi-hook binary beside ", self.string(),
        " or in /usr/bin; set --nvidia-cdi-hook-path"));
  fs::path dst = fs::path(plugin_dir) / "nvidia-cdi-hook";
  fs::path tmp = fs::path(plugin_dir) / ".nvidia-cdi-hook.tmp";
  fs::copy_file(src, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("copy ", src.string(), ": ", ec.message()));
  fs::permissions(tmp, fs::perms(0755), ec);
  fs::rename(tmp, dst, ec);
  if (ec) return absl::InternalError(absl::StrCat("rename to ", dst.string(), ": ", ec.message()));
  return dst.string();
}

k8s::ObjectReference NodeRef(const std::string& node) {
  k8s::ObjectReference r;
  r.api_version = "v1";
  r.kind = "Node";
  r.name = node;
  r.uid = node;  // the kubelet's convention for node events
  return r;
}

// Slice publishing outcomes -> metrics (the publisher itself logs and
// records the Node Event).
class SliceMetrics : public kubeletplugin::SlicePublisherObserver {
 public:
  explicit SliceMetrics(metrics::DriverMetrics* m) : m_(m) {}
  void OnPublishError(const std::string& reason, const absl::Status& error) override {
    m_->SlicePublishError(reason);
  }
  void OnReadyChanged(bool ready) override { m_->SetSlicesReady(ready); }

 private:
  metrics::DriverMetrics* m_;
};

}  // namespace

struct App::Parts {
  config::FeatureGates gates;
  std::unique_ptr<metrics::DriverMetrics> metrics;
  std::unique_ptr<metrics::MetricsServer> exposer;
  std::unique_ptr<k8s::HttpTransport> transport;
  std::unique_ptr<k8s::Client> client;
  std::unique_ptr<k8s::HttpTransport> event_transport;
  std::unique_ptr<k8s::Client> event_client;
  std::unique_ptr<k8s::EventRecorder> events;
  std::unique_ptr<gpu::DeviceState> state;
  std::unique_ptr<gpu::Driver> driver;
  std::unique_ptr<kubeletplugin::ApiClaimGetter> getter;
  std::unique_ptr<SliceMetrics> slice_metrics;
  std::unique_ptr<kubeletplugin::SlicePublisher> publisher;
  std::unique_ptr<kubeletplugin::PluginServer> server;
};

App::App(Flags flags) : flags_(std::move(flags)), parts_(std::make_unique<Parts>()) {}
App::~App() { Stop(); }

absl::Status App::Start() {
  auto t0 = std::chrono::steady_clock::now();
  Parts& p = *parts_;
  const std::string driver_name = devices::kGpuDriverName;
  DRA_RETURN_IF_ERROR(p.gates.Set(flags_.feature_gates));
  DRA_RETURN_IF_ERROR(p.gates.Validate());
  for (config::Feature f : {config::Feature::kDynamicMIG, config::Feature::kPassthroughSupport,
                            config::Feature::kNVMLDeviceHealthCheck}) {
    if (p.gates.Enabled(f)) {
      return absl::UnimplementedError(absl::StrCat("feature gate ", std::string(config::FeatureName(f)),
                                                   " is not supported by this driver version"));
    }
  }
  LOG(INFO) << "feature gates: " << p.gates.String();

  // 1-3: plugin dir, CDI hook, CDI root.
  const std::string plugin_dir =
      absl::StrCat(flags_.kubelet_plugins_directory_path, "/", driver_name);
  DRA_RETURN_IF_ERROR(EnsureDir(plugin_dir, fs::perms(0750)));
  std::string hook = flags_.nvidia_cdi_hook_path;
  if (hook.empty()) {
    DRA_ASSIGN_OR_RETURN(hook, InstallCdiHook(plugin_dir));
  }
  DRA_RETURN_IF_ERROR(EnsureDir(flags_.cdi_root, fs::perms(0750)));

  // 5-6: metrics.
  p.metrics = std::make_unique<metrics::DriverMetrics>(driver_name, flags_.node_name);
  if (!flags_.http_endpoint.empty()) {
    DRA_ASSIGN_OR_RETURN(p.exposer, metrics::Serve(flags_.http_endpoint, flags_.metrics_path,
                                                   p.metrics->registry()));
    LOG(INFO) << "metrics on " << flags_.http_endpoint << flags_.metrics_path;
  }

  // Hardware -> devices, discovered in a child process (discovery_child.h):
  // NVML never enters this process.
  ChildDiscoveryOptions dopts;
  dopts.driver_root = flags_.container_driver_root;
  dopts.sysfs_root = flags_.sysfs_root;
  DRA_ASSIGN_OR_RETURN(hw::NodeInfo node, DiscoverInChild(dopts));
  for (const auto& w : node.warnings) LOG(WARNING) << w;
  DRA_ASSIGN_OR_RETURN(devices::BuildResult built, devices::BuildGpuDevices(node));
  for (const auto& w : built.warnings) LOG(WARNING) << w;
  LOG(INFO) << "discovered " << node.gpus.size() << " GPU(s), " << built.devices.size()
            << " allocatable device(s), driver " << node.driverVersion;

  // API client.
  DRA_ASSIGN_OR_RETURN(k8s::RestConfig rest, k8s::LoadConfig(flags_.kubeconfig));
  DRA_ASSIGN_OR_RETURN(p.transport, k8s::NewHttpTransport(rest));
  k8s::ClientOptions co;
  co.qps = flags_.kube_api_qps;
  co.burst = flags_.kube_api_burst;
  p.client = std::make_unique<k8s::Client>(p.transport.get(), co);
  DRA_ASSIGN_OR_RETURN(p.event_transport, k8s::NewHttpTransport(rest));
  k8s::ClientOptions eo = co;
  eo.timeout = absl::Seconds(5);
  eo.retry.max_attempts = 1;
  p.event_client = std::make_unique<k8s::Client>(p.event_transport.get(), eo);
  p.events = std::make_unique<k8s::EventRecorder>(
      p.event_client.get(), k8s::EventRecorderOptions{kReportingController, flags_.node_name});
  // Discovery can lag behind a freshly started API server's readiness:
  // retry for a while before giving up.
  absl::StatusOr<k8s::ApiVersion> api_version = absl::UnavailableError("not tried");
  for (int attempt = 0; attempt < 30; ++attempt) {
    auto served = k8s::ServedResourceVersions(*p.client);
    api_version = served.ok() ? k8s::PickResourceVersion(*served) : served.status();
    if (api_version.ok()) break;
    LOG(WARNING) << "resource.k8s.io discovery: " << api_version.status().message()
                 << " (retrying)";
    absl::SleepFor(absl::Seconds(1));
  }
  if (!api_version.ok()) return api_version.status();

  // Device state (checkpoint + CDI), reconciled before the kubelet can call.
  gpu::DeviceStateOptions so;
  so.driver_name = driver_name;
  so.node_name = flags_.node_name;
  so.plugin_dir = plugin_dir;
  so.cdi_root = flags_.cdi_root;
  so.cdi.host_driver_root = flags_.nvidia_driver_root;
  so.cdi.container_driver_root = flags_.container_driver_root;
  so.cdi.proc_root = flags_.proc_root;
  so.cdi.cdi_hook_path = hook;
  so.gates = p.gates;
  DRA_ASSIGN_OR_RETURN(std::string boot_id, state::ReadBootId(flags_.proc_root));
  DRA_ASSIGN_OR_RETURN(p.state, gpu::DeviceState::Create(so, gpu::BuildAllocatable(node),
                                                          boot_id));
  DRA_ASSIGN_OR_RETURN(gpu::ReconcileReport rec, p.state->Reconcile());
  if (rec.boot_id_changed) LOG(INFO) << "node rebooted since the last checkpoint write";
  for (const auto& uid : rec.rolled_back) LOG(INFO) << "rolled back claim " << uid;
  for (const auto& uid : rec.specs_rebuilt) LOG(INFO) << "rebuilt CDI spec of claim " << uid;
  for (const auto& uid : rec.orphan_specs_removed) {
    LOG(INFO) << "removed CDI spec of claim " << uid << ": no checkpoint entry";
  }
  for (const auto& problem : rec.problems) {
    LOG(WARNING) << problem;
    (void)p.events->Warning(NodeRef(flags_.node_name), "CheckpointProblem", "Reconcile",
                            problem);
  }
  if (auto counts = p.state->PreparedDeviceCounts(); counts.ok())
    p.metrics->SetPreparedDevices(*counts);

  p.driver = std::make_unique<gpu::Driver>(
      p.state.get(), p.metrics.get(),
      [events = p.events.get()](const k8s::ResourceClaim& claim, const absl::Status& error) {
        k8s::ObjectReference ref;
        ref.api_version = "resource.k8s.io/v1";
        ref.kind = "ResourceClaim";
        ref.namespace_ = claim.metadata.namespace_;
        ref.name = claim.metadata.name;
        ref.uid = claim.metadata.uid;
        absl::Status s = events->Warning(ref, "ClaimPrepareFailed", "PrepareResources",
                                         std::string(error.message()));
        if (!s.ok()) LOG(WARNING) << "recording event: " << s.message();
      });

  // Slices.
  kubeletplugin::SlicePublisherOptions po;
  po.driver_name = driver_name;
  po.node_name = flags_.node_name;
  p.slice_metrics = std::make_unique<SliceMetrics>(p.metrics.get());
  p.publisher = std::make_unique<kubeletplugin::SlicePublisher>(
      p.client.get(), po, p.events.get(), p.slice_metrics.get());
  DRA_RETURN_IF_ERROR(p.publisher->Publish(built.devices));
  p.publisher->Start();

  // Kubelet gRPC (DRA socket, then registration).
  p.getter = std::make_unique<kubeletplugin::ApiClaimGetter>(p.client.get(), *api_version);
  kubeletplugin::PluginServerOptions ko;
  ko.driver_name = driver_name;
  ko.node_name = flags_.node_name;
  ko.registrar_dir = flags_.kubelet_registrar_directory_path;
  ko.plugins_dir = flags_.kubelet_plugins_directory_path;
  if (const char* uid = std::getenv("POD_UID"); uid != nullptr) ko.pod_uid = uid;
  ko.healthcheck_port = flags_.healthcheck_port;
  // Liveness is the reference's socket check; readiness adds "all slices
  // published" (a rejected slice: not Ready, a log line, a Node Event and
  // nvidia_dra_resourceslices_ready 0, but no restart, which would not fix it).
  ko.ready = [pub = p.publisher.get()] { return pub->Ready(); };
  p.server = std::make_unique<kubeletplugin::PluginServer>(ko, p.getter.get(), p.driver.get());
  DRA_RETURN_IF_ERROR(p.server->Start());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0).count();
  LOG(INFO) << "registration socket " << p.server->registration_socket_path()
            << " created " << ms << " ms after start";
  if (p.publisher->WaitUntilReady(absl::Seconds(10))) {
    ms = std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - t0).count();
    LOG(INFO) << "ResourceSlices published " << ms << " ms after start ("
              << built.devices.size() << " devices, resource.k8s.io/"
              << p.publisher->ResourceVersion() << ")";
  } else {
    LOG(ERROR) << "ResourceSlices not published yet: " << p.publisher->LastError().message();
  }
  return absl::OkStatus();
}

void App::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (p.server) p.server->Stop();
  if (p.publisher) p.publisher->Stop();
  p.server.reset();
  p.publisher.reset();
}

}  // namespace plugin

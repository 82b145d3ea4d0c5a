// plugin_harness.h: runs the real gpu-kubelet-plugin binary as a child
// process for process-level tests and benchmarks, without a kubelet: a
// private kube-apiserver + etcd (k8s::OwnApiServer), a mock NVML driver
// root (testing/nvml-mock/make-driver-root), the Node object, and short
// temp directories for the kubelet plugin/registrar dirs and CDI specs.
// The harness plays the kubelet: it is a gRPC client of the registration
// socket (GetInfo) and of the DRA socket (v1 and v1beta1
// NodePrepareResources / NodeUnprepareResources), and it creates
// ResourceClaims with status.allocation as the scheduler would.
//
//   auto h = PluginHarness::Create({.topology = "dgx-a100-half-balanced"});
//   DRA_RETURN_IF_ERROR((*h)->StartPlugin());       // waits for the sockets
//   auto claim = (*h)->CreateClaim("c1", {{"gpu", "gpu-5"}});
//   auto resp = (*h)->PrepareV1({*claim});
//
// The plugin's stdout/stderr go to one log file per start (Log()). The
// binary path comes from the DRA_PLUGIN_BINARY compile definition.
//
// Used by plugin_process_test.cc and bench/plugin_bench.cc. Not thread-safe:
// call from one thread (the plugin itself is a separate process).
#ifndef DRA_CMD_GPU_KUBELET_PLUGIN_PLUGIN_HARNESS_H_
#define DRA_CMD_GPU_KUBELET_PLUGIN_PLUGIN_HARNESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "k8s/client.h"
#include "k8s/http_transport.h"
#include "k8s/own_apiserver.h"
#include "kubeletplugin/proto/dra_v1.grpc.pb.h"
#include "kubeletplugin/proto/dra_v1beta1.grpc.pb.h"
#include "kubeletplugin/proto/pluginregistration.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace plugin_test {

namespace drav1 = ::k8s::io::kubelet::pkg::apis::dra::v1;
namespace drav1beta1 = ::k8s::io::kubelet::pkg::apis::dra::v1beta1;

struct HarnessOptions {
  std::string topology = "dgx-a100-half-balanced";
  std::string node_name = "node-h7";
  std::string namespace_ = "h7";
  std::string kube_version = "1.37.2";
  // Appended to the plugin's command line (e.g. --kube-api-qps=1000).
  std::vector<std::string> extra_args;
  // --cdi-root; empty = "cdi" in the harness's temp dir. The caller owns a
  // directory given here (the bench puts it on tmpfs, as /var/run/cdi is
  // on a node).
  std::string cdi_root;
};

// A ResourceClaim as the kubelet names it.
struct ClaimRef {
  std::string namespace_, name, uid;
};

// Adds `claims` to a DRA (Un)PrepareResources request of any version.
template <typename Req>
void FillClaims(Req* req, const std::vector<ClaimRef>& claims) {
  for (const ClaimRef& c : claims) {
    auto* out = req->add_claims();
    out->set_namespace_(c.namespace_);
    out->set_name(c.name);
    out->set_uid(c.uid);
  }
}

// One allocated device: request name and device name.
using Alloc = std::pair<std::string, std::string>;

class PluginHarness {
 public:
  // Starts the API server, makes the driver root (boot id "boot-1"),
  // creates the Node and the namespace. Errors carry the failing step and
  // its output.
  static absl::StatusOr<std::unique_ptr<PluginHarness>> Create(HarnessOptions options);
  ~PluginHarness();  // kills the plugin, stops the API server
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  // --- The plugin process ---
  // Starts the binary with the harness env plus `extra_env` and waits (up
  // to `wait`) until the registration socket answers GetInfo. A process
  // that dies meanwhile is an error with its log.
  absl::Status StartPlugin(const std::map<std::string, std::string>& extra_env = {},
                           absl::Duration wait = absl::Minutes(2));
  // Starts the binary and returns at once (for timing from the outside).
  absl::Status SpawnPlugin(const std::map<std::string, std::string>& extra_env = {});
  // Polls GetInfo until it answers or the process dies.
  absl::Status WaitForRegistration(absl::Duration wait);
  // SIGTERM; waits for a clean exit (status 0).
  absl::Status StopPlugin(absl::Duration wait = absl::Minutes(1));
  // SIGKILL and reap.
  void KillPlugin();
  // Waits for the process to end; its raw wait status. DeadlineExceeded if
  // it is still running after `wait`.
  absl::StatusOr<int> WaitExit(absl::Duration wait);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The log of the latest start.
  std::string Log() const;
  // VmRSS of the running plugin in KiB.
  absl::StatusOr<int64_t> RssKiB() const;

  // --- Kubelet side ---
  absl::StatusOr<pluginregistration::PluginInfo> GetInfo();
  absl::StatusOr<drav1::NodePrepareResourcesResponse> PrepareV1(
      const std::vector<ClaimRef>& claims);
  absl::StatusOr<drav1::NodeUnprepareResourcesResponse> UnprepareV1(
      const std::vector<ClaimRef>& claims);
  absl::StatusOr<drav1beta1::NodePrepareResourcesResponse> PrepareV1beta1(
      const std::vector<ClaimRef>& claims);
  absl::StatusOr<drav1beta1::NodeUnprepareResourcesResponse> UnprepareV1beta1(
      const std::vector<ClaimRef>& claims);

  // --- API objects ---
  // Creates a claim with one request per allocated device (class
  // gpu.nvidia.com) and sets status.allocation; `config` becomes
  // status.allocation.devices.config as is (a JSON array).
  absl::StatusOr<ClaimRef> CreateClaim(const std::string& name, const std::vector<Alloc>& devices,
                                       const nlohmann::json& config = nlohmann::json::array());
  // The node's ResourceSlices of driver gpu.nvidia.com.
  absl::StatusOr<std::vector<nlohmann::json>> Slices();
  // Polls until the node's slices list `want_devices` devices in total.
  absl::StatusOr<std::vector<nlohmann::json>> WaitForSlices(size_t want_devices,
                                                            absl::Duration wait);
  // WaitForSlices(want_devices, wait), then the names of the MIG devices
  // in them ("-mig-" in the name), sorted: tests and the bench pick MIG
  // devices by position instead of hard-coding names derived from
  // placements.
  absl::StatusOr<std::vector<std::string>> SortedMigDeviceNames(size_t want_devices,
                                                                absl::Duration wait);
  // Events whose regarding object is the claim.
  absl::StatusOr<std::vector<nlohmann::json>> ClaimEvents(const ClaimRef& claim);
  std::string node_uid() const { return node_uid_; }

  // --- Files ---
  void SetBootId(const std::string& id);
  std::string SpecPath(const std::string& claim_uid) const;
  // Spec files in the CDI root whose name mentions `claim_uid`.
  std::vector<std::string> SpecFilesOf(const std::string& claim_uid) const;
  // checkpoint.json parsed ({} when absent).
  absl::StatusOr<nlohmann::json> Checkpoint() const;
  // The checkpoint state of a claim ("" when it has no entry).
  std::string CheckpointState(const std::string& claim_uid) const;

  const HarnessOptions& options() const { return options_; }
  const std::string& driver_root() const { return driver_root_; }
  const std::string& plugin_dir() const { return plugin_dir_; }  // <plugins>/gpu.nvidia.com
  const std::string& cdi_root() const { return cdi_root_; }
  k8s::Client& client() { return *client_; }
  k8s::OwnApiServer& apiserver() { return *apiserver_; }

 private:
  explicit PluginHarness(HarnessOptions options) : options_(std::move(options)) {}
  std::vector<std::string> Argv() const;
  std::map<std::string, std::string> Env() const;
  std::shared_ptr<grpc::Channel> DraChannel();

  HarnessOptions options_;
  std::string dir_, driver_root_, plugins_, registrar_, plugin_dir_, cdi_root_;
  std::string log_path_;
  int starts_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<k8s::OwnApiServer> apiserver_;
  std::unique_ptr<k8s::HttpTransport> transport_;
  std::unique_ptr<k8s::Client> client_;
  std::string node_uid_;
  std::shared_ptr<grpc::Channel> dra_channel_;
};

}  // namespace plugin_test

#endif  // DRA_CMD_GPU_KUBELET_PLUGIN_PLUGIN_HARNESS_H_

// plugin_server.h: the DRA kubelet-plugin runtime: it serves
// k8s.io.kubelet.pkg.apis.dra.v1.DRAPlugin and ...v1beta1.DRAPlugin on the
// DRA socket, then creates the registration socket the kubelet's plugin
// watcher picks up (k8s-interfaces.md §2.1-§2.3), and optionally serves
// gRPC health on TCP (upstream-inventory.md §5).
//
//   PluginServerOptions opts;
//   opts.driver_name = "gpu.nvidia.com"; opts.node_name = node;
//   opts.pod_uid = PodUidFromEnv();   // only where rolling updates are wanted
//   PluginServer server(opts, &claim_getter, &driver);
//   DRA_RETURN_IF_ERROR(server.Start());
//   ... wait for a signal ...
//   server.Stop();
//
// Start order: <plugins_dir>/<driver>/ is created (0750), stale socket
// files are removed, the DRA server starts, and only then the registration
// socket appears (the kubelet connects to the DRA socket right after
// registration). Stop() shuts the servers down and removes both sockets.
//
// Health: Check("" or "liveness") is SERVING when GetInfo on the
// registration socket and an empty v1beta1 NodePrepareResources on the DRA
// socket both succeed (as the reference driver checks), and, when set,
// the kubelet has confirmed the registration
// (health_requires_registration). Check("readiness") additionally needs
// `ready()` (e.g. every ResourceSlice published): a readiness probe, so a
// rejected slice makes the pod not Ready without restarting it.
//
// Thread-safety: Start/Stop from one thread; accessors are thread-safe.
// The ClaimGetter and DraDriver are not owned and must outlive the server.
#ifndef DRA_KUBELETPLUGIN_PLUGIN_SERVER_H_
#define DRA_KUBELETPLUGIN_PLUGIN_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kubeletplugin/claim_getter.h"
#include "kubeletplugin/dra_service.h"
#include "kubeletplugin/driver.h"
#include "kubeletplugin/registration_service.h"
#include "kubeletplugin/socket_names.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace kubeletplugin {

struct PluginServerOptions {
  std::string driver_name;  // required, e.g. "gpu.nvidia.com"
  std::string node_name;    // informational (logs); required
  std::string registrar_dir = kDefaultRegistrarDir;  // --kubelet-registrar-directory-path
  std::string plugins_dir = kDefaultPluginsDir;      // --kubelet-plugins-directory-path
  // Pod UID for rolling updates (unique socket names); "" = one instance.
  std::string pod_uid;
  // --healthcheck-port: -1 disabled, 0 a free port, >0 that port.
  int healthcheck_port = -1;
  // Address the health server listens on (all interfaces by default, so the
  // kubelet's gRPC probe can reach it).
  std::string healthcheck_host = "[::]";
  absl::Duration health_check_timeout = absl::Seconds(5);
  // Extra health conditions (both off by default, as in the reference).
  bool health_requires_registration = false;
  std::function<bool()> ready;  // readiness only
  // Called after every DRA call (metrics, latency); may be empty.
  CallObserver observer;
};

// $POD_UID (downward API) or "" when unset.
std::string PodUidFromEnv();

class PluginServer {
 public:
  PluginServer(PluginServerOptions options, ClaimGetter* getter, DraDriver* driver);
  ~PluginServer();  // Stop()s
  PluginServer(const PluginServer&) = delete;
  PluginServer& operator=(const PluginServer&) = delete;

  // InvalidArgument for bad options or too-long socket paths,
  // FailedPrecondition when already started, Internal/Unavailable when a
  // directory or server cannot be created. On error nothing stays running.
  absl::Status Start();
  // Idempotent.
  void Stop();

  // Valid after a successful Start().
  const std::string& dra_socket_path() const { return dra_socket_; }
  const std::string& registration_socket_path() const { return registration_socket_; }
  int health_port() const { return health_port_; }  // -1 when disabled

  // What the kubelet said in NotifyRegistrationStatus.
  RegistrationStatusSnapshot registration_status() const { return registration_.Get(); }

  // The health verdicts, as the health service reports them: liveness
  // ("" / "liveness") and readiness ("readiness" = liveness and ready()).
  absl::Status CheckHealth(absl::Time deadline) const;
  absl::Status CheckReadiness(absl::Time deadline) const;

 private:
  absl::Status StartLocked();

  const PluginServerOptions options_;
  ClaimHandler handler_;
  RegistrationState registration_;
  std::string dra_socket_;
  std::string registration_socket_;
  int health_port_ = -1;
  std::unique_ptr<grpc::Service> dra_v1_, dra_v1beta1_, registration_service_, health_service_;
  std::unique_ptr<grpc::Server> dra_server_, registration_server_, health_server_;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_PLUGIN_SERVER_H_

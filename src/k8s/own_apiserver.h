// own_apiserver.h: a private etcd + kube-apiserver for tests, started with
// testdata/own-apiserver.sh from the hack/cluster binary cache on free
// loopback ports (or OWN_APISERVER_ETCD_PORT / OWN_APISERVER_ETCD_PEER_PORT
// / OWN_APISERVER_PORT when set), so tests never touch the shared local
// cluster. It can kill the API server alone (SIGKILL, by the pid the
// script recorded), start it again on the same etcd, read etcd's current
// revision and compact etcd through etcd's HTTP gateway.
//
// Test-only (k8s_restart_test). Not thread-safe: call from the test's
// main thread; the servers themselves are separate processes.
#ifndef DRA_K8S_OWN_APISERVER_H_
#define DRA_K8S_OWN_APISERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace k8s {

class OwnApiServer {
 public:
  // Starts etcd and the API server of Kubernetes `version` with state in
  // `dir` (created). FailedPrecondition naming hack/cluster/build when the
  // binaries are not in the cache ($DRA_CLUSTER_CACHE or
  // /var/cache/dra-cluster); Internal with the script's output when the
  // server does not become ready.
  static absl::StatusOr<std::unique_ptr<OwnApiServer>> Start(const std::string& dir,
                                                             const std::string& version);
  ~OwnApiServer();  // stops both servers
  OwnApiServer(const OwnApiServer&) = delete;
  OwnApiServer& operator=(const OwnApiServer&) = delete;

  const std::string& kubeconfig() const { return kubeconfig_; }
  int apiserver_port() const { return port_; }
  int etcd_port() const { return etcd_port_; }

  // SIGKILLs the API server (etcd keeps running) and waits until the
  // process is gone (or a zombie), up to `wait`.
  absl::Status KillApiServer(absl::Duration wait = absl::Seconds(30));
  // Starts the API server again on the running etcd; returns once /readyz
  // answers ok.
  absl::Status StartApiServer();

  // etcd's current revision (the resourceVersion of the newest write).
  absl::StatusOr<int64_t> EtcdRevision();
  // Compacts etcd's history up to `revision` (physically).
  absl::Status CompactEtcd(int64_t revision);

  // Stops both servers (idempotent).
  void Stop();

 private:
  OwnApiServer() = default;
  // Runs the script with this server's ports; its output in *out.
  absl::Status RunScript(const std::string& args, std::string* out);
  // POSTs `body` to etcd's gateway at `path`; the decoded JSON reply.
  absl::StatusOr<std::string> EtcdPost(const std::string& path, const std::string& body);

  std::string dir_, version_, kubeconfig_;
  int etcd_port_ = 0, etcd_peer_port_ = 0, port_ = 0;
  bool stopped_ = false;
};

}  // namespace k8s

#endif  // DRA_K8S_OWN_APISERVER_H_

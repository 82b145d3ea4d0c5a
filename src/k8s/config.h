// config.h: where the API server is and how to authenticate to it: a
// kubeconfig file (current or named context; CA, client certificate and key
// as files or inline base64 data; bearer token or token file) or the
// in-cluster service-account configuration (KUBERNETES_SERVICE_HOST/PORT,
// the mounted CA and a token that is re-read when the kubelet rotates it).
// TLS verification is always on unless the kubeconfig explicitly sets
// insecure-skip-tls-verify.
//
// Used by main() of every binary (then handed to NewHttpTransport) and by
// the integration tests. Parsing is pure; TokenSource is thread-safe.
#ifndef DRA_K8S_CONFIG_H_
#define DRA_K8S_CONFIG_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/clock.h"

namespace k8s {

// Everything needed to reach one API server. File fields and data fields
// are alternatives; data (PEM text, already base64-decoded) wins when both
// are set. Relative kubeconfig paths are already resolved.
struct RestConfig {
  std::string server;  // "https://127.0.0.1:6443", no trailing slash
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string ca_file, ca_data;
  std::string cert_file, cert_data;
  std::string key_file, key_data;
  std::string bearer_token;
  std::string token_file;  // re-read periodically (service-account tokens rotate)
  std::string namespace_ = "default";  // the context's (or pod's) namespace
};

// Parses kubeconfig YAML. `context` empty means current-context. Relative
// file paths are resolved against `base_dir`. Errors: InvalidArgument for
// malformed YAML or base64, NotFound for a missing context/cluster/user
// (message names it), FailedPrecondition for a cluster without a server.
absl::StatusOr<RestConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir,
                                           const std::string& context = "");

// Reads and parses the kubeconfig at `path` (see ParseKubeconfig).
absl::StatusOr<RestConfig> LoadKubeconfig(const std::string& path,
                                          const std::string& context = "");

struct InClusterOptions {
  // Where the service-account volume is mounted.
  std::string sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // Empty: read KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT.
  std::string host, port;
};

// The in-cluster config: server from host/port (IPv6 bracketed), CA file
// sa_dir/ca.crt, token file sa_dir/token, namespace from sa_dir/namespace.
// FailedPrecondition when not running in a pod (no env, no token).
absl::StatusOr<RestConfig> InClusterConfig(const InClusterOptions& opts = {});

// The reference binaries' rule: an explicit kubeconfig path (flag or
// KUBECONFIG) wins, otherwise in-cluster.
absl::StatusOr<RestConfig> LoadConfig(const std::string& kubeconfig_path);

// The bearer token to send: the fixed token, or the token file's contents
// (trimmed), re-read when `refresh` has passed since the last read or after
// Invalidate() (called on a 401). Empty when the config has neither.
class TokenSource {
 public:
  TokenSource(const RestConfig& config, Clock* clock,
              absl::Duration refresh = absl::Minutes(1));
  std::string Token();
  void Invalidate();

 private:
  const std::string fixed_, file_;
  Clock* const clock_;
  const absl::Duration refresh_;
  absl::Mutex mu_;
  std::string cached_ ABSL_GUARDED_BY(mu_);
  absl::Time read_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace k8s

#endif  // DRA_K8S_CONFIG_H_

#include "k8s/config.h"

#include <cstdlib>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/files.h"
#include "util/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace k8s {
namespace {

std::string Str(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : "";
}

YAML::Node FindNamed(const YAML::Node& list, const std::string& name, const char* inner) {
  if (!list || !list.IsSequence()) return YAML::Node();
  for (const YAML::Node& e : list) {
    if (e.IsMap() && Str(e, "name") == name) return e[inner];
  }
  return YAML::Node();
}

std::string Resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p[0] == '/' || base_dir.empty()) return p;
  return (std::filesystem::path(base_dir) / p).string();
}

absl::StatusOr<std::string> DecodeData(const std::string& b64, const char* field) {
  std::string out;
  if (!absl::Base64Unescape(b64, &out)) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", field, " is not valid base64"));
  }
  return out;
}

absl::StatusOr<RestConfig> ParseNode(const YAML::Node& root, const std::string& base_dir,
                                     const std::string& context_arg) {
  if (!root.IsMap()) return absl::InvalidArgumentError("kubeconfig: not a YAML mapping");
  std::string context = context_arg.empty() ? Str(root, "current-context") : context_arg;
  if (context.empty()) return absl::NotFoundError("kubeconfig: no current-context and no context given");
  YAML::Node ctx = FindNamed(root["contexts"], context, "context");
  if (!ctx || !ctx.IsMap()) return absl::NotFoundError("kubeconfig: context \"" + context + "\" not found");
  std::string cluster_name = Str(ctx, "cluster"), user_name = Str(ctx, "user");
  YAML::Node cluster = FindNamed(root["clusters"], cluster_name, "cluster");
  if (!cluster || !cluster.IsMap()) {
    return absl::NotFoundError("kubeconfig: cluster \"" + cluster_name + "\" not found");
  }
  RestConfig c;
  c.server = std::string(absl::StripSuffix(Str(cluster, "server"), "/"));
  if (c.server.empty()) {
    return absl::FailedPreconditionError("kubeconfig: cluster \"" + cluster_name + "\" has no server");
  }
  c.tls_server_name = Str(cluster, "tls-server-name");
  c.insecure_skip_tls_verify = Str(cluster, "insecure-skip-tls-verify") == "true";
  c.ca_file = Resolve(base_dir, Str(cluster, "certificate-authority"));
  if (std::string d = Str(cluster, "certificate-authority-data"); !d.empty()) {
    DRA_ASSIGN_OR_RETURN(c.ca_data, DecodeData(d, "certificate-authority-data"));
  }
  if (!user_name.empty()) {
    YAML::Node user = FindNamed(root["users"], user_name, "user");
    if (!user) return absl::NotFoundError("kubeconfig: user \"" + user_name + "\" not found");
    if (user.IsMap()) {
      c.cert_file = Resolve(base_dir, Str(user, "client-certificate"));
      c.key_file = Resolve(base_dir, Str(user, "client-key"));
      if (std::string d = Str(user, "client-certificate-data"); !d.empty()) {
        DRA_ASSIGN_OR_RETURN(c.cert_data, DecodeData(d, "client-certificate-data"));
      }
      if (std::string d = Str(user, "client-key-data"); !d.empty()) {
        DRA_ASSIGN_OR_RETURN(c.key_data, DecodeData(d, "client-key-data"));
      }
      c.bearer_token = Str(user, "token");
      c.token_file = Resolve(base_dir, Str(user, "tokenFile"));
    }
  }
  if (std::string ns = Str(ctx, "namespace"); !ns.empty()) c.namespace_ = ns;
  return c;
}

}  // namespace

absl::StatusOr<RestConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir,
                                           const std::string& context) {
  try {
    return ParseNode(YAML::Load(std::string(yaml)), base_dir, context);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", e.what()));
  } catch (const std::exception& e) {  // yaml-cpp's conversions
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", e.what()));
  }
}

absl::StatusOr<RestConfig> LoadKubeconfig(const std::string& path, const std::string& context) {
  DRA_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  return ParseKubeconfig(text, std::filesystem::path(path).parent_path().string(), context);
}

absl::StatusOr<RestConfig> InClusterConfig(const InClusterOptions& opts) {
  std::string host = opts.host, port = opts.port;
  if (host.empty()) {
    const char* h = std::getenv("KUBERNETES_SERVICE_HOST");
    host = h ? h : "";
  }
  if (port.empty()) {
    const char* p = std::getenv("KUBERNETES_SERVICE_PORT");
    port = p ? p : "";
  }
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  }
  RestConfig c;
  bool ipv6 = host.find(':') != std::string::npos;
  c.server = absl::StrCat("https://", ipv6 ? "[" : "", host, ipv6 ? "]" : "", ":", port);
  c.token_file = opts.sa_dir + "/token";
  if (!std::filesystem::exists(c.token_file)) {
    return absl::FailedPreconditionError("not running in a cluster: " + c.token_file + " missing");
  }
  c.ca_file = opts.sa_dir + "/ca.crt";
  if (absl::StatusOr<std::string> ns = util::ReadFile(opts.sa_dir + "/namespace"); ns.ok()) {
    std::string trimmed(absl::StripAsciiWhitespace(*ns));
    if (!trimmed.empty()) c.namespace_ = trimmed;
  }
  return c;
}

absl::StatusOr<RestConfig> LoadConfig(const std::string& kubeconfig_path) {
  std::string path = kubeconfig_path;
  if (path.empty()) {
    const char* env = std::getenv("KUBECONFIG");
    path = env ? env : "";
  }
  if (!path.empty()) return LoadKubeconfig(path);
  return InClusterConfig();
}

TokenSource::TokenSource(const RestConfig& config, Clock* clock, absl::Duration refresh)
    : fixed_(config.bearer_token), file_(config.token_file), clock_(clock), refresh_(refresh) {}

std::string TokenSource::Token() {
  if (file_.empty()) return fixed_;
  absl::MutexLock l(&mu_);
  absl::Time now = clock_->Now();
  if (now - read_at_ >= refresh_) {
    absl::StatusOr<std::string> t = util::ReadFile(file_);
    if (t.ok()) {
      cached_ = std::string(absl::StripAsciiWhitespace(*t));
      read_at_ = now;
    } else if (cached_.empty()) {
      return fixed_;  // keep using the last good token otherwise
    }
  }
  return cached_;
}

void TokenSource::Invalidate() {
  absl::MutexLock l(&mu_);
  read_at_ = absl::InfinitePast();
}

}  // namespace k8s

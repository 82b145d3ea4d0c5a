#include "cmd/gpu-kubelet-plugin/flags.h"

#include <cstdlib>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace plugin {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

absl::StatusOr<ParseResult> ParseFlags(int argc, const char* const* argv) {
  ParseResult r;
  Flags& f = r.flags;
  // Aliased environment variables (CLI11 takes one per option).
  if (std::string e = Env("HOST_DRIVER_ROOT"); !e.empty()) f.nvidia_driver_root = e;
  if (std::string e = Env("DRA_PROC_ROOT"); !e.empty()) f.proc_root = e;
  if (std::string e = Env("DRA_SYSFS_ROOT"); !e.empty()) f.sysfs_root = e;

  CLI::App app{"gpu-kubelet-plugin: the gpu.nvidia.com DRA kubelet plugin"};
  app.allow_extras(false);
  app.add_option("--node-name", f.node_name, "The name of the node to be worked on.")
      ->envname("NODE_NAME");
  app.add_option("--namespace", f.namespace_, "The namespace used for MPS control daemons.")
      ->envname("NAMESPACE");
  app.add_option("--cdi-root", f.cdi_root, "Absolute path to the directory where CDI files "
                 "will be generated.")->envname("CDI_ROOT");
  app.add_option("--nvidia-driver-root,--host_driver-root", f.nvidia_driver_root,
                 "Absolute path of the NVIDIA driver installation on the host.")
      ->envname("NVIDIA_DRIVER_ROOT");
  app.add_option("--container-driver-root", f.container_driver_root,
                 "Where the host's driver root is mounted in this container.")
      ->envname("DRIVER_ROOT_CTR_PATH");
  app.add_option("--nvidia-cdi-hook-path", f.nvidia_cdi_hook_path,
                 "Path of the CDI hook binary on the host (empty: copied into the plugin "
                 "directory).")->envname("NVIDIA_CDI_HOOK_PATH");
  app.add_option("--image-name", f.image_name, "The image of this driver (MPS daemons).")
      ->envname("IMAGE_NAME");
  app.add_option("--kubelet-registrar-directory-path", f.kubelet_registrar_directory_path,
                 "The kubelet's plugin registration directory.")
      ->envname("KUBELET_REGISTRAR_DIRECTORY_PATH");
  app.add_option("--kubelet-plugins-directory-path", f.kubelet_plugins_directory_path,
                 "The kubelet's plugin data directory.")
      ->envname("KUBELET_PLUGINS_DIRECTORY_PATH");
  app.add_option("--healthcheck-port", f.healthcheck_port,
                 "gRPC health port: -1 disabled, 0 any free port.")->envname("HEALTHCHECK_PORT");
  app.add_option("--additional-xids-to-ignore", f.additional_xids_to_ignore,
                 "Comma-separated XIDs the health check ignores.")
      ->envname("ADDITIONAL_XIDS_TO_IGNORE");
  app.add_option("--http-endpoint", f.http_endpoint,
                 "host:port of the metrics HTTP server (empty: disabled).")
      ->envname("HTTP_ENDPOINT");
  app.add_option("--metrics-path", f.metrics_path, "HTTP path of the metrics.")
      ->envname("METRICS_PATH");
  app.add_option("--kubeconfig", f.kubeconfig, "Kubeconfig file (empty: in-cluster).")
      ->envname("KUBECONFIG");
  app.add_option("--kube-api-qps", f.kube_api_qps, "QPS to the API server.")
      ->envname("KUBE_API_QPS");
  app.add_option("--kube-api-burst", f.kube_api_burst, "Burst to the API server.")
      ->envname("KUBE_API_BURST");
  app.add_option("--feature-gates", f.feature_gates, "Comma-separated Key=bool pairs.")
      ->envname("FEATURE_GATES");
  app.add_option("-v,--v", f.v, "Log verbosity.")->envname("V");
  app.add_option("--vmodule", f.vmodule, "Per-file verbosity (pattern=N,...).")
      ->envname("VMODULE");
  app.add_option("--logging-format", f.logging_format, "text (json is not supported).")
      ->envname("LOGGING_FORMAT");
  app.add_option("--log-flush-frequency", f.log_flush_frequency, "Log flush interval.")
      ->envname("LOG_FLUSH_FREQUENCY");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    r.help_requested = true;
    r.help = app.help();
    return r;
  } catch (const CLI::ExtrasError&) {
    return absl::InvalidArgumentError("arguments not supported");
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  if (f.node_name.empty()) return absl::InvalidArgumentError("--node-name is required");
  if (f.image_name.empty()) return absl::InvalidArgumentError("--image-name is required");
  if (f.logging_format != "text")
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported --logging-format \"", f.logging_format, "\" (only text)"));
  return r;
}

std::vector<std::string> DescribeFlags(const Flags& f) {
  return {
      absl::StrCat("node-name=", f.node_name),
      absl::StrCat("namespace=", f.namespace_),
      absl::StrCat("cdi-root=", f.cdi_root),
      absl::StrCat("nvidia-driver-root=", f.nvidia_driver_root),
      absl::StrCat("container-driver-root=", f.container_driver_root),
      absl::StrCat("nvidia-cdi-hook-path=", f.nvidia_cdi_hook_path),
      absl::StrCat("image-name=", f.image_name),
      absl::StrCat("kubelet-registrar-directory-path=", f.kubelet_registrar_directory_path),
      absl::StrCat("kubelet-plugins-directory-path=", f.kubelet_plugins_directory_path),
      absl::StrCat("healthcheck-port=", f.healthcheck_port),
      absl::StrCat("additional-xids-to-ignore=", f.additional_xids_to_ignore),
      absl::StrCat("http-endpoint=", f.http_endpoint),
      absl::StrCat("metrics-path=", f.metrics_path),
      absl::StrCat("kubeconfig=", f.kubeconfig),
      absl::StrCat("kube-api-qps=", f.kube_api_qps),
      absl::StrCat("kube-api-burst=", f.kube_api_burst),
      absl::StrCat("feature-gates=", f.feature_gates),
      absl::StrCat("v=", f.v),
  };
}

}  // namespace plugin

// flags.h: the gpu-kubelet-plugin command line, with the reference's flag
// names, environment variables and defaults (upstream-inventory §2): the
// plugin's own flags, the kube-client group, --feature-gates and the klog
// logging flags. Positional arguments are rejected.
//
// Used by main.cc and flags_test.cc. Not thread-safe (parse once).
#ifndef DRA_CMD_GPU_KUBELET_PLUGIN_FLAGS_H_
#define DRA_CMD_GPU_KUBELET_PLUGIN_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace plugin {

struct Flags {
  std::string node_name;                 // --node-name (required)
  std::string namespace_ = "default";    // --namespace
  std::string cdi_root = "/etc/cdi";     // --cdi-root
  std::string nvidia_driver_root = "/";  // --nvidia-driver-root, --host_driver-root
  std::string container_driver_root = "/driver-root";  // --container-driver-root
  std::string nvidia_cdi_hook_path;      // --nvidia-cdi-hook-path
  std::string image_name;                // --image-name (required)
  std::string kubelet_registrar_directory_path = "/var/lib/kubelet/plugins_registry";
  std::string kubelet_plugins_directory_path = "/var/lib/kubelet/plugins";
  int healthcheck_port = -1;             // --healthcheck-port
  std::string additional_xids_to_ignore; // --additional-xids-to-ignore
  std::string http_endpoint;             // --http-endpoint
  std::string metrics_path = "/metrics"; // --metrics-path
  // Kube client.
  std::string kubeconfig;                // --kubeconfig
  double kube_api_qps = 5;
  int kube_api_burst = 10;
  // Feature gates.
  std::string feature_gates;             // --feature-gates
  // Logging (klog flags).
  int v = 0;                             // -v
  std::string vmodule;                   // --vmodule
  std::string logging_format = "text";   // --logging-format
  std::string log_flush_frequency = "5s";
  // Test seams (not reference flags): where /proc and /sys are read.
  std::string proc_root = "/proc";       // env DRA_PROC_ROOT
  std::string sysfs_root = "/";          // env DRA_SYSFS_ROOT
};

// Parses argv (and the environment). On --help returns the help text in
// `help` and an OK result with help_requested set.
struct ParseResult {
  Flags flags;
  bool help_requested = false;
  std::string help;
};
absl::StatusOr<ParseResult> ParseFlags(int argc, const char* const* argv);

// "key=value" lines of every flag, for the startup log (LogStartupConfig).
std::vector<std::string> DescribeFlags(const Flags& f);

}  // namespace plugin

#endif  // DRA_CMD_GPU_KUBELET_PLUGIN_FLAGS_H_

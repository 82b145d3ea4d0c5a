// gpu-inventory: troubleshooting CLI for GPU nodes. Loads NVML from the
// driver root, discovers GPUs and MIG state, and prints them together with
// the DRA devices the GPU kubelet plugin would publish.
//
//   gpu-inventory [--driver-root DIR] [--sysfs-root DIR] [--json]
//                 [--cdi-spec FILE [--cdi-hook-path PATH] [--proc-root DIR]]
//
// --cdi-spec also writes a CDI spec (kind k8s.gpu.nvidia.com/device) with one
// device per allocatable GPU / MIG device, as the plugin would inject them.
//
// Exit codes: 0 success, 1 discovery failed (no driver, NVML error),
// 2 bad command line. Every failure prints one line to stderr.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/gpu-inventory/node_spec.h"
#include "cmd/gpu-inventory/report.h"
#include "devices/gpu_devices.h"
#include "hw/discovery.h"
#include "nvml/dl_library.h"

int main(int argc, char** argv) {
  std::string driver_root = "/";
  if (const char* env = std::getenv("NVIDIA_DRIVER_ROOT"); env && *env) driver_root = env;
  // DRA_SYSFS_ROOT is a test seam: the NVML mock's driver root carries a
  // small sysfs tree (testing/nvml-mock/run-with-mock sets it).
  std::string sysfs_root = "/";
  if (const char* env = std::getenv("DRA_SYSFS_ROOT"); env && *env) sysfs_root = env;
  bool json = false;
  std::string cdi_spec, cdi_hook_path = "/usr/bin/cdi-hook", proc_root = "/proc";
  if (const char* env = std::getenv("DRA_PROC_ROOT"); env && *env) proc_root = env;

  CLI::App app{"Show the NVIDIA GPUs of this node and the DRA devices the GPU plugin publishes"};
  app.add_option("--driver-root", driver_root,
                 "Root of the NVIDIA driver installation (env NVIDIA_DRIVER_ROOT)");
  app.add_option("--sysfs-root", sysfs_root, "Root under which /sys is read (env DRA_SYSFS_ROOT)");
  app.add_flag("--json", json, "Print JSON instead of tables");
  app.add_option("--cdi-spec", cdi_spec, "Also write a CDI spec of every device to this file");
  app.add_option("--cdi-hook-path", cdi_hook_path, "Host path of cdi-hook for the spec's hooks");
  app.add_option("--proc-root", proc_root, "Root of /proc for MIG capabilities (env DRA_PROC_ROOT)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "gpu-inventory: " << e.what() << " (see --help)\n";
    return 2;
  }

  auto lib = nvml::LoadFromDriverRoot(driver_root);
  if (!lib.ok()) {
    std::cerr << "gpu-inventory: " << lib.status().message() << "\n";
    return 1;
  }
  hw::DiscoveryOptions opts;
  opts.driver_root = driver_root;
  opts.sysfs_root = sysfs_root;
  auto node = hw::Discover(**lib, opts);
  if (!node.ok()) {
    std::cerr << "gpu-inventory: " << node.status().message() << "\n";
    return 1;
  }
  auto built = devices::BuildGpuDevices(*node);
  if (!built.ok()) {
    std::cerr << "gpu-inventory: " << built.status().message() << "\n";
    return 1;
  }
  if (!cdi_spec.empty()) {
    cdi::RootOptions ro;
    ro.host_driver_root = driver_root;
    ro.container_driver_root = driver_root;
    ro.proc_root = proc_root;
    ro.cdi_hook_path = cdi_hook_path;
    auto spec = inventory::NodeSpec(*node, ro);
    // FILE.json: the JSON form (for tools without a YAML parser); else YAML.
    absl::Status written = spec.status();
    if (spec.ok() && cdi_spec.size() > 5 && cdi_spec.ends_with(".json")) {
      written = cdi::Validate(*spec);
      if (written.ok()) {
        std::ofstream out(cdi_spec);
        out << cdi::ToJson(*spec) << "\n";
        if (!out.flush()) written = absl::InternalError("cannot write " + cdi_spec);
      }
    } else if (spec.ok()) {
      written = cdi::WriteSpecFile(cdi_spec, *spec);
    }
    if (!written.ok()) {
      std::cerr << "gpu-inventory: --cdi-spec: " << written.message() << "\n";
      return 1;
    }
  }
  if (json) {
    std::cout << inventory::ReportJson(*node, *built).dump(2) << "\n";
  } else {
    std::cout << inventory::ReportTable(*node, *built);
  }
  return 0;
}

// gpu-inventory: troubleshooting CLI for GPU nodes. Loads NVML from the
// driver root, discovers GPUs and MIG state, and prints them together with
// the DRA devices the GPU kubelet plugin would publish.
//
//   gpu-inventory [--driver-root DIR] [--sysfs-root DIR] [--json]
//
// Exit codes: 0 success, 1 discovery failed (no driver, NVML error),
// 2 bad command line. Every failure prints one line to stderr.
#include <cstdlib>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
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

  CLI::App app{"Show the NVIDIA GPUs of this node and the DRA devices the GPU plugin publishes"};
  app.add_option("--driver-root", driver_root,
                 "Root of the NVIDIA driver installation (env NVIDIA_DRIVER_ROOT)");
  app.add_option("--sysfs-root", sysfs_root, "Root under which /sys is read (env DRA_SYSFS_ROOT)");
  app.add_flag("--json", json, "Print JSON instead of tables");
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
  if (json) {
    std::cout << inventory::ReportJson(*node, *built).dump(2) << "\n";
  } else {
    std::cout << inventory::ReportTable(*node, *built);
  }
  return 0;
}

// nvml_rss: what loading NVML and running the plugin's discovery costs in
// resident memory, step by step, with whatever libnvidia-ml the driver root
// holds (the real driver on a GPU machine, the mock elsewhere). The plugin's
// RSS figures in bench/README.md are measured with the mock; this program
// tells how a real driver changes them.
//
//   nvml_rss [--driver-root=/]
//
// Prints VmRSS (RssAnon + RssFile) of this process: at start, after
// dlopen, after hw::Discover (NVML initialised, read and shut down, as the
// plugin does at start-up), after the library handle is released (the
// loader's RTLD_NODELETE keeps NVML mapped) and after malloc_trim(0), with
// the thread count at each step; and, after discovery, every mapping
// holding 256 KiB or more.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "hw/discovery.h"
#include "nvml/dl_library.h"

namespace {

std::string Field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      size_t b = line.find_first_not_of(" \t", name.size() + 1);
      return b == std::string::npos ? "" : line.substr(b);
    }
  }
  return "?";
}

void Report(const char* step) {
  std::printf("%-44s VmRSS %10s  (RssAnon %10s, RssFile %10s), %s thread(s)\n", step,
              Field("VmRSS").c_str(), Field("RssAnon").c_str(), Field("RssFile").c_str(),
              Field("Threads").c_str());
}

// Mappings of this process holding at least 256 KiB, with what they map
// (an unnamed mapping right after a library's own is usually its .bss).
void LargeMappings() {
  std::ifstream in("/proc/self/smaps");
  std::string line, head;
  while (std::getline(in, line)) {
    if (line.find('-') != std::string::npos && line.find(':') > line.find(' ')) {
      head = line;
      continue;
    }
    if (line.rfind("Rss:", 0) == 0) {
      long kib = std::stol(line.substr(4));
      if (kib >= 256) std::printf("    %8ld kB  %s\n", kib, head.c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = "/";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--driver-root=", 0) == 0) root = a.substr(14);
  }
  Report("start");
  auto t0 = std::chrono::steady_clock::now();
  auto lib = nvml::LoadFromDriverRoot(root);
  if (!lib.ok()) {
    std::fprintf(stderr, "nvml_rss: %s\n", lib.status().ToString().c_str());
    return 1;
  }
  Report("after dlopen of libnvidia-ml");
  hw::DiscoveryOptions opts;
  opts.driver_root = root;
  auto node = hw::Discover(**lib, opts);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
  if (!node.ok()) {
    std::fprintf(stderr, "nvml_rss: discovery: %s\n", node.status().ToString().c_str());
    return 1;
  }
  std::printf("discovered %zu GPU(s), driver %s, in %.1f ms (load + init + read + shutdown)\n",
              node->gpus.size(), node->driverVersion.c_str(), ms.count());
  Report("after discovery (NVML shut down)");
  LargeMappings();
  lib->reset();
  Report("after releasing the library handle");
  ::malloc_trim(0);
  Report("after malloc_trim(0)");
  return 0;
}

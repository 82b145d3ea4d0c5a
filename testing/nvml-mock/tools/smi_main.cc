// smi_main.cc: nvml-mock-smi, the nvidia-smi stand-in of the NVML mock
// driver root (installed there as bin/nvidia-smi). Supports -L,
// --query-gpu=... --format=csv[,noheader][,nounits], -q, -i, -mig 0|1 and
// mig -lgip/-lgipp/-lgi/-cgi/-cci/-dci/-dgi. It talks to whatever
// libnvidia-ml.so.1 the dynamic loader finds.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "smi_cmds.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: nvidia-smi [-i IDS] (-L | -q | --query-gpu=FIELDS --format=csv[,noheader][,nounits]\n"
               "                  | -mig 0|1 | mig (-lgip | -lgipp | -lgi | -cgi P[,P..] [-C] | -cci | -dci | -dgi))\n"
               "(nvml-mock-smi: the NVML mock's nvidia-smi stand-in)\n");
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string ids, query, format = "csv", mode;
  std::vector<std::string> migArgs;
  bool q = false, mig = false, policy = false, setMig = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (mig || policy) {
      if (a == "-i" || a == "--id") {
        if (i + 1 < args.size()) ids = args[++i];
      } else {
        migArgs.push_back(a);
      }
    } else if (a == "-L" || a == "--list-gpus") {
      // the default action
    } else if (a == "-q" || a == "--query") {
      q = true;
    } else if (a == "mig") {
      mig = true;
    } else if (a == "compute-policy") {
      policy = true;
    } else if ((a == "-i" || a == "--id") && i + 1 < args.size()) {
      ids = args[++i];
    } else if (StartsWith(a, "--id=")) {
      ids = a.substr(5);
    } else if (StartsWith(a, "--query-gpu=")) {
      query = a.substr(12);
    } else if (StartsWith(a, "--format=")) {
      format = a.substr(9);
    } else if ((a == "-mig" || a == "--multi-instance-gpu") && i + 1 < args.size()) {
      setMig = true;
      mode = args[++i];
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else {
      std::fprintf(stderr, "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n");
      return 2;
    }
  }
  smi::Nvml n;
  std::string error;
  if (!n.Load(&error)) {
    std::fprintf(stderr, "NVIDIA-SMI couldn't find libnvidia-ml.so library in your system. (%s)\n",
                 error.c_str());
    return 12;
  }
  nvmlReturn_t r = n.Init();
  if (r != NVML_SUCCESS) {
    std::fprintf(stderr,
                 "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
                 "Make sure that the latest NVIDIA driver is installed and running. (%s)\n",
                 n.Err(r));
    return r == NVML_ERROR_DRIVER_NOT_LOADED ? 9 : 255;
  }
  bool ok = true;
  std::vector<unsigned> gpus = smi::SelectGpus(n, ids, &ok);
  int rc = 0;
  if (!ok) {
    std::fprintf(stderr, "No devices were found matching '%s'\n", ids.c_str());
    rc = 6;
  } else if (mig) {
    rc = smi::Mig(n, migArgs, gpus);
  } else if (policy) {
    rc = smi::ComputePolicy(n, migArgs, gpus);
  } else if (setMig) {
    rc = smi::SetMig(n, gpus, mode == "1" || mode == "ENABLED" ? 1 : 0);
  } else if (!query.empty()) {
    rc = smi::QueryGpu(n, query, format, gpus);
  } else if (q) {
    rc = smi::QueryAll(n, gpus);
  } else {
    rc = smi::ListGpus(n);
  }
  n.Shutdown();
  return rc;
}

// loader.h: finds the NVIDIA driver's files under a driver root: the NVML
// library libnvidia-ml.so.1, the nvidia-smi binary, and the dev root.
// Search directories are in paths.h.
//
// Used by DlLibrary::LoadFromDriverRoot and by the plugins' start-up (and
// later cdi/). Stateless filesystem lookups; thread-safe.
#ifndef DRA_NVML_LOADER_H_
#define DRA_NVML_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nvml {

// The candidate paths, in search order, for `name` in `dirs` under `root`
// ("" or "/" means the host root). Exposed for error messages and tests.
std::vector<std::string> CandidatePaths(const std::string& root,
                                        const std::string& name,
                                        bool binary);

// Finds libnvidia-ml.so.1 under `driver_root`. Returns the path with all
// symlinks resolved (a regular file). NotFound whose message names every
// path tried when none exists.
absl::StatusOr<std::string> FindNvmlLibrary(const std::string& driver_root);

// Finds nvidia-smi under `driver_root`, symlinks resolved. NotFound naming
// every path tried.
absl::StatusOr<std::string> FindNvidiaSmi(const std::string& driver_root);

// The root under which /dev nodes live: `driver_root` if <driver_root>/dev
// holds nvidiactl, else "/" (a driver root may ship an empty dev/).
std::string DevRoot(const std::string& driver_root);

}  // namespace nvml

#endif  // DRA_NVML_LOADER_H_

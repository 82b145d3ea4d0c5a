// paths.h: the file names and search directories used to find the NVIDIA
// driver's files under a driver root. One place for these facts.
//
// The reference driver (root.go) searches libnvidia-ml.so.1 in the root
// itself and then in <root>/usr/lib64, /usr/lib/x86_64-linux-gnu,
// /usr/lib/aarch64-linux-gnu, /lib64, /lib/x86_64-linux-gnu,
// /lib/aarch64-linux-gnu. We add <root>/lib and <root>/usr/lib at the end:
// non-"/" layouts such as GKE/Talos' /usr/local/nvidia (bin/, lib64/,
// firmware/) are covered by <root>/lib64 and <root>/bin; some hosts (see the
// h100 fixture) keep the library in /lib or /usr/lib.
//
// Used by loader.cc (and later cdi/). Constants only; thread-safe.
#ifndef DRA_NVML_PATHS_H_
#define DRA_NVML_PATHS_H_

#include <array>
#include <string_view>

namespace nvml {

inline constexpr std::string_view kNvmlLibraryName = "libnvidia-ml.so.1";
inline constexpr std::string_view kNvidiaSmiName = "nvidia-smi";

// Directories under the driver root searched for kNvmlLibraryName, in order.
// "" is the root itself.
inline constexpr std::array<std::string_view, 9> kLibrarySearchDirs = {
    "",
    "/usr/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/lib64",
    "/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    // Additions beyond the reference list.
    "/lib",
    "/usr/lib",
};

// Directories under the driver root searched for kNvidiaSmiName, in order.
// <root>/bin also covers /usr/local/nvidia/bin style roots.
inline constexpr std::array<std::string_view, 6> kBinarySearchDirs = {
    "", "/opt/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin",
};

// The device-node directory whose presence makes the driver root the dev
// root as well.
inline constexpr std::string_view kDevDir = "/dev";

}  // namespace nvml

#endif  // DRA_NVML_PATHS_H_

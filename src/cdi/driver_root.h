// driver_root.h: the CDI container edits of an NVIDIA driver installation:
// common edits (control device nodes, driver libraries, binaries, firmware,
// IPC sockets, env, and createContainer hooks of our cdi-hook), per-GPU
// edits (/dev/nvidia<minor>) and per-MIG-device edits (the parent GPU plus
// the two /dev/nvidia-caps nodes of its GPU and compute instance).
//
// The driver root is walked where this process sees it
// (container_driver_root) but every host path in the edits is under
// host_driver_root; container paths are the paths inside the driver root
// (a driver root of "/" keeps paths as they are). Device nodes come from
// <root>/dev when that is a directory, else from /dev.
//
// Used by the GPU driver (src/gpu) when it writes per-claim CDI specs.
// Stateless; thread-safe (reads the filesystem only).
#ifndef DRA_CDI_DRIVER_ROOT_H_
#define DRA_CDI_DRIVER_ROOT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cdi/spec.h"

namespace cdi {

struct RootOptions {
  // Path of the driver root on the host, e.g. /run/nvidia/driver or /.
  std::string host_driver_root = "/";
  // Where this process sees the same directory, e.g. /driver-root; may
  // equal host_driver_root.
  std::string container_driver_root = "/";
  // The proc filesystem to read (/proc; <driver root>/proc for the mock).
  std::string proc_root = "/proc";
  // Absolute host path of our cdi-hook binary (required by
  // DiscoverCommonEdits: it goes into the hooks).
  std::string cdi_hook_path;
};

// Read-only bind mount options of driver files, and of IPC sockets.
const std::vector<std::string>& DriverFileMountOptions();
const std::vector<std::string>& SocketMountOptions();

// Environment the common edits always carry: the legacy NVIDIA runtime
// must not inject GPUs on its own in addition to CDI.
inline constexpr char kVisibleDevicesVoidEnv[] = "NVIDIA_VISIBLE_DEVICES=void";
// Set to the container directory of libcuda.so when it is found.
inline constexpr char kLibcudaDirEnv[] = "NVIDIA_CTK_LIBCUDA_DIR";

// The driver version, from the versioned file libnvidia-ml.so.1 resolves
// to in the driver root's library directories. NotFound naming the
// searched directories when there is no libnvidia-ml.so.1.
absl::StatusOr<std::string> DriverVersion(const RootOptions& opts);

// Edits applied once per container that gets any NVIDIA device:
//  - env NVIDIA_VISIBLE_DEVICES=void (+ NVIDIA_CTK_LIBCUDA_DIR=<dir>);
//  - device nodes /dev/nvidiactl (required), /dev/nvidia-uvm,
//    /dev/nvidia-uvm-tools, /dev/nvidia-modeset (when present);
//  - read-only bind mounts of the driver libraries (*.so.<version> of
//    libcuda, libnvidia-*, ... in lib64, lib, usr/lib64,
//    usr/lib/<arch>-linux-gnu, ...), of the libraries they need (DT_NEEDED)
//    that sit in the same driver-root directory (only for a driver root
//    other than "/", never glibc or the C++ runtime), of nvidia-smi and the
//    other driver binaries, the firmware directory and the
//    nvidia-persistenced / nvidia-fabricmanager sockets when present;
//  - createContainer hooks: "<hook> create-symlinks --link T::L ..."
//    (soname links, libcuda.so) and "<hook> update-ldcache --folder D ...".
// Errors: InvalidArgument when cdi_hook_path is empty or relative;
// NotFound when libnvidia-ml.so.1 or /dev/nvidiactl is missing (the
// message names the path).
absl::StatusOr<ContainerEdits> DiscoverCommonEdits(const RootOptions& opts);

// /dev/nvidia<minor>. FailedPrecondition naming the node when it does not
// exist (a spec without it would start the container without a GPU).
absl::StatusOr<ContainerEdits> GpuDeviceEdits(const RootOptions& opts, uint32_t minor);

// The character device major of "nvidia-caps" in <proc_root>/devices.
// FailedPrecondition naming the file when it is unreadable, malformed or
// has no such device.
absl::StatusOr<uint32_t> NvidiaCapsMajor(const RootOptions& opts);

// GpuDeviceEdits(parent_minor) plus /dev/nvidia-caps/nvidia-cap<m> for the
// GPU instance and the compute instance (type c, major `caps_major` from
// NvidiaCapsMajor, minor and file mode from the capability access files
// <proc_root>/driver/nvidia/capabilities/gpu<p>/mig/gi<g>/access and
// .../gi<g>/ci<c>/access). Errors name the missing or malformed file.
absl::StatusOr<ContainerEdits> MigDeviceEdits(const RootOptions& opts, uint32_t caps_major,
                                              uint32_t parent_minor, uint32_t gi, uint32_t ci);
// The same, reading the major itself (one /proc/devices read per call).
absl::StatusOr<ContainerEdits> MigDeviceEdits(const RootOptions& opts, uint32_t parent_minor,
                                              uint32_t gi, uint32_t ci);

}  // namespace cdi

#endif  // DRA_CDI_DRIVER_ROOT_H_

#include "cdi/driver_root.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "cdi/driver_files.h"
#include "cdi/root_path.h"
#include "hw/nvidia_caps.h"
#include "hw/proc_devices.h"
#include "nvml/loader.h"
#include "util/files.h"

namespace cdi {
namespace {

bool IsRoot(std::string_view p) { return p.empty() || p.find_first_not_of('/') == std::string_view::npos; }

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Where device nodes come from: nvml::DevRoot's rule (the driver root when
// its dev/ holds nvidiactl, else the real /dev), applied to this process's
// view of the driver root. {container view root, host root}.
std::pair<std::string, std::string> DevRoots(const RootOptions& opts) {
  if (!IsRoot(opts.container_driver_root) &&
      nvml::DevRoot(opts.container_driver_root) == opts.container_driver_root) {
    return {opts.container_driver_root, opts.host_driver_root};
  }
  return {"/", "/"};
}

DeviceNode NodeFor(const RootOptions& opts, const std::string& path) {
  DeviceNode node;
  node.path = path;
  std::string host = InRoot(DevRoots(opts).second, path);
  if (host != path) node.host_path = host;
  return node;
}

Mount BindMount(const RootOptions& opts, const std::string& path,
                const std::vector<std::string>& options) {
  return Mount{InRoot(opts.host_driver_root, path), path, "", options};
}

// The file under proc_root for a /proc/... path of hw/.
std::string ProcFile(const RootOptions& opts, const std::string& proc_path) {
  constexpr std::string_view kProc = "/proc";
  std::string_view rest = proc_path;
  if (rest.substr(0, kProc.size()) == kProc) rest.remove_prefix(kProc.size());
  return InRoot(opts.proc_root, rest);
}

absl::StatusOr<DeviceNode> CapNode(const RootOptions& opts, uint32_t major,
                                   const std::string& access_path) {
  std::string file = ProcFile(opts, access_path);
  absl::StatusOr<std::string> text = util::ReadFile(file);
  if (!text.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("MIG capability file ", file, ": ", text.status().message()));
  }
  absl::StatusOr<hw::CapAccess> access = hw::ParseCapAccess(*text);
  if (!access.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("MIG capability file ", file, ": ", access.status().message()));
  }
  return DeviceNode{.path = hw::CapDevicePath(access->minor),
                    .type = std::string(1, 'c'),
                    .major = major,
                    .minor = access->minor,
                    .file_mode = access->mode};
}

}  // namespace

const std::vector<std::string>& DriverFileMountOptions() {
  static const std::vector<std::string> kOptions = {"ro", "nosuid", "nodev", "rbind",
                                                    "rprivate"};
  return kOptions;
}

const std::vector<std::string>& SocketMountOptions() {
  static const std::vector<std::string> kOptions = {"ro",    "nosuid",   "nodev",
                                                    "rbind", "rprivate", "noexec"};
  return kOptions;
}

absl::StatusOr<std::string> DriverVersion(const RootOptions& opts) {
  return internal::FindDriverVersion(opts.container_driver_root);
}

absl::StatusOr<ContainerEdits> DiscoverCommonEdits(const RootOptions& opts) {
  if (opts.cdi_hook_path.empty() || opts.cdi_hook_path.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "the cdi-hook path must be absolute, got \"", opts.cdi_hook_path, "\""));
  }
  ContainerEdits edits;
  edits.env.push_back(kVisibleDevicesVoidEnv);

  auto [dev_view, dev_host] = DevRoots(opts);
  const std::string ctl = "/dev/nvidiactl";
  if (!Exists(InRoot(dev_view, ctl))) {
    return absl::NotFoundError(absl::StrCat(
        InRoot(dev_view, ctl), " does not exist: is the NVIDIA driver loaded?"));
  }
  for (const char* name : {"/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
                           "/dev/nvidia-modeset"}) {
    if (Exists(InRoot(dev_view, name))) edits.device_nodes.push_back(NodeFor(opts, name));
  }

  absl::StatusOr<internal::DriverFiles> files = internal::FindDriverFiles(
      opts.container_driver_root, /*with_dependencies=*/!IsRoot(opts.host_driver_root));
  if (!files.ok()) return files.status();
  if (!files->libcuda_dir.empty()) {
    edits.env.push_back(absl::StrCat(kLibcudaDirEnv, "=", files->libcuda_dir));
  }
  std::vector<std::string> folders;
  for (const std::string& lib : files->libraries) {
    edits.mounts.push_back(BindMount(opts, lib, DriverFileMountOptions()));
    std::string dir = lib.substr(0, std::max<size_t>(lib.rfind('/'), 1));
    if (std::find(folders.begin(), folders.end(), dir) == folders.end()) folders.push_back(dir);
  }
  for (const std::string& bin : files->binaries) {
    edits.mounts.push_back(BindMount(opts, bin, DriverFileMountOptions()));
  }
  for (const std::string& fw : files->firmware_dirs) {
    edits.mounts.push_back(BindMount(opts, fw, DriverFileMountOptions()));
  }
  for (const std::string& sock : files->sockets) {
    edits.mounts.push_back(BindMount(opts, sock, SocketMountOptions()));
  }

  std::string program = opts.cdi_hook_path.substr(opts.cdi_hook_path.rfind('/') + 1);
  if (!files->links.empty()) {
    Hook hook{kCreateContainerHook, opts.cdi_hook_path, {program, "create-symlinks"}, {}, {}};
    for (const auto& [target, link] : files->links) {
      hook.args.push_back("--link");
      hook.args.push_back(absl::StrCat(target, "::", link));
    }
    edits.hooks.push_back(std::move(hook));
  }
  if (!folders.empty()) {
    Hook hook{kCreateContainerHook, opts.cdi_hook_path, {program, "update-ldcache"}, {}, {}};
    for (const std::string& folder : folders) {
      hook.args.push_back("--folder");
      hook.args.push_back(folder);
    }
    edits.hooks.push_back(std::move(hook));
  }
  return edits;
}

absl::StatusOr<ContainerEdits> GpuDeviceEdits(const RootOptions& opts, uint32_t minor) {
  std::string path = absl::StrCat("/dev/nvidia", minor);
  std::string seen = InRoot(DevRoots(opts).first, path);
  if (!Exists(seen)) {
    return absl::FailedPreconditionError(
        absl::StrCat("GPU device node ", seen, " does not exist"));
  }
  ContainerEdits edits;
  edits.device_nodes.push_back(NodeFor(opts, path));
  return edits;
}

absl::StatusOr<uint32_t> NvidiaCapsMajor(const RootOptions& opts) {
  std::string devices = InRoot(opts.proc_root, "/devices");
  absl::StatusOr<std::string> text = util::ReadFile(devices);
  if (!text.ok()) return absl::FailedPreconditionError(text.status().message());
  absl::StatusOr<hw::DeviceMajors> majors = hw::ParseProcDevices(*text);
  if (!majors.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(devices, ": ", majors.status().message()));
  }
  if (!majors->nvidiaCaps) {
    return absl::FailedPreconditionError(
        absl::StrCat(devices, " has no \"nvidia-caps\" character device"));
  }
  return *majors->nvidiaCaps;
}

absl::StatusOr<ContainerEdits> MigDeviceEdits(const RootOptions& opts, uint32_t caps_major,
                                              uint32_t parent_minor, uint32_t gi, uint32_t ci) {
  absl::StatusOr<ContainerEdits> edits = GpuDeviceEdits(opts, parent_minor);
  if (!edits.ok()) return edits.status();
  for (const std::string& cap : {hw::GpuInstanceCapPath(parent_minor, gi),
                                 hw::ComputeInstanceCapPath(parent_minor, gi, ci)}) {
    absl::StatusOr<DeviceNode> node = CapNode(opts, caps_major, cap);
    if (!node.ok()) return node.status();
    edits->device_nodes.push_back(*std::move(node));
  }
  return edits;
}

absl::StatusOr<ContainerEdits> MigDeviceEdits(const RootOptions& opts, uint32_t parent_minor,
                                              uint32_t gi, uint32_t ci) {
  absl::StatusOr<uint32_t> major = NvidiaCapsMajor(opts);
  if (!major.ok()) return major.status();
  return MigDeviceEdits(opts, *major, parent_minor, gi, ci);
}

}  // namespace cdi

#include "cdi/driver_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cdi/elf_needed.h"
#include "cdi/root_path.h"

namespace cdi::internal {
namespace {

absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Library stems (before ".so.<version>") of the driver besides the
// libnvidia-* family: CUDA, video, ray tracing and the GL vendor libraries.
const std::vector<std::string>& DriverLibraryStems() {
  static const std::vector<std::string> kStems = {
      "libcuda",          "libcudadebugger",   "libnvcuvid",
      "libnvoptix",       "libGLX_nvidia",     "libEGL_nvidia",
      "libGLESv2_nvidia", "libGLESv1_CM_nvidia", "libvdpau_nvidia"};
  return kStems;
}

const std::vector<std::string>& BinaryDirs() {
  static const std::vector<std::string> kDirs = {"/bin", "/usr/bin", "/sbin", "/usr/sbin",
                                                 "/opt/bin"};
  return kDirs;
}

const std::vector<std::string>& BinaryNames() {
  static const std::vector<std::string> kNames = {
      "nvidia-smi", "nvidia-debugdump", "nvidia-persistenced", "nvidia-cuda-mps-control",
      "nvidia-cuda-mps-server"};
  return kNames;
}

const std::vector<std::string>& SocketPaths() {
  static const std::vector<std::string> kPaths = {
      "/run/nvidia-persistenced/socket", "/var/run/nvidia-persistenced/socket",
      "/run/nvidia-fabricmanager/socket", "/var/run/nvidia-fabricmanager/socket"};
  return kPaths;
}

std::string Dirname(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

std::string Basename(const std::string& p) { return p.substr(p.rfind('/') + 1); }

bool Is(std::string_view root, const std::string& rel, mode_t type) {
  struct stat st;
  return ::stat(InRoot(root, rel).c_str(), &st) == 0 && (st.st_mode & S_IFMT) == type;
}

// Resolved library directories that exist, without duplicates.
std::vector<std::string> LibraryDirs(std::string_view root) {
  std::vector<std::string> dirs;
  for (const std::string& d : LibrarySearchDirs()) {
    absl::StatusOr<std::string> r = ResolveInRoot(root, d);
    if (!r.ok() || !Is(root, *r, S_IFDIR)) continue;
    if (std::find(dirs.begin(), dirs.end(), *r) == dirs.end()) dirs.push_back(*r);
  }
  return dirs;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool IsDriverLibrary(const std::string& name, const std::string& version) {
  std::string suffix = absl::StrCat(".so.", version);
  if (!absl::EndsWith(name, suffix)) return false;
  std::string stem = name.substr(0, name.size() - suffix.size());
  if (absl::StartsWith(stem, "libnvidia-") && stem.size() > 10) return true;
  const auto& stems = DriverLibraryStems();
  return std::find(stems.begin(), stems.end(), stem) != stems.end();
}

}  // namespace

const std::vector<std::string>& LibrarySearchDirs() {
  static const std::vector<std::string> kDirs = {
      "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
      "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"};
  return kDirs;
}

bool IsSystemLibrary(std::string_view soname) {
  static const std::vector<std::string> kPrefixes = {
      "ld-linux", "ld64.so", "libc.so", "libm.so", "libdl.so", "librt.so", "libpthread.so",
      "libgcc_s.so", "libstdc++.so", "libresolv.so", "libutil.so", "libnsl.so", "libanl.so",
      "libnss_", "libmvec.so", "libcrypt.so", "libthread_db.so", "libBrokenLocale.so"};
  for (const std::string& p : kPrefixes) {
    if (absl::StartsWith(A(soname), p)) return true;
  }
  return false;
}

absl::StatusOr<std::string> FindDriverVersion(std::string_view root) {
  for (const std::string& dir : LibraryDirs(root)) {
    absl::StatusOr<std::string> lib = ResolveInRoot(root, dir + "/libnvidia-ml.so.1");
    if (!lib.ok() || !Is(root, *lib, S_IFREG)) continue;
    std::string name = Basename(*lib);
    const std::string kPrefix = "libnvidia-ml.so.";
    if (!absl::StartsWith(name, kPrefix) || name.size() == kPrefix.size() ||
        name == "libnvidia-ml.so.1") {
      return absl::FailedPreconditionError(absl::StrCat(
          InRoot(root, dir), "/libnvidia-ml.so.1 resolves to ", name,
          ", not to a versioned libnvidia-ml.so.<driver version>"));
    }
    return name.substr(kPrefix.size());
  }
  return absl::NotFoundError(absl::StrCat("libnvidia-ml.so.1 not found under driver root ",
                                          A(root), " (searched ",
                                          absl::StrJoin(LibrarySearchDirs(), ", "), ")"));
}

absl::StatusOr<DriverFiles> FindDriverFiles(std::string_view root, bool with_dependencies) {
  DriverFiles files;
  absl::StatusOr<std::string> version = FindDriverVersion(root);
  if (!version.ok()) return version.status();
  files.version = *version;

  std::set<std::string> libs;
  std::vector<std::string> work;
  std::set<std::pair<std::string, std::string>> links;
  for (const std::string& dir : LibraryDirs(root)) {
    for (const std::string& name : ListDir(InRoot(root, dir))) {
      if (!IsDriverLibrary(name, files.version)) continue;
      absl::StatusOr<std::string> lib = ResolveInRoot(root, dir + "/" + name);
      if (!lib.ok() || !Is(root, *lib, S_IFREG)) continue;
      if (libs.insert(*lib).second) work.push_back(*lib);
      if (absl::StartsWith(name, "libcuda.so.") && files.libcuda_dir.empty()) {
        files.libcuda_dir = Dirname(*lib);
      }
    }
  }
  while (!work.empty()) {
    std::string lib = std::move(work.back());
    work.pop_back();
    absl::StatusOr<ElfDynamicInfo> info = ReadElfDynamic(InRoot(root, lib));
    if (!info.ok()) continue;  // not ELF64 (e.g. 32-bit): no links, no deps
    const std::string dir = Dirname(lib);
    if (!info->soname.empty() && info->soname != Basename(lib)) {
      links.insert({Basename(lib), dir + "/" + info->soname});
      if (info->soname == "libcuda.so.1") links.insert({"libcuda.so.1", dir + "/libcuda.so"});
    }
    if (!with_dependencies) continue;
    for (const std::string& needed : info->needed) {
      if (IsSystemLibrary(needed) || needed.find('/') != std::string::npos) continue;
      absl::StatusOr<std::string> dep = ResolveInRoot(root, dir + "/" + needed);
      if (!dep.ok() || !Is(root, *dep, S_IFREG) || Dirname(*dep) != dir) continue;
      if (!libs.insert(*dep).second) continue;
      work.push_back(*dep);
      if (Basename(*dep) != needed) links.insert({Basename(*dep), dir + "/" + needed});
    }
  }
  files.libraries.assign(libs.begin(), libs.end());
  files.links.assign(links.begin(), links.end());

  std::set<std::string> seen;
  for (const std::string& name : BinaryNames()) {
    for (const std::string& dir : BinaryDirs()) {
      absl::StatusOr<std::string> bin = ResolveInRoot(root, dir + "/" + name);
      if (!bin.ok() || !Is(root, *bin, S_IFREG)) continue;
      if (seen.insert(*bin).second) files.binaries.push_back(*bin);
      break;
    }
  }
  for (const char* base : {"/lib/firmware/nvidia/", "/usr/lib/firmware/nvidia/",
                                  "/firmware/nvidia/"}) {
    absl::StatusOr<std::string> fw = ResolveInRoot(root, std::string(base) + files.version);
    if (!fw.ok() || !Is(root, *fw, S_IFDIR)) continue;
    if (seen.insert(*fw).second) files.firmware_dirs.push_back(*fw);
  }
  for (const std::string& path : SocketPaths()) {
    absl::StatusOr<std::string> sock = ResolveInRoot(root, path);
    if (!sock.ok() || !Is(root, *sock, S_IFSOCK)) continue;
    if (seen.insert(*sock).second) files.sockets.push_back(*sock);
  }
  return files;
}

}  // namespace cdi::internal

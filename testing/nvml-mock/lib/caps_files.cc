// caps_files.cc: see caps_files.h.
#include "caps_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "file_util.h"

namespace nvml_mock {
namespace fs = std::filesystem;

namespace {

constexpr unsigned kMinorsPerGi = 9;  // gi access + 8 ci access
constexpr unsigned kMinorsPerGpu = 15 * kMinorsPerGi;
constexpr unsigned kAccessMode = 0444;

void WriteIfDifferent(const std::string& path, const std::string& text) {
  std::string old;
  if (ReadWholeFile(path, &old, nullptr) && old == text) return;
  std::string error;
  WriteFileAtomically(path, text, &error);
}

void SyncNodes(const std::string& root, unsigned major, unsigned gpuMinor,
               const std::set<unsigned>& want) {
  std::string dir = root + "/dev/nvidia-caps";
  if (!MakeDirs(dir)) return;
  unsigned first = GiCapMinor(gpuMinor, 0);
  for (unsigned m = first; m < first + kMinorsPerGpu; ++m) {
    std::string node = dir + "/nvidia-cap" + std::to_string(m);
    struct stat st;
    bool exists = ::lstat(node.c_str(), &st) == 0;
    if (want.count(m) != 0 && !exists) {
      if (::mknod(node.c_str(), S_IFCHR | kAccessMode, makedev(major, m)) != 0) {
        // Not permitted (not root): a plain file still marks the instance
        // as visible to processes using this dev dir.
        int fd = ::open(node.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kAccessMode);
        if (fd >= 0) ::close(fd);
      }
    } else if (want.count(m) == 0 && exists) {
      ::unlink(node.c_str());
    }
  }
}

}  // namespace

static void SyncAll(const std::string& root, const Topology& topo, const MigState& state);

unsigned GiCapMinor(unsigned gpuMinor, unsigned gi) {
  return 3 + gpuMinor * kMinorsPerGpu + gi * kMinorsPerGi;
}

unsigned CiCapMinor(unsigned gpuMinor, unsigned gi, unsigned ci) {
  return GiCapMinor(gpuMinor, gi) + 1 + ci;
}

std::string AccessFileText(unsigned minor, unsigned mode) {
  return "DeviceFileMinor: " + std::to_string(minor) + "\nDeviceFileMode: " +
         std::to_string(mode) + "\nDeviceFileModify: 1\n";
}

void SyncCapabilityFiles(const std::string& root, const Topology& topo,
                         const MigState& state) {
  if (root.empty()) return;
  try {
    SyncAll(root, topo, state);
  } catch (...) {
    // Best effort, like a driver root we may not be allowed to write.
  }
}

static void SyncAll(const std::string& root, const Topology& topo, const MigState& state) {
  auto majorIt = topo.deviceMajors.find("nvidia-caps");
  unsigned major = majorIt == topo.deviceMajors.end() ? 241 : majorIt->second;
  for (const GpuSpec& gpu : topo.gpus) {
    std::string mig = root + "/proc/driver/nvidia/capabilities/gpu" +
                      std::to_string(gpu.minor) + "/mig";
    if (!MakeDirs(mig)) continue;
    GpuState gs = GpuStateOf(state, gpu);
    std::map<std::string, std::set<std::string>> want;  // gi dir -> ci dirs
    std::set<unsigned> minors;
    for (const GiState& gi : gs.gis) {
      std::string gdir = "gi" + std::to_string(gi.id);
      unsigned gm = GiCapMinor(gpu.minor, gi.id);
      minors.insert(gm);
      MakeDirs(mig + "/" + gdir);
      WriteIfDifferent(mig + "/" + gdir + "/access", AccessFileText(gm, kAccessMode));
      auto& cis = want[gdir];
      for (const CiState& ci : gi.cis) {
        std::string cdir = "ci" + std::to_string(ci.id);
        unsigned cm = CiCapMinor(gpu.minor, gi.id, ci.id);
        minors.insert(cm);
        cis.insert(cdir);
        MakeDirs(mig + "/" + gdir + "/" + cdir);
        WriteIfDifferent(mig + "/" + gdir + "/" + cdir + "/access", AccessFileText(cm, kAccessMode));
      }
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(mig, ec)) {
      std::string name = entry.path().filename().string();
      auto it = want.find(name);
      if (it == want.end()) {
        fs::remove_all(entry.path(), ec);
        continue;
      }
      for (const auto& sub : fs::directory_iterator(entry.path(), ec)) {
        std::string sn = sub.path().filename().string();
        if (sn.rfind("ci", 0) == 0 && it->second.count(sn) == 0) fs::remove_all(sub.path(), ec);
      }
    }
    SyncNodes(root, major, gpu.minor, minors);
  }
}

}  // namespace nvml_mock

#include "nvml/loader.h"

#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nvml/paths.h"
#include "util/files.h"

namespace nvml {
namespace {

namespace fs = std::filesystem;

// Returns the resolved path if `path` (after following symlinks) is a
// regular file, else "".
std::string ResolveRegularFile(const std::string& path) {
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  if (ec) return "";
  if (!fs::is_regular_file(resolved, ec) || ec) return "";
  return resolved.string();
}

absl::StatusOr<std::string> FindUnderRoot(const std::string& root,
                                          const std::string& name,
                                          bool binary) {
  std::vector<std::string> tried = CandidatePaths(root, name, binary);
  for (const std::string& candidate : tried) {
    std::string resolved = ResolveRegularFile(candidate);
    if (!resolved.empty()) return resolved;
  }
  return absl::NotFoundError(absl::StrCat(
      name, " not found under driver root \"", root.empty() ? "/" : root,
      "\"; tried: ", absl::StrJoin(tried, ", ")));
}

}  // namespace

std::vector<std::string> CandidatePaths(const std::string& root,
                                        const std::string& name, bool binary) {
  std::vector<std::string> out;
  auto add = [&](std::string_view dir) {
    std::string path = util::JoinRoot(root, absl::StrCat(std::string(dir), "/", name));
    for (const std::string& existing : out) {
      if (existing == path) return;
    }
    out.push_back(std::move(path));
  };
  if (binary) {
    for (std::string_view dir : kBinarySearchDirs) add(dir);
  } else {
    for (std::string_view dir : kLibrarySearchDirs) add(dir);
  }
  return out;
}

absl::StatusOr<std::string> FindNvmlLibrary(const std::string& driver_root) {
  return FindUnderRoot(driver_root, std::string(kNvmlLibraryName),
                       /*binary=*/false);
}

absl::StatusOr<std::string> FindNvidiaSmi(const std::string& driver_root) {
  return FindUnderRoot(driver_root, std::string(kNvidiaSmiName),
                       /*binary=*/true);
}

std::string DevRoot(const std::string& driver_root) {
  std::error_code ec;
  if (!driver_root.empty() &&
      fs::exists(util::JoinRoot(driver_root, std::string(kDevDir)) + "/nvidiactl", ec)) {
    return driver_root;
  }
  return "/";
}

}  // namespace nvml

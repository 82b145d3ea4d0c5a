#include "hw/sysfs_pci.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "util/files.h"
#include "util/status_macros.h"

namespace hw {
namespace {

namespace fs = std::filesystem;

// "pci" + 4 hex digits + ":" + 2 hex digits (more domain digits allowed).
bool IsRootComplex(const std::string& s) {
  if (s.size() < 10 || s.compare(0, 3, "pci") != 0) return false;
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon < 7 || s.size() - colon - 1 != 2) {
    return false;
  }
  for (size_t i = 3; i < s.size(); ++i) {
    if (i == colon) continue;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string DevicePath(const std::string& sys_root, const std::string& bus_id) {
  return util::JoinRoot(sys_root, absl::StrCat(kSysPciDevicesDir, "/", bus_id));
}

}  // namespace

absl::StatusOr<std::string> ReadPcieRoot(const std::string& sys_root,
                                         const std::string& bus_id) {
  std::string path = DevicePath(sys_root, bus_id);
  std::error_code ec;
  fs::path target;
  if (fs::is_symlink(path, ec)) {
    target = fs::read_symlink(path, ec);
  } else if (fs::exists(path, ec)) {
    target = fs::canonical(path, ec);
  } else {
    return absl::NotFoundError(absl::StrCat(path, ": no such device"));
  }
  if (ec) {
    return absl::InternalError(absl::StrCat(path, ": ", ec.message()));
  }
  for (const fs::path& part : target) {
    if (IsRootComplex(part.string())) return part.string();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, " -> ", target.string(), ": no PCI root complex in path"));
}

absl::StatusOr<std::optional<int>> ReadNumaNode(const std::string& sys_root,
                                                const std::string& bus_id) {
  std::string path = absl::StrCat(DevicePath(sys_root, bus_id), "/numa_node");
  DRA_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  int node = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &node)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a number: \"", text, "\""));
  }
  if (node < 0) return std::optional<int>();
  return std::optional<int>(node);
}

}  // namespace hw

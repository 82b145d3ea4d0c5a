#include "hw/nvidia_caps.h"

#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/files.h"
#include "util/status_macros.h"

namespace hw {

absl::StatusOr<CapAccess> ParseCapAccess(const std::string& text) {
  std::vector<absl::string_view> tokens =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  std::optional<uint32_t> minor, mode, modify;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    std::optional<uint32_t>* target = nullptr;
    if (tokens[i] == "DeviceFileMinor:") target = &minor;
    if (tokens[i] == "DeviceFileMode:") target = &mode;
    if (tokens[i] == "DeviceFileModify:") target = &modify;
    if (target == nullptr) continue;
    uint32_t value = 0;
    if (!absl::SimpleAtoi(tokens[i + 1], &value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "capability file: bad value for ", tokens[i], " \"", tokens[i + 1],
          "\""));
    }
    *target = value;
    ++i;
  }
  if (!minor.has_value() || !mode.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "capability file lacks DeviceFileMinor/DeviceFileMode: \"", text,
        "\""));
  }
  return CapAccess{*minor, *mode, modify.value_or(0) != 0};
}

absl::StatusOr<CapAccess> ReadCapAccess(const std::string& root,
                                        const std::string& cap_path) {
  std::string path = util::JoinRoot(root, cap_path);
  DRA_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  absl::StatusOr<CapAccess> access = ParseCapAccess(text);
  if (!access.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", access.status().message()));
  }
  return access;
}

std::string MigConfigCapPath() {
  return absl::StrCat(kCapabilitiesDir, "/mig/config");
}

std::string MigMonitorCapPath() {
  return absl::StrCat(kCapabilitiesDir, "/mig/monitor");
}

std::string FabricImexMgmtCapPath() {
  return absl::StrCat(kCapabilitiesDir, "/fabric-imex-mgmt");
}

std::string GpuInstanceCapPath(uint32_t gpu_minor, uint32_t gi) {
  return absl::StrCat(kCapabilitiesDir, "/gpu", gpu_minor, "/mig/gi", gi,
                      "/access");
}

std::string ComputeInstanceCapPath(uint32_t gpu_minor, uint32_t gi,
                                   uint32_t ci) {
  return absl::StrCat(kCapabilitiesDir, "/gpu", gpu_minor, "/mig/gi", gi,
                      "/ci", ci, "/access");
}

std::string CapDevicePath(uint32_t minor) {
  return absl::StrCat(kCapsDeviceDir, "/nvidia-cap", minor);
}

}  // namespace hw

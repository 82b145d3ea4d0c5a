#include "hw/proc_devices.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/files.h"
#include "util/status_macros.h"

namespace hw {

absl::StatusOr<DeviceMajors> ParseProcDevices(const std::string& text) {
  DeviceMajors majors;
  bool in_char = false;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty()) continue;
    if (line == "Character devices:") {
      in_char = true;
      continue;
    }
    if (line.back() == ':') {  // "Block devices:" or another section
      in_char = false;
      continue;
    }
    if (!in_char) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    uint32_t major = 0;
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &major)) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed /proc/devices line: \"", line, "\""));
    }
    majors.all.emplace(std::string(fields[1]), major);
  }
  auto get = [&](const char* name) -> std::optional<uint32_t> {
    auto it = majors.all.find(name);
    if (it == majors.all.end()) return std::nullopt;
    return it->second;
  };
  majors.nvidia = get("nvidia-frontend");
  if (!majors.nvidia.has_value()) majors.nvidia = get("nvidia");
  majors.nvidiaUvm = get("nvidia-uvm");
  majors.nvidiaCaps = get("nvidia-caps");
  majors.nvidiaCapsImexChannels = get("nvidia-caps-imex-channels");
  return majors;
}

absl::StatusOr<DeviceMajors> ReadProcDevices(const std::string& root) {
  DRA_ASSIGN_OR_RETURN(std::string text,
                       util::ReadFile(util::JoinRoot(root, kProcDevicesPath)));
  return ParseProcDevices(text);
}

}  // namespace hw

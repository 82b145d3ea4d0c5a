#include "devices/semver.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"

namespace devices {

absl::StatusOr<std::string> ToSemver(std::string_view v) {
  const std::string input(v);
  auto bad = [&input](const char* why) {
    return absl::InvalidArgumentError("invalid version \"" + input + "\": " + why);
  };
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
  size_t suffix_at = v.find_first_of("-+");
  std::string_view core = v.substr(0, suffix_at);
  std::string suffix =
      suffix_at == std::string_view::npos ? "" : std::string(v.substr(suffix_at));
  if (suffix.size() == 1) return bad("empty pre-release or build suffix");
  std::vector<uint64_t> parts;
  size_t pos = 0;
  while (true) {
    size_t dot = core.find('.', pos);
    std::string_view num = core.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
    if (num.empty()) return bad("empty numeric part");
    if (num.size() > 18) return bad("numeric part too large");
    uint64_t n = 0;
    for (char c : num) {
      if (c < '0' || c > '9') return bad("non-numeric part");
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    parts.push_back(n);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (parts.size() > 3) return bad("more than three numeric parts");
  while (parts.size() < 3) parts.push_back(0);
  return std::to_string(parts[0]) + "." + std::to_string(parts[1]) + "." +
         std::to_string(parts[2]) + suffix;
}

}  // namespace devices

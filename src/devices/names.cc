#include "devices/names.h"

#include <charconv>
#include <vector>

#include "devices/attributes.h"

namespace devices {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::optional<uint32_t> ParseUint(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  // Reject leading zeros so that a name round-trips exactly.
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  return v;
}

}  // namespace

std::string GpuDeviceName(uint32_t minor) {
  return std::string(kGpuNamePrefix) + std::to_string(minor);
}

std::string MigProfileNamePart(std::string_view profile) {
  std::string out;
  out.reserve(profile.size());
  for (char c : profile) {
    if (c == '.') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!IsLowerAlnum(c) && c != '-') c = '-';
    out.push_back(c);
  }
  size_t b = 0;
  while (b < out.size() && !IsLowerAlnum(out[b])) ++b;
  size_t e = out.size();
  while (e > b && !IsLowerAlnum(out[e - 1])) --e;
  return out.substr(b, e - b);
}

std::string MigDeviceName(uint32_t parent_minor, std::string_view profile,
                          uint32_t gi_profile_id, uint32_t placement_start) {
  return GpuDeviceName(parent_minor) + kMigNameInfix + MigProfileNamePart(profile) +
         "-" + std::to_string(gi_profile_id) + "-" + std::to_string(placement_start);
}

bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > static_cast<size_t>(kMaxDeviceNameLength)) return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return IsLowerAlnum(name.front()) && IsLowerAlnum(name.back());
}

std::optional<ParsedMigName> ParseMigDeviceName(std::string_view name) {
  std::string_view prefix = kGpuNamePrefix;
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  name.remove_prefix(prefix.size());
  size_t mig = name.find(kMigNameInfix);
  if (mig == std::string_view::npos) return std::nullopt;
  auto minor = ParseUint(name.substr(0, mig));
  if (!minor) return std::nullopt;
  std::string_view rest = name.substr(mig + std::string_view(kMigNameInfix).size());
  size_t last = rest.rfind('-');
  if (last == std::string_view::npos) return std::nullopt;
  auto start = ParseUint(rest.substr(last + 1));
  rest = rest.substr(0, last);
  size_t mid = rest.rfind('-');
  if (mid == std::string_view::npos) return std::nullopt;
  auto id = ParseUint(rest.substr(mid + 1));
  std::string_view profile = rest.substr(0, mid);
  if (!start || !id || profile.empty()) return std::nullopt;
  return ParsedMigName{*minor, std::string(profile), *id, *start};
}

}  // namespace devices

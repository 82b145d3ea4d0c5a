#include "cdi/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "cdi/spec.h"

namespace cdi {
namespace {

absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Bad(std::string_view what, std::string_view name, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid CDI ", A(what), " \"", A(name), "\": ", A(why)));
}

// Checks first/middle/last characters; `extra` lists the punctuation
// allowed in the middle.
absl::Status CheckName(std::string_view what, std::string_view name, bool first_letter_only,
                       std::string_view extra) {
  if (name.empty()) return Bad(what, name, "empty");
  char first = name.front();
  bool first_ok = first_letter_only ? absl::ascii_isalpha(first) : absl::ascii_isalnum(first);
  if (!first_ok) {
    return Bad(what, name, first_letter_only ? "must start with a letter"
                                             : "must start with a letter or digit");
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && extra.find(c) == std::string_view::npos) {
      return Bad(what, name, absl::StrCat("invalid character '", std::string(1, c), "'"));
    }
  }
  if (!absl::ascii_isalnum(name.back())) {
    return Bad(what, name, "must end with a letter or digit");
  }
  return absl::OkStatus();
}

// Claim spec file names: <prefix><uid><suffix>.
std::string SpecFilePrefix() { return absl::StrCat(kVendor, "-", kClass, "_"); }
constexpr absl::string_view kSpecSuffix = ".yaml";

}  // namespace

std::string ClaimSpecPath(std::string_view cdi_root, std::string_view claim_uid) {
  std::string uid(claim_uid);
  for (char& c : uid) {
    if (c == '/') c = '_';
  }
  std::string root(cdi_root);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (!root.empty() && root != "/") root += "/";
  return absl::StrCat(root, SpecFilePrefix(), uid, kSpecSuffix);
}

std::optional<std::string> ClaimUidOfSpecFileName(std::string_view file_name) {
  const std::string prefix = SpecFilePrefix();
  if (file_name.size() <= prefix.size() + kSpecSuffix.size() ||
      !absl::StartsWith(A(file_name), prefix) || !absl::EndsWith(A(file_name), kSpecSuffix)) {
    return std::nullopt;
  }
  std::string_view uid =
      file_name.substr(prefix.size(), file_name.size() - prefix.size() - kSpecSuffix.size());
  if (uid.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(uid);
}

bool IsClaimSpecTempFileName(std::string_view file_name) {
  const std::string prefix = absl::StrCat(".", SpecFilePrefix());
  return absl::StartsWith(A(file_name), prefix) &&
         A(file_name).find(absl::StrCat(kSpecSuffix, kSpecTempInfix), prefix.size()) !=
             absl::string_view::npos;
}

std::string ClaimDeviceName(std::string_view claim_uid, std::string_view device_name) {
  return absl::StrCat(A(claim_uid), "-", A(device_name));
}

std::string QualifiedDeviceId(std::string_view claim_uid, std::string_view device_name) {
  return absl::StrCat(kClaimKind, "=", ClaimDeviceName(claim_uid, device_name));
}

absl::Status ValidateVendorName(std::string_view vendor) {
  return CheckName("vendor", vendor, true, "_.-");
}

absl::Status ValidateClassName(std::string_view cls) {
  return CheckName("class", cls, true, "_.-");
}

absl::Status ValidateDeviceName(std::string_view name) {
  return CheckName("device name", name, false, "_.:-");
}

absl::Status ValidateKind(std::string_view kind) {
  size_t slash = kind.find('/');
  if (slash == std::string_view::npos) return Bad("kind", kind, "missing '/'");
  absl::Status s = ValidateVendorName(kind.substr(0, slash));
  if (!s.ok()) return s;
  return ValidateClassName(kind.substr(slash + 1));
}

absl::Status ValidateQualifiedName(std::string_view qualified) {
  size_t eq = qualified.find('=');
  if (eq == std::string_view::npos) return Bad("qualified name", qualified, "missing '='");
  absl::Status s = ValidateKind(qualified.substr(0, eq));
  if (!s.ok()) return s;
  return ValidateDeviceName(qualified.substr(eq + 1));
}

}  // namespace cdi

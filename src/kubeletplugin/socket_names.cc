#include "kubeletplugin/socket_names.h"

#include <openssl/sha.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kubeletplugin {
namespace {

std::string Join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace

std::string HashedName(const std::string& data, std::size_t n) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  if (n > SHA256_DIGEST_LENGTH) n = SHA256_DIGEST_LENGTH;
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), n));
}

std::string PluginDataDir(const std::string& plugins_dir, const std::string& driver) {
  return Join(plugins_dir, driver);
}

absl::StatusOr<std::string> DraSocketPath(const std::string& plugins_dir,
                                          const std::string& driver,
                                          const std::string& pod_uid) {
  const std::string name = pod_uid.empty() ? "dra.sock" : "dra-" + pod_uid + ".sock";
  std::string path = Join(PluginDataDir(plugins_dir, driver), name);
  if (path.size() > kMaxSocketPathLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("DRA socket path ", path, " is longer than ", kMaxSocketPathLength,
                     " bytes (the Unix socket limit)"));
  }
  return path;
}

absl::StatusOr<std::string> RegistrationSocketPath(const std::string& registrar_dir,
                                                   const std::string& driver,
                                                   const std::string& pod_uid) {
  if (pod_uid.empty()) {
    std::string path = Join(registrar_dir, driver + "-reg.sock");
    if (path.size() > kMaxSocketPathLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("registration socket path ", path, " is longer than ",
                       kMaxSocketPathLength, " bytes (the Unix socket limit)"));
    }
    return path;
  }
  std::string with_nul_separator = driver;
  with_nul_separator.push_back('\0');
  with_nul_separator += pod_uid;
  const std::string candidates[] = {
      driver + "-" + pod_uid + "-reg.sock",
      driver + "-" + HashedName(pod_uid, 8) + "-reg.sock",
      "dra-" + HashedName(with_nul_separator, 16) + "-reg.sock",
  };
  for (const std::string& name : candidates) {
    std::string path = Join(registrar_dir, name);
    if (path.size() <= kMaxSocketPathLength) return path;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("registrar directory ", registrar_dir,
                   " is too long: no registration socket name fits in ",
                   kMaxSocketPathLength, " bytes"));
}

}  // namespace kubeletplugin

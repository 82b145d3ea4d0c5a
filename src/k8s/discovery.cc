#include "k8s/discovery.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace k8s {

absl::StatusOr<ServerVersion> GetServerVersion(Client& client) {
  absl::StatusOr<nlohmann::json> j = client.GetPath("/version");
  if (!j.ok()) return j.status();
  if (!j->is_object()) return absl::InternalError("/version: not an object");
  ServerVersion v;
  v.git_version = j->value("gitVersion", "");
  std::string major = j->value("major", ""), minor = j->value("minor", "");
  (void)absl::SimpleAtoi(absl::StripSuffix(major, "+"), &v.major);
  (void)absl::SimpleAtoi(absl::StripSuffix(minor, "+"), &v.minor);
  return v;
}

absl::StatusOr<std::vector<std::string>> ServedResourceVersions(Client& client) {
  absl::StatusOr<nlohmann::json> j = client.GetPath("/apis");
  if (!j.ok()) return j.status();
  std::vector<std::string> out;
  if (!j->is_object() || !j->contains("groups") || !(*j)["groups"].is_array()) return out;
  for (const nlohmann::json& g : (*j)["groups"]) {
    if (!g.is_object() || g.value("name", "") != kResourceGroup) continue;
    if (!g.contains("versions") || !g["versions"].is_array()) continue;
    for (const nlohmann::json& v : g["versions"]) {
      if (v.is_object() && v.contains("version") && v["version"].is_string()) {
        out.push_back(v["version"].get<std::string>());
      }
    }
  }
  return out;
}

absl::StatusOr<ApiVersion> PickResourceVersion(const std::vector<std::string>& served,
                                               const std::string& override_version) {
  auto has = [&](const std::string& v) {
    return std::find(served.begin(), served.end(), v) != served.end();
  };
  if (!override_version.empty()) {
    if (!has(override_version)) {
      return absl::FailedPreconditionError(
          "resource.k8s.io/" + override_version + " is not served (served: " +
          (served.empty() ? "none" : absl::StrJoin(served, ", ")) + ")");
    }
    return ParseApiVersion(override_version);
  }
  for (const char* v : {"v1", "v1beta2", "v1beta1"}) {
    if (has(v)) return ParseApiVersion(v);
  }
  return absl::NotFoundError("the API server serves none of resource.k8s.io v1, v1beta2, v1beta1");
}

}  // namespace k8s

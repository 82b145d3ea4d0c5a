#include "kubeletplugin/claim_getter.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "k8s/resource.h"

namespace kubeletplugin {

absl::StatusOr<k8s::ResourceClaim> ApiClaimGetter::Get(const std::string& ns,
                                                       const std::string& name) {
  const k8s::Resource resource = k8s::ResourceClaims(k8s::ApiVersionName(version_));
  absl::StatusOr<nlohmann::json> obj = client_->Get(resource, ns, name);
  if (!obj.ok()) return obj.status();
  absl::StatusOr<k8s::ResourceClaim> claim = k8s::ResourceClaimFromJson(*obj, version_);
  if (!claim.ok()) {
    return absl::Status(claim.status().code(),
                        absl::StrCat("decode ResourceClaim ", ns, "/", name, ": ",
                                     claim.status().message()));
  }
  return claim;
}

}  // namespace kubeletplugin

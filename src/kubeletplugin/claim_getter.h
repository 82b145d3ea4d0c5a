// claim_getter.h: how the plugin runtime reads a ResourceClaim before
// NodePrepareResources hands it to the driver (k8s-interfaces.md §2.8).
// ClaimGetter is the seam (tests use a fake); ApiClaimGetter reads the
// claim from the API server in the resource.k8s.io version chosen at
// start-up (k8s::PickResourceVersion) and decodes it to the v1 model.
//
// Used by plugin_server.h / dra_service.h. Implementations must be
// thread-safe (the kubelet may have several calls in flight);
// ApiClaimGetter is, as k8s::Client is.
#ifndef DRA_KUBELETPLUGIN_CLAIM_GETTER_H_
#define DRA_KUBELETPLUGIN_CLAIM_GETTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "k8s/client.h"
#include "k8s/resource_codec.h"
#include "k8s/resource_types.h"

namespace kubeletplugin {

class ClaimGetter {
 public:
  virtual ~ClaimGetter() = default;
  // The claim `ns`/`name`; NotFound when it does not exist, other errors as
  // the API server or transport reported them.
  virtual absl::StatusOr<k8s::ResourceClaim> Get(const std::string& ns,
                                                 const std::string& name) = 0;
};

class ApiClaimGetter final : public ClaimGetter {
 public:
  // `client` is not owned and must outlive this object. `version` is the
  // served resource.k8s.io version (see k8s/discovery.h).
  ApiClaimGetter(k8s::Client* client, k8s::ApiVersion version)
      : client_(client), version_(version) {}
  ApiClaimGetter(const ApiClaimGetter&) = delete;
  ApiClaimGetter& operator=(const ApiClaimGetter&) = delete;

  absl::StatusOr<k8s::ResourceClaim> Get(const std::string& ns,
                                         const std::string& name) override;

 private:
  k8s::Client* const client_;
  const k8s::ApiVersion version_;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_CLAIM_GETTER_H_

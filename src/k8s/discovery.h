// discovery.h: what the API server serves: its version (/version) and the
// resource.k8s.io versions it serves (/apis), plus the version choice the
// drivers make: v1, then v1beta2, then v1beta1 (the order of
// k8s.io/dynamic-resource-allocation/client), or an explicit override.
//
// Used at start-up by the kubelet plugins, the controller and the webhook.
// Functions are thread-safe (they only use the Client).
#ifndef DRA_K8S_DISCOVERY_H_
#define DRA_K8S_DISCOVERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "k8s/client.h"
#include "k8s/resource_codec.h"

namespace k8s {

struct ServerVersion {
  std::string git_version;  // "v1.37.2"
  int major = 0, minor = 0; // 1, 37 ("37+" reads as 37)
};

absl::StatusOr<ServerVersion> GetServerVersion(Client& client);

// The versions of resource.k8s.io the server serves, in its preference
// order; empty when the group is not served at all.
absl::StatusOr<std::vector<std::string>> ServedResourceVersions(Client& client);

// Picks v1 > v1beta2 > v1beta1 among `served`. A non-empty `override`
// must be one of them (FailedPrecondition otherwise, naming what is
// served); NotFound when none of the three is served.
absl::StatusOr<ApiVersion> PickResourceVersion(const std::vector<std::string>& served,
                                               const std::string& override_version = "");

}  // namespace k8s

#endif  // DRA_K8S_DISCOVERY_H_

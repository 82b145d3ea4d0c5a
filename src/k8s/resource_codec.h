// resource_codec.h: wire conversion of the resource.k8s.io objects in
// resource_types.h for API versions v1, v1beta2 and v1beta1
// (k8s-interfaces.md §3.7): v1 and v1beta2 share one shape; v1beta1 nests
// each device's fields under `basic` and has flat requests where v1 has
// `exactly`. Decoding is lenient about unknown fields (kept in `extra`) and
// strict about types (InvalidArgument naming the field path).
//
// ToV1Shape/FromV1Shape do the version reshaping on raw JSON, so callers
// holding unstructured objects (informers) can normalise them too.
//
// Used with client.h by everything that reads or writes these kinds. Pure;
// thread-safe.
#ifndef DRA_K8S_RESOURCE_CODEC_H_
#define DRA_K8S_RESOURCE_CODEC_H_

#include <string>

#include "absl/status/statusor.h"
#include "devices/json.h"
#include "k8s/resource_types.h"
#include "nlohmann/json.hpp"

namespace k8s {

using devices::ApiVersion;

// "v1" -> kV1 ... ; InvalidArgument for others.
absl::StatusOr<ApiVersion> ParseApiVersion(const std::string& v);
std::string ApiVersionName(ApiVersion v);

// Reshape `obj` of `kind` between `version` and the v1 shape (no-ops for
// v1/v1beta2 and for kinds without differences). apiVersion is rewritten.
nlohmann::json ToV1Shape(nlohmann::json obj, ApiVersion version);
nlohmann::json FromV1Shape(nlohmann::json obj, ApiVersion version);

nlohmann::json ToJson(const ResourceSlice& o, ApiVersion v);
nlohmann::json ToJson(const ResourceClaim& o, ApiVersion v);
nlohmann::json ToJson(const ResourceClaimTemplate& o, ApiVersion v);
nlohmann::json ToJson(const DeviceClass& o, ApiVersion v);

absl::StatusOr<ResourceSlice> ResourceSliceFromJson(const nlohmann::json& j, ApiVersion v);
absl::StatusOr<ResourceClaim> ResourceClaimFromJson(const nlohmann::json& j, ApiVersion v);
absl::StatusOr<ResourceClaimTemplate> ResourceClaimTemplateFromJson(const nlohmann::json& j,
                                                                    ApiVersion v);
absl::StatusOr<DeviceClass> DeviceClassFromJson(const nlohmann::json& j, ApiVersion v);

}  // namespace k8s

#endif  // DRA_K8S_RESOURCE_CODEC_H_

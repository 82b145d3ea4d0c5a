// resource.h: names a kind of API object the way REST paths need it
// (group, version, plural resource, namespaced or not) and builds its paths.
// The objects the drivers touch are listed as constants/functions here.
//
// Used by client.h callers. Plain values; thread-safe.
#ifndef DRA_K8S_RESOURCE_H_
#define DRA_K8S_RESOURCE_H_

#include <string>

namespace k8s {

struct Resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1", "v1beta2", ...
  std::string resource; // plural, lower case: "resourceslices"
  bool namespaced = true;
  std::string kind;     // "ResourceSlice"

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<sub>]]"
  // ("/api/v1/..." for the core group). `ns` is ignored for cluster-scoped
  // resources; empty `ns` on a namespaced resource means all namespaces.
  std::string Path(const std::string& ns = "", const std::string& name = "",
                   const std::string& subresource = "") const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
    p += "/" + resource;
    if (!name.empty()) p += "/" + name;
    if (!subresource.empty()) p += "/" + subresource;
    return p;
  }
};

inline constexpr char kResourceGroup[] = "resource.k8s.io";

inline Resource Nodes() { return {"", "v1", "nodes", false, "Node"}; }
inline Resource Pods() { return {"", "v1", "pods", true, "Pod"}; }
inline Resource Namespaces() { return {"", "v1", "namespaces", false, "Namespace"}; }
inline Resource Events() { return {"events.k8s.io", "v1", "events", true, "Event"}; }
inline Resource Leases() { return {"coordination.k8s.io", "v1", "leases", true, "Lease"}; }
inline Resource DaemonSets() { return {"apps", "v1", "daemonsets", true, "DaemonSet"}; }
// resource.k8s.io kinds in `version` ("v1", "v1beta2", "v1beta1").
inline Resource ResourceSlices(const std::string& version) {
  return {kResourceGroup, version, "resourceslices", false, "ResourceSlice"};
}
inline Resource ResourceClaims(const std::string& version) {
  return {kResourceGroup, version, "resourceclaims", true, "ResourceClaim"};
}
inline Resource ResourceClaimTemplates(const std::string& version) {
  return {kResourceGroup, version, "resourceclaimtemplates", true, "ResourceClaimTemplate"};
}
inline Resource DeviceClasses(const std::string& version) {
  return {kResourceGroup, version, "deviceclasses", false, "DeviceClass"};
}

}  // namespace k8s

#endif  // DRA_K8S_RESOURCE_H_

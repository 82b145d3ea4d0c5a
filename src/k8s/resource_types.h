// resource_types.h: the one canonical, version-neutral in-memory form of
// the resource.k8s.io objects: ResourceSlice (devices are devices::Device,
// the model devices/ builds), ResourceClaim, ResourceClaimTemplate and
// DeviceClass. Field names follow the v1 API (k8s-interfaces.md §3);
// resource_codec.h converts to and from the v1, v1beta2 and v1beta1 wire
// forms. Sub-structures no driver edits (node selectors, tolerations,
// conditions, opaque parameters, network data) stay raw JSON; fields this
// model does not know are kept in `extra` and written back.
//
// Used by the slice publisher, the kubelet plugin (claims), the webhook and
// the ComputeDomain controller. Values; thread-compatible.
#ifndef DRA_K8S_RESOURCE_TYPES_H_
#define DRA_K8S_RESOURCE_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "devices/device.h"
#include "k8s/objects.h"
#include "k8s/quantity.h"
#include "nlohmann/json.hpp"

namespace k8s {

// ---- ResourceSlice ----
struct ResourcePool {
  std::string name;
  int64_t generation = 0;
  int64_t resource_slice_count = 0;
  bool operator==(const ResourcePool&) const = default;
};

struct CounterSet {
  std::string name;
  std::map<std::string, Quantity> counters;  // {"<name>": {"value": q}}
  bool operator==(const CounterSet&) const = default;
};

struct ResourceSliceSpec {
  std::string driver;
  ResourcePool pool;
  std::optional<std::string> node_name;
  nlohmann::json node_selector;  // core/v1 NodeSelector or null
  std::optional<bool> all_nodes;
  std::optional<bool> per_device_node_selection;
  std::vector<devices::Device> devices;
  std::vector<CounterSet> shared_counters;
  bool operator==(const ResourceSliceSpec&) const = default;
};

struct ResourceSlice {
  ObjectMeta metadata;
  ResourceSliceSpec spec;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const ResourceSlice&) const = default;
};

// ---- Claims ----
struct OpaqueDeviceConfiguration {
  std::string driver;
  nlohmann::json parameters;  // any JSON object
  bool operator==(const OpaqueDeviceConfiguration&) const = default;
};

// The fields of v1 ExactDeviceRequest / DeviceSubRequest (v1beta1 puts
// them directly on the request). Inside requests, constraints and config
// entries, fields this model does not know are kept in that entry's
// `extra` (unknown keys only; on encode the typed fields win) so that a
// decode -> encode round trip keeps what a newer API server added.
struct ExactDeviceRequest {
  std::string device_class_name;
  std::vector<std::string> selectors;  // CEL expressions
  std::string allocation_mode;         // "ExactCount", "All" or ""
  std::optional<int64_t> count;
  std::optional<bool> admin_access;    // not on subrequests
  nlohmann::json tolerations;          // array or null
  std::map<std::string, Quantity> capacity_requests;  // capacity.requests
  // Unknown fields of `exactly`, of a firstAvailable entry, or (v1beta1)
  // of the flat request.
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const ExactDeviceRequest&) const = default;
};

struct DeviceSubRequest {
  std::string name;
  ExactDeviceRequest request;
  bool operator==(const DeviceSubRequest&) const = default;
};

struct DeviceRequest {
  std::string name;
  std::optional<ExactDeviceRequest> exactly;  // exactly one of these two
  std::vector<DeviceSubRequest> first_available;
  nlohmann::json extra = nlohmann::json::object();  // unknown v1 request fields
  bool operator==(const DeviceRequest&) const = default;
};

struct DeviceConstraint {
  std::vector<std::string> requests;
  std::optional<std::string> match_attribute, distinct_attribute;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const DeviceConstraint&) const = default;
};

struct DeviceClaimConfiguration {
  std::vector<std::string> requests;
  std::optional<OpaqueDeviceConfiguration> opaque;
  nlohmann::json extra = nlohmann::json::object();  // also unknown fields of `opaque`
  bool operator==(const DeviceClaimConfiguration&) const = default;
};

struct ResourceClaimSpec {
  std::vector<DeviceRequest> requests;  // spec.devices.requests
  std::vector<DeviceConstraint> constraints;
  std::vector<DeviceClaimConfiguration> config;
  bool operator==(const ResourceClaimSpec&) const = default;
};

struct DeviceRequestAllocationResult {
  std::string request, driver, pool, device;
  std::optional<bool> admin_access;
  nlohmann::json tolerations;
  std::vector<std::string> binding_conditions, binding_failure_conditions;
  std::optional<std::string> share_id;
  std::map<std::string, Quantity> consumed_capacity;
  bool operator==(const DeviceRequestAllocationResult&) const = default;
};

struct DeviceAllocationConfiguration {
  std::string source;  // "FromClass" or "FromClaim"
  std::vector<std::string> requests;
  std::optional<OpaqueDeviceConfiguration> opaque;
  bool operator==(const DeviceAllocationConfiguration&) const = default;
};

struct AllocationResult {
  std::vector<DeviceRequestAllocationResult> results;  // devices.results
  std::vector<DeviceAllocationConfiguration> config;   // devices.config
  nlohmann::json node_selector;
  std::optional<std::string> allocation_timestamp;
  bool operator==(const AllocationResult&) const = default;
};

struct ResourceClaimConsumerReference {
  std::string api_group, resource, name, uid;
  bool operator==(const ResourceClaimConsumerReference&) const = default;
};

struct AllocatedDeviceStatus {
  std::string driver, pool, device;
  std::optional<std::string> share_id;
  nlohmann::json conditions;    // []metav1.Condition or null
  nlohmann::json data;          // RawExtension or null
  nlohmann::json network_data;  // or null
  bool operator==(const AllocatedDeviceStatus&) const = default;
};

struct ResourceClaimStatus {
  std::optional<AllocationResult> allocation;
  std::vector<ResourceClaimConsumerReference> reserved_for;
  std::vector<AllocatedDeviceStatus> devices;
  bool operator==(const ResourceClaimStatus&) const = default;
};

struct ResourceClaim {
  ObjectMeta metadata;
  ResourceClaimSpec spec;
  ResourceClaimStatus status;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const ResourceClaim&) const = default;
};

struct ResourceClaimTemplate {
  ObjectMeta metadata;
  ObjectMeta claim_metadata;  // spec.metadata
  ResourceClaimSpec spec;     // spec.spec
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const ResourceClaimTemplate&) const = default;
};

// ---- DeviceClass ----
struct DeviceClass {
  ObjectMeta metadata;
  std::vector<std::string> selectors;                   // spec.selectors[].cel.expression
  std::vector<OpaqueDeviceConfiguration> config;        // spec.config[].opaque
  std::optional<std::string> extended_resource_name;
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const DeviceClass&) const = default;
};

}  // namespace k8s

#endif  // DRA_K8S_RESOURCE_TYPES_H_

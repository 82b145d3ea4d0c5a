// types.h: C++ mirror of the reference's opaque device-config API,
// `resource.nvidia.com/v1beta1` (api/nvidia.com/resource/v1beta1): the five
// config kinds, their sharing / IOMMU sub-objects, and every apiVersion,
// kind and enum-like string constant in one place.
//
// Go pointers (`*T`, "absent vs. set") become std::optional; Go maps become
// std::map (sorted keys, as encoding/json writes them). Quantities are kept
// as the user's string (trimmed); quantity_bytes.h reads their value.
//
// Used by decode/encode, normalize, validate, selection, and later by the
// GPU and ComputeDomain kubelet plugins and the admission webhook. Plain
// value types; thread-compatible.
#ifndef DRA_CONFIG_TYPES_H_
#define DRA_CONFIG_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace config {

// Group, version and the apiVersion string every object carries.
inline constexpr char kGroupName[] = "resource.nvidia.com";
inline constexpr char kVersion[] = "v1beta1";
inline constexpr char kApiVersion[] = "resource.nvidia.com/v1beta1";

// Kinds registered in the reference's scheme.
inline constexpr char kGpuConfigKind[] = "GpuConfig";
inline constexpr char kMigDeviceConfigKind[] = "MigDeviceConfig";
inline constexpr char kVfioDeviceConfigKind[] = "VfioDeviceConfig";
inline constexpr char kComputeDomainChannelConfigKind[] =
    "ComputeDomainChannelConfig";
inline constexpr char kComputeDomainDaemonConfigKind[] =
    "ComputeDomainDaemonConfig";
// CRD kinds that share the scheme: they decode, but are not device configs.
inline constexpr char kComputeDomainKind[] = "ComputeDomain";
inline constexpr char kComputeDomainCliqueKind[] = "ComputeDomainClique";

// Sharing strategies.
inline constexpr char kTimeSlicingStrategy[] = "TimeSlicing";
inline constexpr char kMpsStrategy[] = "MPS";

// Time-slice intervals (nvidia-smi values 0..3, see TimeSliceIntervalInt).
inline constexpr char kDefaultTimeSlice[] = "Default";
inline constexpr char kShortTimeSlice[] = "Short";
inline constexpr char kMediumTimeSlice[] = "Medium";
inline constexpr char kLongTimeSlice[] = "Long";

// IOMMU backend policies.
inline constexpr char kIommuBackendPolicyLegacyOnly[] = "LegacyOnly";
inline constexpr char kIommuBackendPolicyPreferIommuFD[] = "PreferIommuFD";

// ComputeDomainChannelConfig.allocationMode values.
inline constexpr char kChannelAllocationModeSingle[] = "Single";
inline constexpr char kChannelAllocationModeAll[] = "All";

// The integer nvidia-smi takes for an interval name: Default=0, Short=1,
// Medium=2, Long=3, anything else -1 (reference TimeSliceInterval.Int()).
int TimeSliceIntervalInt(std::string_view interval);

struct TimeSlicingConfig {
  std::optional<std::string> interval;  // json "interval", omitempty
  bool operator==(const TimeSlicingConfig&) const = default;
};

struct MpsConfig {
  // json "defaultActiveThreadPercentage" (Go *int), omitempty.
  std::optional<int64_t> default_active_thread_percentage;
  // json "defaultPinnedDeviceMemoryLimit" (Go *Quantity), omitempty.
  std::optional<std::string> default_pinned_device_memory_limit;
  // json "defaultPerDevicePinnedMemoryLimit": device index or UUID ->
  // Quantity string; omitempty (empty map omitted).
  std::map<std::string, std::string> default_per_device_pinned_memory_limit;
  bool operator==(const MpsConfig&) const = default;
};

struct GpuSharing {
  std::string strategy;                                // json "strategy"
  std::optional<TimeSlicingConfig> time_slicing_config;  // omitempty
  std::optional<MpsConfig> mps_config;                   // omitempty
  bool operator==(const GpuSharing&) const = default;
};

// MIG devices have no time-slicing settings.
struct MigDeviceSharing {
  std::string strategy;                 // json "strategy"
  std::optional<MpsConfig> mps_config;  // omitempty
  bool operator==(const MigDeviceSharing&) const = default;
};

struct IommuConfig {
  std::string backend_policy;              // json "backendPolicy"
  std::optional<bool> enable_api_device;   // json "enableAPIDevice", omitempty
  bool operator==(const IommuConfig&) const = default;
};

struct GpuConfig {
  std::optional<GpuSharing> sharing;  // omitempty
  bool operator==(const GpuConfig&) const = default;
};

struct MigDeviceConfig {
  std::optional<MigDeviceSharing> sharing;  // omitempty
  bool operator==(const MigDeviceConfig&) const = default;
};

struct VfioDeviceConfig {
  std::optional<IommuConfig> iommu;  // omitempty
  bool operator==(const VfioDeviceConfig&) const = default;
};

struct ComputeDomainChannelConfig {
  std::string domain_id;        // json "domainID" (always written)
  std::string allocation_mode;  // json "allocationMode", omitempty
  bool operator==(const ComputeDomainChannelConfig&) const = default;
};

struct ComputeDomainDaemonConfig {
  std::string domain_id;  // json "domainID"
  bool operator==(const ComputeDomainDaemonConfig&) const = default;
};

// A ComputeDomain or ComputeDomainClique object passed as opaque
// parameters. The reference decodes it (same scheme) and only fails later
// ("runtime object is not a recognized configuration"); its body is not
// kept or checked here.
struct NonConfigObject {
  std::string kind;
  bool operator==(const NonConfigObject&) const = default;
};

// Any object the reference's decoders can return.
using AnyConfig =
    std::variant<GpuConfig, MigDeviceConfig, VfioDeviceConfig,
                 ComputeDomainChannelConfig, ComputeDomainDaemonConfig,
                 NonConfigObject>;

// The kind string of `c` ("GpuConfig", ..., or the NonConfigObject's kind).
std::string_view KindOf(const AnyConfig& c);

// Go's %T of the decoded object, e.g. "*v1beta1.GpuConfig" (the webhook
// prints it in "expected a recognized configuration type at ... but got").
std::string GoTypeName(const AnyConfig& c);

}  // namespace config

#endif  // DRA_CONFIG_TYPES_H_

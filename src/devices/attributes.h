// attributes.h: the one place for the names the GPU driver publishes in
// ResourceSlices: driver name, device types, attribute and capacity keys,
// and device-name formats. Values are the reference driver's, so existing
// DeviceClass selectors and claim CEL expressions keep working.
//
// Used by devices/ (building devices), gpu-inventory, and later the GPU
// kubelet plugin and its tests. Constants only; thread-safe.
#ifndef DRA_DEVICES_ATTRIBUTES_H_
#define DRA_DEVICES_ATTRIBUTES_H_

namespace devices {

// DRA driver name of the GPU plugin (also the attribute domain).
inline constexpr char kGpuDriverName[] = "gpu.nvidia.com";

// Values of the `type` attribute.
inline constexpr char kTypeGpu[] = "gpu";
inline constexpr char kTypeMig[] = "mig";
inline constexpr char kTypeVfio[] = "vfio";

// Attributes in the driver's own domain (published unqualified).
inline constexpr char kAttrType[] = "type";
inline constexpr char kAttrUuid[] = "uuid";
inline constexpr char kAttrParentUuid[] = "parentUUID";
inline constexpr char kAttrProfile[] = "profile";
inline constexpr char kAttrProductName[] = "productName";
inline constexpr char kAttrBrand[] = "brand";
inline constexpr char kAttrArchitecture[] = "architecture";
inline constexpr char kAttrCudaComputeCapability[] = "cudaComputeCapability";
inline constexpr char kAttrDriverVersion[] = "driverVersion";
inline constexpr char kAttrCudaDriverVersion[] = "cudaDriverVersion";
inline constexpr char kAttrAddressingMode[] = "addressingMode";

// Standard Kubernetes device attributes (fully qualified).
inline constexpr char kAttrPciBusId[] = "resource.kubernetes.io/pciBusID";
inline constexpr char kAttrPcieRoot[] = "resource.kubernetes.io/pcieRoot";

// Capacities.
inline constexpr char kCapMemory[] = "memory";
inline constexpr char kCapMultiprocessors[] = "multiprocessors";
inline constexpr char kCapCopyEngines[] = "copyEngines";
inline constexpr char kCapDecoders[] = "decoders";
inline constexpr char kCapEncoders[] = "encoders";
inline constexpr char kCapJpegEngines[] = "jpegEngines";
inline constexpr char kCapOfaEngines[] = "ofaEngines";
// Followed by the slice index: memorySlice0 ... memorySlice7.
inline constexpr char kCapMemorySlicePrefix[] = "memorySlice";

// Device names: "gpu-<minor>" and
// "gpu-<parentMinor>-mig-<profile>-<giProfileId>-<placementStart>".
inline constexpr char kGpuNamePrefix[] = "gpu-";
inline constexpr char kMigNameInfix[] = "-mig-";

// API limits that device building checks (resource.k8s.io, all versions).
inline constexpr int kMaxAttributesAndCapacities = 32;
inline constexpr int kMaxStringAttributeLength = 64;
inline constexpr int kMaxDeviceNameLength = 63;

}  // namespace devices

#endif  // DRA_DEVICES_ATTRIBUTES_H_

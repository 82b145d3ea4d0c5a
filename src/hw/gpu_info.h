// gpu_info.h: plain hardware facts about NVIDIA GPUs on one node, as
// discovered through NVML and the driver root. No Kubernetes here.
//
// Produced by hw::Discover (discovery.h); consumed by devices/ (which turns
// them into DRA devices), gpu-inventory and, later, the GPU plugin.
// Values are already normalised the way the reference driver publishes them
// (bus id form, version strings); see normalize.h.
//
// Thread safety: plain values; copy freely.
#ifndef DRA_HW_GPU_INFO_H_
#define DRA_HW_GPU_INFO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hw {

// One possible placement of a GPU-instance profile, in memory slices.
struct MigPlacement {
  uint32_t start = 0;
  uint32_t size = 0;
  bool operator==(const MigPlacement&) const = default;
};

// A GPU-instance profile the GPU supports, with its possible placements.
struct MigProfile {
  uint32_t id = 0;          // NVML profile id (info.id), e.g. 19 for 1g.10gb
  uint32_t index = 0;       // NVML_GPU_INSTANCE_PROFILE_* index it came from
  std::string name;         // canonical short name, e.g. "1g.10gb", "1g.10gb+me"
  uint32_t slices = 0;      // sliceCount
  uint32_t instances = 0;   // instanceCount
  uint32_t multiprocessors = 0;
  uint32_t copyEngines = 0;
  uint32_t decoders = 0;
  uint32_t encoders = 0;
  uint32_t jpegEngines = 0;
  uint32_t ofaEngines = 0;
  uint64_t memoryMB = 0;    // memorySizeMB
  std::vector<MigPlacement> placements;
};

// A MIG device that exists now (a GI with a CI on it).
struct MigDeviceInfo {
  std::string uuid;          // "MIG-..."
  uint32_t index = 0;        // index under the parent (GetMigDeviceHandleByIndex)
  uint32_t gpuInstanceId = 0;
  uint32_t computeInstanceId = 0;
  uint32_t profileId = 0;    // GI profile id
  std::string profileName;   // e.g. "1g.5gb"
  MigPlacement placement;    // GI placement
  uint32_t multiprocessors = 0;
  uint32_t copyEngines = 0;
  uint32_t decoders = 0;
  uint32_t encoders = 0;
  uint32_t jpegEngines = 0;
  uint32_t ofaEngines = 0;
  uint64_t memoryMB = 0;
  // From nvmlDeviceGetAttributes_v2 (0 when unavailable): a CI smaller than
  // its GI has computeInstanceSlices < gpuInstanceSlices.
  uint32_t gpuInstanceSlices = 0;
  uint32_t computeInstanceSlices = 0;
};

// NVLink fabric (clique) membership, Hopper and newer.
struct FabricInfo {
  std::string clusterUuid;   // standard UUID form
  uint32_t cliqueId = 0;
  uint32_t state = 0;        // NVML_GPU_FABRIC_STATE_*
  uint32_t status = 0;       // nvmlReturn_t, meaningful when state COMPLETED
  uint32_t healthSummary = 0;
  // "<clusterUuid>.<cliqueId>", or empty when the node has no clique.
  std::string CliqueKey() const;
};

// Everything known about one physical GPU.
struct GpuInfo {
  uint32_t index = 0;
  uint32_t minor = 0;
  std::string uuid;              // "GPU-..."
  std::string name;              // product name
  std::string brand;             // go-nvlib names, e.g. "Nvidia", "Tesla"
  std::string architecture;      // e.g. "Hopper", "Ada Lovelace"
  uint32_t architectureCode = 0; // nvmlDeviceArchitecture_t
  std::string cudaComputeCapability;  // "9.0"
  std::string pciBusID;          // "0000:00:06.0" (lower case, sysfs form)
  uint32_t pciDeviceID = 0;      // pciDeviceId: device << 16 | vendor
  std::optional<uint64_t> memoryBytes;  // absent on UMA systems
  std::optional<std::string> addressingMode;  // "ATS", "HMM", "None"
  std::optional<std::string> pcieRoot;        // e.g. "pci0000:00"
  std::optional<int> numaNode;
  // nvmlGpuVirtualizationMode_t (NONE 0, PASSTHROUGH 1, VGPU 2, ...); 0
  // when NVML does not support the query.
  uint32_t virtualizationMode = 0;
  bool migCapable = false;
  bool migEnabled = false;
  std::vector<MigProfile> migProfiles;
  std::vector<MigDeviceInfo> migDevices;
  std::optional<FabricInfo> fabric;
};

// Node-wide facts.
struct NodeInfo {
  std::string driverVersion;      // "580.159.04"
  std::string cudaDriverVersion;  // "13.0"
  std::string nvmlVersion;        // "13.580.159.04"
  std::vector<GpuInfo> gpus;
  // Non-fatal findings the caller should log (e.g. a pcieRoot that could not
  // be read, a MIG profile named differently by NVML).
  std::vector<std::string> warnings;
};

}  // namespace hw

#endif  // DRA_HW_GPU_INFO_H_

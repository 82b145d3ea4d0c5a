// library.h: nvml::Library, the C++ face of the NVML C API that the driver
// uses. One virtual method per NVML call (or small group of versioned calls),
// taking and returning the plain handles and structs of nvml_abi.h.
//
// Implementations:
//   - DlLibrary (dl_library.h): dlopen()s a real libnvidia-ml.so.1 (or the
//     project's mock of it) and forwards to the exported, versioned symbols.
//   - FakeLibrary (fake_library.h): in-process, built from C++ structs, for
//     unit tests of the layers above.
// Users: hw::Discover, and later the GPU plugin (MIG lifecycle, health).
//
// Errors: every failing call returns the Status described in errors.h
// (payload = the nvmlReturn_t, message "<function>: <text> (<code>)"), so
// callers branch with nvml::ReturnCode(status) / nvml::IsNotSupported(...).
// A call whose symbol the loaded library lacks returns
// NVML_ERROR_FUNCTION_NOT_FOUND.
//
// Session model: the caller pairs Init() with Shutdown(); NVML reference
// counts them. Handles stay valid only inside a session (and MIG handles only
// while their GI/CI exist).
//
// Thread safety: implementations are thread-safe (NVML itself is).
#ifndef DRA_NVML_LIBRARY_H_
#define DRA_NVML_LIBRARY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nvml/errors.h"
#include "nvml/nvml_abi.h"

namespace nvml {

// nvmlDeviceGetCudaComputeCapability.
struct ComputeCapability {
  int major = 0;
  int minor = 0;
};

// nvmlDeviceGetMigMode: NVML_DEVICE_MIG_DISABLE / _ENABLE.
struct MigMode {
  unsigned int current = 0;
  unsigned int pending = 0;
};

class Library {
 public:
  virtual ~Library() = default;
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  // True if the loaded library exports `symbol` (e.g.
  // "nvmlDeviceGetMigMode"). The reference driver keys some features on
  // symbol presence rather than on return codes.
  virtual bool HasSymbol(const std::string& symbol) const = 0;

  // ---- Session and system -------------------------------------------------
  // nvmlInitWithFlags(flags), or nvmlInit_v2 when flags == 0.
  virtual absl::Status Init(unsigned int flags) = 0;
  // nvmlShutdown.
  virtual absl::Status Shutdown() = 0;
  // nvmlSystemGetDriverVersion, e.g. "580.159.04".
  virtual absl::StatusOr<std::string> SystemGetDriverVersion() = 0;
  // nvmlSystemGetNVMLVersion, e.g. "13.580.159.04".
  virtual absl::StatusOr<std::string> SystemGetNvmlVersion() = 0;
  // nvmlSystemGetCudaDriverVersion (_v2 preferred): e.g. 13000.
  virtual absl::StatusOr<int> SystemGetCudaDriverVersion() = 0;

  // ---- Device enumeration -------------------------------------------------
  virtual absl::StatusOr<unsigned int> DeviceGetCount() = 0;
  virtual absl::StatusOr<nvmlDevice_t> DeviceGetHandleByIndex(
      unsigned int index) = 0;
  virtual absl::StatusOr<nvmlDevice_t> DeviceGetHandleByUUID(
      const std::string& uuid) = 0;
  virtual absl::StatusOr<nvmlDevice_t> DeviceGetHandleByPciBusId(
      const std::string& pci_bus_id) = 0;
  virtual absl::StatusOr<unsigned int> DeviceGetIndex(nvmlDevice_t device) = 0;

  // ---- Per-device facts (GPU or, where NVML allows, MIG handle) ------------
  virtual absl::StatusOr<std::string> GetName(nvmlDevice_t device) = 0;
  // "GPU-..." for a GPU, "MIG-..." for a MIG device handle.
  virtual absl::StatusOr<std::string> GetUUID(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<std::string> GetSerial(nvmlDevice_t device) = 0;
  // nvmlDeviceGetPciInfo_v3.
  virtual absl::StatusOr<nvmlPciInfo_t> GetPciInfo(nvmlDevice_t device) = 0;
  // nvmlDeviceGetMemoryInfo: {total, free, used} in bytes. NOT_SUPPORTED on
  // UMA systems.
  virtual absl::StatusOr<nvmlMemory_t> GetMemoryInfo(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<nvmlDeviceArchitecture_t> GetArchitecture(
      nvmlDevice_t device) = 0;
  virtual absl::StatusOr<nvmlBrandType_t> GetBrand(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<ComputeCapability> GetCudaComputeCapability(
      nvmlDevice_t device) = 0;
  virtual absl::StatusOr<unsigned int> GetMinorNumber(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<unsigned int> GetNumaNodeId(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<nvmlGpuVirtualizationMode_t> GetVirtualizationMode(
      nvmlDevice_t device) = 0;
  // One of NVML_DEVICE_ADDRESSING_MODE_{NONE,HMM,ATS}.
  virtual absl::StatusOr<unsigned int> GetAddressingMode(
      nvmlDevice_t device) = 0;

  // ---- MIG mode and GPU instances ----------------------------------------
  virtual absl::StatusOr<MigMode> GetMigMode(nvmlDevice_t device) = 0;
  // Returns NVML's activation status (NVML_SUCCESS, or e.g.
  // NVML_ERROR_IN_USE / NVML_ERROR_RESET_REQUIRED) when the call itself
  // succeeded.
  virtual absl::StatusOr<nvmlReturn_t> SetMigMode(nvmlDevice_t device,
                                                  unsigned int mode) = 0;
  // Profile info by profile INDEX (NVML_GPU_INSTANCE_PROFILE_*). Uses
  // nvmlDeviceGetGpuInstanceProfileInfoV (v2, with the NVML name, e.g.
  // "MIG 1g.10gb") and falls back to the v1 call (name empty, version 0).
  virtual absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t>
  GetGpuInstanceProfileInfo(nvmlDevice_t device,
                            unsigned int profile_index) = 0;
  // By profile ID (info.id).
  virtual absl::StatusOr<std::vector<nvmlGpuInstancePlacement_t>>
  GetGpuInstancePossiblePlacements(nvmlDevice_t device,
                                   unsigned int profile_id) = 0;
  virtual absl::StatusOr<unsigned int> GetGpuInstanceRemainingCapacity(
      nvmlDevice_t device, unsigned int profile_id) = 0;
  virtual absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstance(
      nvmlDevice_t device, unsigned int profile_id) = 0;
  virtual absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstanceWithPlacement(
      nvmlDevice_t device, unsigned int profile_id,
      const nvmlGpuInstancePlacement_t& placement) = 0;
  virtual absl::StatusOr<std::vector<nvmlGpuInstance_t>> GetGpuInstances(
      nvmlDevice_t device, unsigned int profile_id) = 0;
  virtual absl::StatusOr<nvmlGpuInstance_t> GetGpuInstanceById(
      nvmlDevice_t device, unsigned int id) = 0;
  virtual absl::StatusOr<nvmlGpuInstanceInfo_t> GpuInstanceGetInfo(
      nvmlGpuInstance_t gpu_instance) = 0;
  virtual absl::Status GpuInstanceDestroy(nvmlGpuInstance_t gpu_instance) = 0;

  // ---- Compute instances ---------------------------------------------------
  // By CI profile index (NVML_COMPUTE_INSTANCE_PROFILE_*) and engine profile
  // (NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED). V (v2) preferred, v1
  // fallback.
  virtual absl::StatusOr<nvmlComputeInstanceProfileInfo_v2_t>
  GetComputeInstanceProfileInfo(nvmlGpuInstance_t gpu_instance,
                                unsigned int profile_index,
                                unsigned int engine_profile) = 0;
  virtual absl::StatusOr<unsigned int> GetComputeInstanceRemainingCapacity(
      nvmlGpuInstance_t gpu_instance, unsigned int profile_id) = 0;
  virtual absl::StatusOr<nvmlComputeInstance_t> CreateComputeInstance(
      nvmlGpuInstance_t gpu_instance, unsigned int profile_id) = 0;
  virtual absl::StatusOr<std::vector<nvmlComputeInstance_t>>
  GetComputeInstances(nvmlGpuInstance_t gpu_instance,
                      unsigned int profile_id) = 0;
  virtual absl::StatusOr<nvmlComputeInstance_t> GetComputeInstanceById(
      nvmlGpuInstance_t gpu_instance, unsigned int id) = 0;
  virtual absl::StatusOr<nvmlComputeInstanceInfo_t> ComputeInstanceGetInfo(
      nvmlComputeInstance_t compute_instance) = 0;
  virtual absl::Status ComputeInstanceDestroy(
      nvmlComputeInstance_t compute_instance) = 0;

  // ---- MIG device handles --------------------------------------------------
  virtual absl::StatusOr<unsigned int> GetMaxMigDeviceCount(
      nvmlDevice_t device) = 0;
  // NOT_FOUND for an empty index.
  virtual absl::StatusOr<nvmlDevice_t> GetMigDeviceHandleByIndex(
      nvmlDevice_t device, unsigned int index) = 0;
  virtual absl::StatusOr<nvmlDevice_t> GetDeviceHandleFromMigDeviceHandle(
      nvmlDevice_t mig_device) = 0;
  virtual absl::StatusOr<bool> IsMigDeviceHandle(nvmlDevice_t device) = 0;
  virtual absl::StatusOr<unsigned int> GetGpuInstanceId(
      nvmlDevice_t mig_device) = 0;
  virtual absl::StatusOr<unsigned int> GetComputeInstanceId(
      nvmlDevice_t mig_device) = 0;
  // nvmlDeviceGetAttributes_v2.
  virtual absl::StatusOr<nvmlDeviceAttributes_t> GetDeviceAttributes(
      nvmlDevice_t mig_device) = 0;

  // ---- Events --------------------------------------------------------------
  // The caller frees the set with EventSetFree.
  virtual absl::StatusOr<nvmlEventSet_t> EventSetCreate() = 0;
  virtual absl::StatusOr<unsigned long long> GetSupportedEventTypes(
      nvmlDevice_t device) = 0;
  virtual absl::Status RegisterEvents(nvmlDevice_t device,
                                      unsigned long long event_types,
                                      nvmlEventSet_t set) = 0;
  // nvmlEventSetWait_v2. NVML_ERROR_TIMEOUT when nothing arrived.
  virtual absl::StatusOr<nvmlEventData_t> EventSetWait(
      nvmlEventSet_t set, unsigned int timeout_ms) = 0;
  virtual absl::Status EventSetFree(nvmlEventSet_t set) = 0;

  // ---- Fabric --------------------------------------------------------------
  // nvmlDeviceGetGpuFabricInfoV with v3, falling back to v2 (version
  // mismatch) and then to the deprecated nvmlDeviceGetGpuFabricInfo. The
  // result's `version` field says which struct version was filled (0 for the
  // plain call); fields the source lacked are zero.
  virtual absl::StatusOr<nvmlGpuFabricInfo_v3_t> GetGpuFabricInfo(
      nvmlDevice_t device) = 0;

 protected:
  Library() = default;
};

}  // namespace nvml

#endif  // DRA_NVML_LIBRARY_H_

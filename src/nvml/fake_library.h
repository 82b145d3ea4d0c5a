// fake_library.h: FakeLibrary, an in-process nvml::Library built from plain
// C++ structs, for unit tests of the layers above NVML (hw/, devices/, gpu/).
//
// It models: identity and facts per GPU, MIG mode, GPU-instance profiles with
// possible placements, GPU and compute instances (creation with placement and
// overlap checks, destruction), MIG device handles and UUIDs, fabric info,
// event sets (events are injected by the test), missing symbols, and per-call
// error injection:
//
//   nvml::FakeLibrary nvml(nvml::FakeH100Config());
//   nvml.FailNext("GetMemoryInfo", NVML_ERROR_NOT_SUPPORTED);
//
// Method names for FailNext/CallCount are the nvml::Library method names
// ("GetMemoryInfo", "DeviceGetHandleByIndex", ...). Error messages use the
// NVML function name, like DlLibrary: "nvmlDeviceGetMemoryInfo: Not Supported
// (3)". Every call other than HasSymbol/Init/Shutdown returns
// NVML_ERROR_UNINITIALIZED outside an Init/Shutdown session, as NVML does.
//
// Handles are opaque integers encoded by the fake (never dereferenced); they
// stay valid while the GPU/GI/CI they name exists.
//
// Modelling choices (where NVML's behaviour is not pinned down here):
//   - creating a GI while MIG is disabled: NVML_ERROR_INVALID_STATE; a
//     placement not in the possible list: INVALID_ARGUMENT; an overlapping
//     one or too many instances: INSUFFICIENT_RESOURCES;
//   - GI ids are the lowest free id from 1, CI ids the lowest free from 0;
//     MIG device indexes follow (GI id, CI id) order;
//   - CI profiles of a GI: every CI profile index whose slice count fits the
//     GI (SMs scaled by slices, engines shared); 1_SLICE_REV1 and 7_SLICE_NVL
//     are NOT_SUPPORTED;
//   - GetMaxMigDeviceCount is 0 while MIG is disabled (as on the fixture);
//   - GetDeviceAttributes on a full GPU handle: NOT_SUPPORTED;
//   - SetMigMode takes effect at once (activation status SUCCESS); disabling
//     with GIs present fails with IN_USE.
//
// Thread safety: thread-safe (one mutex). EventSetWait never blocks: it
// returns a queued event or NVML_ERROR_TIMEOUT at once.
#ifndef DRA_NVML_FAKE_LIBRARY_H_
#define DRA_NVML_FAKE_LIBRARY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "nvml/library.h"

namespace nvml {

// One GPU-instance profile: the NVML info (by profile index) and its
// possible placements.
struct FakeGpuInstanceProfile {
  unsigned int index = 0;  // NVML_GPU_INSTANCE_PROFILE_*
  nvmlGpuInstanceProfileInfo_v2_t info{};  // id, counts, memory, name
  std::vector<nvmlGpuInstancePlacement_t> placements;
};

// One physical GPU. Optional fields that are unset make the matching call
// return NVML_ERROR_NOT_SUPPORTED.
struct FakeGpu {
  std::string uuid;    // "GPU-..."
  std::string name;    // "NVIDIA H100 80GB HBM3"
  std::string serial;
  unsigned int minor = 0;
  nvmlPciInfo_t pci{};
  std::optional<nvmlMemory_t> memory;
  nvmlDeviceArchitecture_t architecture = NVML_DEVICE_ARCH_UNKNOWN;
  nvmlBrandType_t brand = NVML_BRAND_UNKNOWN;
  ComputeCapability compute_capability;
  std::optional<unsigned int> numa_node;
  nvmlGpuVirtualizationMode_t virtualization_mode =
      NVML_GPU_VIRTUALIZATION_MODE_NONE;
  std::optional<unsigned int> addressing_mode;
  bool mig_capable = false;
  MigMode mig_mode;
  // GetMaxMigDeviceCount while MIG is enabled (0 while disabled, as NVML).
  unsigned int max_mig_devices = 7;
  // Profile indexes >= this give INVALID_ARGUMENT (the fixture H100 driver
  // answers 17..19 that way); other unknown indexes give NOT_SUPPORTED.
  unsigned int profile_index_limit = NVML_GPU_INSTANCE_PROFILE_COUNT;
  std::vector<FakeGpuInstanceProfile> profiles;
  std::optional<nvmlGpuFabricInfo_v3_t> fabric;
  unsigned long long supported_events = 0;
};

// The whole node.
struct FakeConfig {
  std::string driver_version = "580.159.04";
  std::string nvml_version = "13.580.159.04";
  int cuda_driver_version = 13000;
  std::vector<FakeGpu> gpus;
  // Symbols HasSymbol reports absent (every other name is "present"); calls
  // needing them return NVML_ERROR_FUNCTION_NOT_FOUND (e.g.
  // "nvmlDeviceGetAddressingMode"). Missing
  // "nvmlDeviceGetGpuInstanceProfileInfoV" / "nvmlDeviceGetGpuFabricInfoV"
  // switch to the v1 / plain fallbacks as DlLibrary does.
  std::vector<std::string> missing_symbols;
};

// A PCI info as NVML fills it: busId "%08X:%02X:%02X.0", busIdLegacy
// "%04X:%02X:%02X.0".
nvmlPciInfo_t MakePciInfo(unsigned int domain, unsigned int bus,
                          unsigned int device, unsigned int pci_device_id,
                          unsigned int pci_subsystem_id = 0);

// The H100 80GB HBM3 of shared/fixtures/h100-pcie-vm: one GPU, MIG capable
// and disabled, the 7 profiles with their placements, driver 580.159.04,
// CUDA 13.0, PCI 00000000:00:06.0, fabric state NOT_SUPPORTED.
FakeConfig FakeH100Config();

// `num_gpus` (1..8) A100-SXM4-40GB like a DGX A100 (profiles as the upstream
// mock: 1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb; real
// profile ids), MIG capable, enabled when `mig_enabled`. Driver 550.54.15,
// CUDA 12.4.
FakeConfig FakeA100Config(int num_gpus = 1, bool mig_enabled = true);

class FakeLibrary final : public Library {
 public:
  explicit FakeLibrary(FakeConfig config);
  ~FakeLibrary() override;

  // ---- Test controls -------------------------------------------------------
  // The next `times` calls of `method` fail with `code` (before any other
  // check). Calls queue up per method.
  void FailNext(const std::string& method, nvmlReturn_t code, int times = 1);
  // Every call of `method` fails with `code` until ClearFailures().
  void FailAlways(const std::string& method, nvmlReturn_t code);
  void ClearFailures();
  // How many times `method` was called (including failed calls).
  int CallCount(const std::string& method) const;
  // Init calls minus Shutdown calls (the open NVML session count).
  int SessionCount() const;
  // Queues an event for every event set registered for `gpu_index` with a
  // mask containing `event_type`.
  void InjectEvent(unsigned int gpu_index, unsigned long long event_type,
                   unsigned long long event_data,
                   unsigned int gpu_instance_id = 0xFFFFFFFF,
                   unsigned int compute_instance_id = 0xFFFFFFFF);
  // Creates a GI of the profile at `profile_index` at `placement_start` and
  // one compute instance covering it, without an Init session. Returns the
  // MIG device UUID. For setting up scenarios.
  absl::StatusOr<std::string> CreateMigDeviceForTest(
      unsigned int gpu_index, unsigned int profile_index,
      unsigned int placement_start);
  // A copy of the current configuration (MIG mode changes included).
  FakeGpu GpuForTest(unsigned int gpu_index) const;

  // ---- nvml::Library ---------------------------------------------------------
  bool HasSymbol(const std::string& symbol) const override;
  absl::Status Init(unsigned int flags) override;
  absl::Status Shutdown() override;
  absl::StatusOr<std::string> SystemGetDriverVersion() override;
  absl::StatusOr<std::string> SystemGetNvmlVersion() override;
  absl::StatusOr<int> SystemGetCudaDriverVersion() override;
  absl::StatusOr<unsigned int> DeviceGetCount() override;
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByIndex(unsigned int i) override;
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByUUID(
      const std::string& uuid) override;
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByPciBusId(
      const std::string& bus_id) override;
  absl::StatusOr<unsigned int> DeviceGetIndex(nvmlDevice_t d) override;
  absl::StatusOr<std::string> GetName(nvmlDevice_t d) override;
  absl::StatusOr<std::string> GetUUID(nvmlDevice_t d) override;
  absl::StatusOr<std::string> GetSerial(nvmlDevice_t d) override;
  absl::StatusOr<nvmlPciInfo_t> GetPciInfo(nvmlDevice_t d) override;
  absl::StatusOr<nvmlMemory_t> GetMemoryInfo(nvmlDevice_t d) override;
  absl::StatusOr<nvmlDeviceArchitecture_t> GetArchitecture(
      nvmlDevice_t d) override;
  absl::StatusOr<nvmlBrandType_t> GetBrand(nvmlDevice_t d) override;
  absl::StatusOr<ComputeCapability> GetCudaComputeCapability(
      nvmlDevice_t d) override;
  absl::StatusOr<unsigned int> GetMinorNumber(nvmlDevice_t d) override;
  absl::StatusOr<unsigned int> GetNumaNodeId(nvmlDevice_t d) override;
  absl::StatusOr<nvmlGpuVirtualizationMode_t> GetVirtualizationMode(
      nvmlDevice_t d) override;
  absl::StatusOr<unsigned int> GetAddressingMode(nvmlDevice_t d) override;
  absl::StatusOr<MigMode> GetMigMode(nvmlDevice_t d) override;
  absl::StatusOr<nvmlReturn_t> SetMigMode(nvmlDevice_t d,
                                          unsigned int mode) override;
  absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t> GetGpuInstanceProfileInfo(
      nvmlDevice_t d, unsigned int profile_index) override;
  absl::StatusOr<std::vector<nvmlGpuInstancePlacement_t>>
  GetGpuInstancePossiblePlacements(nvmlDevice_t d,
                                   unsigned int profile_id) override;
  absl::StatusOr<unsigned int> GetGpuInstanceRemainingCapacity(
      nvmlDevice_t d, unsigned int profile_id) override;
  absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstance(
      nvmlDevice_t d, unsigned int profile_id) override;
  absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstanceWithPlacement(
      nvmlDevice_t d, unsigned int profile_id,
      const nvmlGpuInstancePlacement_t& placement) override;
  absl::StatusOr<std::vector<nvmlGpuInstance_t>> GetGpuInstances(
      nvmlDevice_t d, unsigned int profile_id) override;
  absl::StatusOr<nvmlGpuInstance_t> GetGpuInstanceById(
      nvmlDevice_t d, unsigned int id) override;
  absl::StatusOr<nvmlGpuInstanceInfo_t> GpuInstanceGetInfo(
      nvmlGpuInstance_t gi) override;
  absl::Status GpuInstanceDestroy(nvmlGpuInstance_t gi) override;
  absl::StatusOr<nvmlComputeInstanceProfileInfo_v2_t>
  GetComputeInstanceProfileInfo(nvmlGpuInstance_t gi,
                                unsigned int profile_index,
                                unsigned int engine_profile) override;
  absl::StatusOr<unsigned int> GetComputeInstanceRemainingCapacity(
      nvmlGpuInstance_t gi, unsigned int profile_id) override;
  absl::StatusOr<nvmlComputeInstance_t> CreateComputeInstance(
      nvmlGpuInstance_t gi, unsigned int profile_id) override;
  absl::StatusOr<std::vector<nvmlComputeInstance_t>> GetComputeInstances(
      nvmlGpuInstance_t gi, unsigned int profile_id) override;
  absl::StatusOr<nvmlComputeInstance_t> GetComputeInstanceById(
      nvmlGpuInstance_t gi, unsigned int id) override;
  absl::StatusOr<nvmlComputeInstanceInfo_t> ComputeInstanceGetInfo(
      nvmlComputeInstance_t ci) override;
  absl::Status ComputeInstanceDestroy(nvmlComputeInstance_t ci) override;
  absl::StatusOr<unsigned int> GetMaxMigDeviceCount(nvmlDevice_t d) override;
  absl::StatusOr<nvmlDevice_t> GetMigDeviceHandleByIndex(
      nvmlDevice_t d, unsigned int index) override;
  absl::StatusOr<nvmlDevice_t> GetDeviceHandleFromMigDeviceHandle(
      nvmlDevice_t mig) override;
  absl::StatusOr<bool> IsMigDeviceHandle(nvmlDevice_t d) override;
  absl::StatusOr<unsigned int> GetGpuInstanceId(nvmlDevice_t mig) override;
  absl::StatusOr<unsigned int> GetComputeInstanceId(nvmlDevice_t mig) override;
  absl::StatusOr<nvmlDeviceAttributes_t> GetDeviceAttributes(
      nvmlDevice_t mig) override;
  absl::StatusOr<nvmlEventSet_t> EventSetCreate() override;
  absl::StatusOr<unsigned long long> GetSupportedEventTypes(
      nvmlDevice_t d) override;
  absl::Status RegisterEvents(nvmlDevice_t d, unsigned long long types,
                              nvmlEventSet_t set) override;
  absl::StatusOr<nvmlEventData_t> EventSetWait(nvmlEventSet_t set,
                                               unsigned int timeout_ms) override;
  absl::Status EventSetFree(nvmlEventSet_t set) override;
  absl::StatusOr<nvmlGpuFabricInfo_v3_t> GetGpuFabricInfo(
      nvmlDevice_t d) override;

 private:
  struct State;  // all mutable state, defined in fake_library.cc

  mutable absl::Mutex mu_;
  std::unique_ptr<State> state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nvml

#endif  // DRA_NVML_FAKE_LIBRARY_H_

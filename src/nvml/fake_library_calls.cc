// The nvml::Library methods of FakeLibrary. Every method takes the mutex,
// records the call and applies injected failures (State::Enter), then
// answers from the state in fake_library_state.h.
#include <cstring>

#include "absl/strings/match.h"
#include "nvml/fake_library.h"
#include "nvml/fake_library_state.h"

namespace nvml {

using fake_internal::CiSlices;
using fake_internal::Decode;
using fake_internal::Encode;
using fake_internal::Err;
using fake_internal::kCi;
using fake_internal::kDevice;
using fake_internal::kEventSet;
using fake_internal::kGi;
using fake_internal::ToHandle;

#define FAKE_ENTER(method, symbol)      \
  absl::MutexLock lock(&mu_);           \
  State& s = *state_;                   \
  const char* const sym = symbol;       \
  DRA_RETURN_IF_ERROR(s.Enter(method, sym))

bool FakeLibrary::HasSymbol(const std::string& symbol) const {
  absl::MutexLock lock(&mu_);
  return state_->missing.count(symbol) == 0;
}

absl::Status FakeLibrary::Init(unsigned int flags) {
  absl::MutexLock lock(&mu_);
  DRA_RETURN_IF_ERROR(state_->Enter(
      "Init", flags == 0 ? "nvmlInit_v2" : "nvmlInitWithFlags",
      /*needs_session=*/false));
  ++state_->sessions;
  return absl::OkStatus();
}

absl::Status FakeLibrary::Shutdown() {
  FAKE_ENTER("Shutdown", "nvmlShutdown");
  --s.sessions;
  (void)sym;
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeLibrary::SystemGetDriverVersion() {
  FAKE_ENTER("SystemGetDriverVersion", "nvmlSystemGetDriverVersion");
  (void)sym;
  return s.config.driver_version;
}

absl::StatusOr<std::string> FakeLibrary::SystemGetNvmlVersion() {
  FAKE_ENTER("SystemGetNvmlVersion", "nvmlSystemGetNVMLVersion");
  (void)sym;
  return s.config.nvml_version;
}

absl::StatusOr<int> FakeLibrary::SystemGetCudaDriverVersion() {
  FAKE_ENTER("SystemGetCudaDriverVersion", "nvmlSystemGetCudaDriverVersion_v2");
  (void)sym;
  return s.config.cuda_driver_version;
}

absl::StatusOr<unsigned int> FakeLibrary::DeviceGetCount() {
  FAKE_ENTER("DeviceGetCount", "nvmlDeviceGetCount_v2");
  (void)sym;
  return static_cast<unsigned int>(s.gpus.size());
}

absl::StatusOr<nvmlDevice_t> FakeLibrary::DeviceGetHandleByIndex(unsigned int i) {
  FAKE_ENTER("DeviceGetHandleByIndex", "nvmlDeviceGetHandleByIndex_v2");
  if (i >= s.gpus.size()) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  return ToHandle<nvmlDevice_t>(Encode(kDevice, i));
}

absl::StatusOr<nvmlDevice_t> FakeLibrary::DeviceGetHandleByUUID(
    const std::string& uuid) {
  FAKE_ENTER("DeviceGetHandleByUUID", "nvmlDeviceGetHandleByUUID");
  for (unsigned i = 0; i < s.gpus.size(); ++i) {
    if (s.gpus[i].spec.uuid == uuid) {
      return ToHandle<nvmlDevice_t>(Encode(kDevice, i));
    }
    for (const auto& [gid, gi] : s.gpus[i].gis) {
      for (const auto& [cid, ci] : gi.cis) {
        if (ci.uuid == uuid) {
          return ToHandle<nvmlDevice_t>(Encode(kDevice, i, gid, cid));
        }
      }
    }
  }
  return Err(NVML_ERROR_NOT_FOUND, sym);
}

absl::StatusOr<nvmlDevice_t> FakeLibrary::DeviceGetHandleByPciBusId(
    const std::string& bus_id) {
  FAKE_ENTER("DeviceGetHandleByPciBusId", "nvmlDeviceGetHandleByPciBusId_v2");
  for (unsigned i = 0; i < s.gpus.size(); ++i) {
    const nvmlPciInfo_t& pci = s.gpus[i].spec.pci;
    if (absl::EqualsIgnoreCase(bus_id, pci.busId) ||
        absl::EqualsIgnoreCase(bus_id, pci.busIdLegacy)) {
      return ToHandle<nvmlDevice_t>(Encode(kDevice, i));
    }
  }
  return Err(NVML_ERROR_NOT_FOUND, sym);
}

absl::StatusOr<unsigned int> FakeLibrary::DeviceGetIndex(nvmlDevice_t d) {
  FAKE_ENTER("DeviceGetIndex", "nvmlDeviceGetIndex");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.index;
}

absl::StatusOr<std::string> FakeLibrary::GetName(nvmlDevice_t d) {
  FAKE_ENTER("GetName", "nvmlDeviceGetName");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  if (dev.gi == nullptr) return dev.gpu->spec.name;
  const FakeGpuInstanceProfile* p =
      State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
  return absl::StrCat(dev.gpu->spec.name, " ", p != nullptr ? p->info.name : "MIG");
}

absl::StatusOr<std::string> FakeLibrary::GetUUID(nvmlDevice_t d) {
  FAKE_ENTER("GetUUID", "nvmlDeviceGetUUID");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  return dev.ci != nullptr ? dev.ci->uuid : dev.gpu->spec.uuid;
}

absl::StatusOr<std::string> FakeLibrary::GetSerial(nvmlDevice_t d) {
  FAKE_ENTER("GetSerial", "nvmlDeviceGetSerial");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.gpu->spec.serial;
}

absl::StatusOr<nvmlPciInfo_t> FakeLibrary::GetPciInfo(nvmlDevice_t d) {
  FAKE_ENTER("GetPciInfo", "nvmlDeviceGetPciInfo_v3");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.gpu->spec.pci;
}

absl::StatusOr<nvmlMemory_t> FakeLibrary::GetMemoryInfo(nvmlDevice_t d) {
  FAKE_ENTER("GetMemoryInfo", "nvmlDeviceGetMemoryInfo");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  if (dev.gi != nullptr) {
    const FakeGpuInstanceProfile* p =
        State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
    nvmlMemory_t m{};
    m.total = p != nullptr ? p->info.memorySizeMB * 1024ULL * 1024ULL : 0;
    m.free = m.total;
    return m;
  }
  if (!dev.gpu->spec.memory.has_value()) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  return *dev.gpu->spec.memory;
}

absl::StatusOr<nvmlDeviceArchitecture_t> FakeLibrary::GetArchitecture(
    nvmlDevice_t d) {
  FAKE_ENTER("GetArchitecture", "nvmlDeviceGetArchitecture");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  return dev.gpu->spec.architecture;
}

absl::StatusOr<nvmlBrandType_t> FakeLibrary::GetBrand(nvmlDevice_t d) {
  FAKE_ENTER("GetBrand", "nvmlDeviceGetBrand");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  return dev.gpu->spec.brand;
}

absl::StatusOr<ComputeCapability> FakeLibrary::GetCudaComputeCapability(
    nvmlDevice_t d) {
  FAKE_ENTER("GetCudaComputeCapability", "nvmlDeviceGetCudaComputeCapability");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  return dev.gpu->spec.compute_capability;
}

absl::StatusOr<unsigned int> FakeLibrary::GetMinorNumber(nvmlDevice_t d) {
  FAKE_ENTER("GetMinorNumber", "nvmlDeviceGetMinorNumber");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.gpu->spec.minor;
}

absl::StatusOr<unsigned int> FakeLibrary::GetNumaNodeId(nvmlDevice_t d) {
  FAKE_ENTER("GetNumaNodeId", "nvmlDeviceGetNumaNodeId");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  if (!dev.gpu->spec.numa_node.has_value()) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  return *dev.gpu->spec.numa_node;
}

absl::StatusOr<nvmlGpuVirtualizationMode_t> FakeLibrary::GetVirtualizationMode(
    nvmlDevice_t d) {
  FAKE_ENTER("GetVirtualizationMode", "nvmlDeviceGetVirtualizationMode");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.gpu->spec.virtualization_mode;
}

absl::StatusOr<unsigned int> FakeLibrary::GetAddressingMode(nvmlDevice_t d) {
  FAKE_ENTER("GetAddressingMode", "nvmlDeviceGetAddressingMode");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  if (!dev.gpu->spec.addressing_mode.has_value()) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  return *dev.gpu->spec.addressing_mode;
}

absl::StatusOr<MigMode> FakeLibrary::GetMigMode(nvmlDevice_t d) {
  FAKE_ENTER("GetMigMode", "nvmlDeviceGetMigMode");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  return dev.gpu->spec.mig_mode;
}

absl::StatusOr<nvmlReturn_t> FakeLibrary::SetMigMode(nvmlDevice_t d,
                                                     unsigned int mode) {
  FAKE_ENTER("SetMigMode", "nvmlDeviceSetMigMode");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  if (mode != NVML_DEVICE_MIG_DISABLE && mode != NVML_DEVICE_MIG_ENABLE) {
    return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  }
  if (mode == NVML_DEVICE_MIG_DISABLE && !dev.gpu->gis.empty()) {
    return Err(NVML_ERROR_IN_USE, sym);
  }
  dev.gpu->spec.mig_mode = MigMode{mode, mode};
  return NVML_SUCCESS;
}

absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t>
FakeLibrary::GetGpuInstanceProfileInfo(nvmlDevice_t d,
                                       unsigned int profile_index) {
  // Like DlLibrary: the V call when exported, else v1 (no name).
  absl::MutexLock lock(&mu_);
  State& s = *state_;
  const bool has_v = s.missing.count("nvmlDeviceGetGpuInstanceProfileInfoV") == 0;
  const char* const sym = has_v ? "nvmlDeviceGetGpuInstanceProfileInfoV"
                                : "nvmlDeviceGetGpuInstanceProfileInfo";
  DRA_RETURN_IF_ERROR(s.Enter("GetGpuInstanceProfileInfo", sym));
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  if (profile_index >= dev.gpu->spec.profile_index_limit) {
    return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  }
  const FakeGpuInstanceProfile* p = State::ProfileByIndex(*dev.gpu, profile_index);
  if (p == nullptr) return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  nvmlGpuInstanceProfileInfo_v2_t info = p->info;
  info.version = has_v ? nvmlGpuInstanceProfileInfo_v2 : 0;
  if (!has_v) std::memset(info.name, 0, sizeof info.name);
  return info;
}

absl::StatusOr<std::vector<nvmlGpuInstancePlacement_t>>
FakeLibrary::GetGpuInstancePossiblePlacements(nvmlDevice_t d,
                                              unsigned int profile_id) {
  FAKE_ENTER("GetGpuInstancePossiblePlacements",
             "nvmlDeviceGetGpuInstancePossiblePlacements_v2");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const FakeGpuInstanceProfile* p = State::ProfileById(*dev.gpu, profile_id);
  if (p == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  return p->placements;
}

absl::StatusOr<unsigned int> FakeLibrary::GetGpuInstanceRemainingCapacity(
    nvmlDevice_t d, unsigned int profile_id) {
  FAKE_ENTER("GetGpuInstanceRemainingCapacity",
             "nvmlDeviceGetGpuInstanceRemainingCapacity");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const FakeGpuInstanceProfile* p = State::ProfileById(*dev.gpu, profile_id);
  if (p == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  if (dev.gpu->spec.mig_mode.current != NVML_DEVICE_MIG_ENABLE) return 0u;
  // Greedy count of placements that still fit together.
  State::Gpu scratch{FakeGpu{}, dev.gpu->gis};
  unsigned fit = 0;
  for (const auto& placement : p->placements) {
    if (!State::PlacementFree(scratch, placement)) continue;
    State::Gi gi;
    gi.placement = placement;
    scratch.gis[1000 + fit] = gi;
    ++fit;
  }
  unsigned existing = State::CountOfProfile(*dev.gpu, p->index);
  unsigned left = p->info.instanceCount > existing ? p->info.instanceCount - existing : 0;
  return std::min(fit, left);
}

absl::StatusOr<nvmlGpuInstance_t> FakeLibrary::CreateGpuInstance(
    nvmlDevice_t d, unsigned int profile_id) {
  FAKE_ENTER("CreateGpuInstance", "nvmlDeviceCreateGpuInstance");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const FakeGpuInstanceProfile* p = State::ProfileById(*dev.gpu, profile_id);
  if (p == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  for (const auto& placement : p->placements) {
    if (State::PlacementFree(*dev.gpu, placement)) {
      return s.CreateGi(dev.index, *p, placement, sym);
    }
  }
  return Err(NVML_ERROR_INSUFFICIENT_RESOURCES, sym);
}

absl::StatusOr<nvmlGpuInstance_t> FakeLibrary::CreateGpuInstanceWithPlacement(
    nvmlDevice_t d, unsigned int profile_id,
    const nvmlGpuInstancePlacement_t& placement) {
  FAKE_ENTER("CreateGpuInstanceWithPlacement",
             "nvmlDeviceCreateGpuInstanceWithPlacement");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const FakeGpuInstanceProfile* p = State::ProfileById(*dev.gpu, profile_id);
  if (p == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  return s.CreateGi(dev.index, *p, placement, sym);
}

absl::StatusOr<std::vector<nvmlGpuInstance_t>> FakeLibrary::GetGpuInstances(
    nvmlDevice_t d, unsigned int profile_id) {
  FAKE_ENTER("GetGpuInstances", "nvmlDeviceGetGpuInstances");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const FakeGpuInstanceProfile* p = State::ProfileById(*dev.gpu, profile_id);
  if (p == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  std::vector<nvmlGpuInstance_t> out;
  for (const auto& [id, gi] : dev.gpu->gis) {
    if (gi.profile_index == p->index) {
      out.push_back(ToHandle<nvmlGpuInstance_t>(Encode(kGi, dev.index, id)));
    }
  }
  return out;
}

absl::StatusOr<nvmlGpuInstance_t> FakeLibrary::GetGpuInstanceById(
    nvmlDevice_t d, unsigned int id) {
  FAKE_ENTER("GetGpuInstanceById", "nvmlDeviceGetGpuInstanceById");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  if (dev.gpu->gis.count(id) == 0) return Err(NVML_ERROR_NOT_FOUND, sym);
  return ToHandle<nvmlGpuInstance_t>(Encode(kGi, dev.index, id));
}

absl::StatusOr<nvmlGpuInstanceInfo_t> FakeLibrary::GpuInstanceGetInfo(
    nvmlGpuInstance_t gi) {
  FAKE_ENTER("GpuInstanceGetInfo", "nvmlGpuInstanceGetInfo");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  const FakeGpuInstanceProfile* p =
      State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
  nvmlGpuInstanceInfo_t info{};
  info.device = ToHandle<nvmlDevice_t>(Encode(kDevice, dev.index));
  info.id = dev.gi->id;
  info.profileId = p != nullptr ? p->info.id : 0;
  info.placement = dev.gi->placement;
  return info;
}

absl::Status FakeLibrary::GpuInstanceDestroy(nvmlGpuInstance_t gi) {
  FAKE_ENTER("GpuInstanceDestroy", "nvmlGpuInstanceDestroy");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  if (!dev.gi->cis.empty()) return Err(NVML_ERROR_IN_USE, sym);
  dev.gpu->gis.erase(dev.gi->id);
  return absl::OkStatus();
}

absl::StatusOr<nvmlComputeInstanceProfileInfo_v2_t>
FakeLibrary::GetComputeInstanceProfileInfo(nvmlGpuInstance_t gi,
                                           unsigned int profile_index,
                                           unsigned int engine_profile) {
  FAKE_ENTER("GetComputeInstanceProfileInfo",
             "nvmlGpuInstanceGetComputeInstanceProfileInfoV");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  if (profile_index >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT) {
    return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  }
  if (engine_profile != NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  const FakeGpuInstanceProfile* p =
      State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
  std::optional<nvmlComputeInstanceProfileInfo_v2_t> info;
  if (p != nullptr) info = State::CiProfile(*p, profile_index);
  if (!info.has_value()) return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  return *info;
}

absl::StatusOr<unsigned int> FakeLibrary::GetComputeInstanceRemainingCapacity(
    nvmlGpuInstance_t gi, unsigned int profile_id) {
  FAKE_ENTER("GetComputeInstanceRemainingCapacity",
             "nvmlGpuInstanceGetComputeInstanceRemainingCapacity");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  const FakeGpuInstanceProfile* p =
      State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
  std::optional<nvmlComputeInstanceProfileInfo_v2_t> info;
  if (p != nullptr) info = State::CiProfile(*p, profile_id);
  if (!info.has_value()) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  unsigned used = 0;
  for (const auto& [id, ci] : dev.gi->cis) used += ci.slices;
  return (p->info.sliceCount - used) / info->sliceCount;
}

absl::StatusOr<nvmlComputeInstance_t> FakeLibrary::CreateComputeInstance(
    nvmlGpuInstance_t gi, unsigned int profile_id) {
  FAKE_ENTER("CreateComputeInstance", "nvmlGpuInstanceCreateComputeInstance");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  return s.CreateCi(dev.index, *dev.gi, profile_id, sym);
}

absl::StatusOr<std::vector<nvmlComputeInstance_t>>
FakeLibrary::GetComputeInstances(nvmlGpuInstance_t gi, unsigned int profile_id) {
  FAKE_ENTER("GetComputeInstances", "nvmlGpuInstanceGetComputeInstances");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  std::vector<nvmlComputeInstance_t> out;
  for (const auto& [id, ci] : dev.gi->cis) {
    if (ci.profile_index == profile_id) {
      out.push_back(ToHandle<nvmlComputeInstance_t>(
          Encode(kCi, dev.index, dev.gi->id, id)));
    }
  }
  return out;
}

absl::StatusOr<nvmlComputeInstance_t> FakeLibrary::GetComputeInstanceById(
    nvmlGpuInstance_t gi, unsigned int id) {
  FAKE_ENTER("GetComputeInstanceById", "nvmlGpuInstanceGetComputeInstanceById");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GiHandle(gi, sym));
  if (dev.gi->cis.count(id) == 0) return Err(NVML_ERROR_NOT_FOUND, sym);
  return ToHandle<nvmlComputeInstance_t>(Encode(kCi, dev.index, dev.gi->id, id));
}

absl::StatusOr<nvmlComputeInstanceInfo_t> FakeLibrary::ComputeInstanceGetInfo(
    nvmlComputeInstance_t ci) {
  FAKE_ENTER("ComputeInstanceGetInfo", "nvmlComputeInstanceGetInfo_v2");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.CiHandle(ci, sym));
  nvmlComputeInstanceInfo_t info{};
  info.device = ToHandle<nvmlDevice_t>(Encode(kDevice, dev.index));
  info.gpuInstance = ToHandle<nvmlGpuInstance_t>(Encode(kGi, dev.index, dev.gi->id));
  info.id = dev.ci->id;
  info.profileId = dev.ci->profile_index;
  info.placement = {dev.ci->start, dev.ci->slices};
  return info;
}

absl::Status FakeLibrary::ComputeInstanceDestroy(nvmlComputeInstance_t ci) {
  FAKE_ENTER("ComputeInstanceDestroy", "nvmlComputeInstanceDestroy");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.CiHandle(ci, sym));
  dev.gi->cis.erase(dev.ci->id);
  return absl::OkStatus();
}

absl::StatusOr<unsigned int> FakeLibrary::GetMaxMigDeviceCount(nvmlDevice_t d) {
  FAKE_ENTER("GetMaxMigDeviceCount", "nvmlDeviceGetMaxMigDeviceCount");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  return dev.gpu->spec.mig_mode.current == NVML_DEVICE_MIG_ENABLE
             ? dev.gpu->spec.max_mig_devices
             : 0u;
}

absl::StatusOr<nvmlDevice_t> FakeLibrary::GetMigDeviceHandleByIndex(
    nvmlDevice_t d, unsigned int index) {
  FAKE_ENTER("GetMigDeviceHandleByIndex", "nvmlDeviceGetMigDeviceHandleByIndex");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigGpu(d, sym));
  const unsigned max = dev.gpu->spec.mig_mode.current == NVML_DEVICE_MIG_ENABLE
                           ? dev.gpu->spec.max_mig_devices
                           : 0u;
  if (index >= max) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  std::vector<nvmlDevice_t> migs = s.MigHandles(dev.index);
  if (index >= migs.size()) return Err(NVML_ERROR_NOT_FOUND, sym);
  return migs[index];
}

absl::StatusOr<nvmlDevice_t> FakeLibrary::GetDeviceHandleFromMigDeviceHandle(
    nvmlDevice_t mig) {
  FAKE_ENTER("GetDeviceHandleFromMigDeviceHandle",
             "nvmlDeviceGetDeviceHandleFromMigDeviceHandle");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigDevice(mig, sym));
  return ToHandle<nvmlDevice_t>(Encode(kDevice, dev.index));
}

absl::StatusOr<bool> FakeLibrary::IsMigDeviceHandle(nvmlDevice_t d) {
  FAKE_ENTER("IsMigDeviceHandle", "nvmlDeviceIsMigDeviceHandle");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(d, sym));
  return dev.gi != nullptr;
}

absl::StatusOr<unsigned int> FakeLibrary::GetGpuInstanceId(nvmlDevice_t mig) {
  FAKE_ENTER("GetGpuInstanceId", "nvmlDeviceGetGpuInstanceId");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigDevice(mig, sym));
  return dev.gi->id;
}

absl::StatusOr<unsigned int> FakeLibrary::GetComputeInstanceId(nvmlDevice_t mig) {
  FAKE_ENTER("GetComputeInstanceId", "nvmlDeviceGetComputeInstanceId");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.MigDevice(mig, sym));
  return dev.ci->id;
}

absl::StatusOr<nvmlDeviceAttributes_t> FakeLibrary::GetDeviceAttributes(
    nvmlDevice_t mig) {
  FAKE_ENTER("GetDeviceAttributes", "nvmlDeviceGetAttributes_v2");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.AnyDevice(mig, sym));
  if (dev.gi == nullptr) return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  const FakeGpuInstanceProfile* p =
      State::ProfileByIndex(*dev.gpu, dev.gi->profile_index);
  if (p == nullptr) return Err(NVML_ERROR_UNKNOWN, sym);
  std::optional<nvmlComputeInstanceProfileInfo_v2_t> ci =
      State::CiProfile(*p, dev.ci->profile_index);
  nvmlDeviceAttributes_t a{};
  a.multiprocessorCount = ci.has_value() ? ci->multiprocessorCount
                                         : p->info.multiprocessorCount;
  a.sharedCopyEngineCount = p->info.copyEngineCount;
  a.sharedDecoderCount = p->info.decoderCount;
  a.sharedEncoderCount = p->info.encoderCount;
  a.sharedJpegCount = p->info.jpegCount;
  a.sharedOfaCount = p->info.ofaCount;
  a.gpuInstanceSliceCount = p->info.sliceCount;
  a.computeInstanceSliceCount = dev.ci->slices;
  a.memorySizeMB = p->info.memorySizeMB;
  return a;
}

absl::StatusOr<nvmlEventSet_t> FakeLibrary::EventSetCreate() {
  FAKE_ENTER("EventSetCreate", "nvmlEventSetCreate");
  (void)sym;
  unsigned id = s.next_event_set++;
  s.event_sets[id] = State::EventSet{};
  return ToHandle<nvmlEventSet_t>((static_cast<uintptr_t>(kEventSet) << 28) | id);
}

absl::StatusOr<unsigned long long> FakeLibrary::GetSupportedEventTypes(
    nvmlDevice_t d) {
  FAKE_ENTER("GetSupportedEventTypes", "nvmlDeviceGetSupportedEventTypes");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  return dev.gpu->spec.supported_events;
}

namespace {
unsigned EventSetId(nvmlEventSet_t set) {
  uintptr_t v = reinterpret_cast<uintptr_t>(set);
  if ((v >> 28) != kEventSet) return 0;
  return static_cast<unsigned>(v & 0x0FFFFFFF);
}
}  // namespace

absl::Status FakeLibrary::RegisterEvents(nvmlDevice_t d,
                                         unsigned long long types,
                                         nvmlEventSet_t set) {
  FAKE_ENTER("RegisterEvents", "nvmlDeviceRegisterEvents");
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  auto it = s.event_sets.find(EventSetId(set));
  if (it == s.event_sets.end()) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  if ((types & ~dev.gpu->spec.supported_events) != 0) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  it->second.registrations.emplace_back(dev.index, types);
  return absl::OkStatus();
}

absl::StatusOr<nvmlEventData_t> FakeLibrary::EventSetWait(
    nvmlEventSet_t set, unsigned int timeout_ms) {
  FAKE_ENTER("EventSetWait", "nvmlEventSetWait_v2");
  auto it = s.event_sets.find(EventSetId(set));
  if (it == s.event_sets.end()) return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  if (it->second.queue.empty()) return Err(NVML_ERROR_TIMEOUT, sym);
  nvmlEventData_t data = it->second.queue.front();
  it->second.queue.pop_front();
  return data;
}

absl::Status FakeLibrary::EventSetFree(nvmlEventSet_t set) {
  FAKE_ENTER("EventSetFree", "nvmlEventSetFree");
  if (s.event_sets.erase(EventSetId(set)) == 0) {
    return Err(NVML_ERROR_INVALID_ARGUMENT, sym);
  }
  return absl::OkStatus();
}

absl::StatusOr<nvmlGpuFabricInfo_v3_t> FakeLibrary::GetGpuFabricInfo(
    nvmlDevice_t d) {
  // Like DlLibrary: V (v3) when exported, else the deprecated plain call.
  absl::MutexLock lock(&mu_);
  State& s = *state_;
  const bool has_v = s.missing.count("nvmlDeviceGetGpuFabricInfoV") == 0;
  const char* const sym =
      has_v ? "nvmlDeviceGetGpuFabricInfoV" : "nvmlDeviceGetGpuFabricInfo";
  DRA_RETURN_IF_ERROR(s.Enter("GetGpuFabricInfo", sym));
  DRA_ASSIGN_OR_RETURN(State::Dev dev, s.GpuDevice(d, sym));
  if (!dev.gpu->spec.fabric.has_value()) {
    return Err(NVML_ERROR_NOT_SUPPORTED, sym);
  }
  nvmlGpuFabricInfo_v3_t info = *dev.gpu->spec.fabric;
  if (has_v) {
    info.version = nvmlGpuFabricInfo_v3;
  } else {
    info.version = 0;
    info.healthMask = 0;
    info.healthSummary = 0;
  }
  return info;
}

}  // namespace nvml

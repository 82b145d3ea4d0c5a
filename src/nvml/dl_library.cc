#include "nvml/dl_library.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nvml/errors.h"
#include "nvml/loader.h"
#include "util/status_macros.h"

namespace nvml {
namespace {

// One resolved symbol: the function pointer (null when absent) and the name
// used in error messages (the symbol found, or the preferred one).
template <typename F>
struct Fn {
  F ptr = nullptr;
  std::string name;
};

// member, function type, symbol names in order of preference.
#define DRA_NVML_SYMBOLS(X)                                                  \
  X(init_v2, nvmlInit_v2_fn, "nvmlInit_v2")                                  \
  X(init_with_flags, nvmlInitWithFlags_fn, "nvmlInitWithFlags")              \
  X(shutdown, nvmlShutdown_fn, "nvmlShutdown")                               \
  X(error_string, nvmlErrorString_fn, "nvmlErrorString")                     \
  X(driver_version, nvmlSystemGetDriverVersion_fn,                           \
    "nvmlSystemGetDriverVersion")                                            \
  X(nvml_version, nvmlSystemGetNVMLVersion_fn, "nvmlSystemGetNVMLVersion")   \
  X(cuda_version, nvmlSystemGetCudaDriverVersion_fn,                         \
    "nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion")   \
  X(count, nvmlDeviceGetCount_v2_fn, "nvmlDeviceGetCount_v2",                \
    "nvmlDeviceGetCount")                                                    \
  X(by_index, nvmlDeviceGetHandleByIndex_v2_fn,                              \
    "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex")           \
  X(by_uuid, nvmlDeviceGetHandleByUUID_fn, "nvmlDeviceGetHandleByUUID")      \
  X(by_pci, nvmlDeviceGetHandleByPciBusId_v2_fn,                             \
    "nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId")     \
  X(index, nvmlDeviceGetIndex_fn, "nvmlDeviceGetIndex")                      \
  X(name, nvmlDeviceGetName_fn, "nvmlDeviceGetName")                         \
  X(uuid, nvmlDeviceGetUUID_fn, "nvmlDeviceGetUUID")                         \
  X(serial, nvmlDeviceGetSerial_fn, "nvmlDeviceGetSerial")                   \
  X(pci_info, nvmlDeviceGetPciInfo_v3_fn, "nvmlDeviceGetPciInfo_v3",         \
    "nvmlDeviceGetPciInfo_v2")                                               \
  X(memory, nvmlDeviceGetMemoryInfo_fn, "nvmlDeviceGetMemoryInfo")           \
  X(arch, nvmlDeviceGetArchitecture_fn, "nvmlDeviceGetArchitecture")         \
  X(brand, nvmlDeviceGetBrand_fn, "nvmlDeviceGetBrand")                      \
  X(compute_cap, nvmlDeviceGetCudaComputeCapability_fn,                      \
    "nvmlDeviceGetCudaComputeCapability")                                    \
  X(minor, nvmlDeviceGetMinorNumber_fn, "nvmlDeviceGetMinorNumber")          \
  X(numa, nvmlDeviceGetNumaNodeId_fn, "nvmlDeviceGetNumaNodeId")             \
  X(virt_mode, nvmlDeviceGetVirtualizationMode_fn,                           \
    "nvmlDeviceGetVirtualizationMode")                                       \
  X(addressing, nvmlDeviceGetAddressingMode_fn, "nvmlDeviceGetAddressingMode") \
  X(mig_mode, nvmlDeviceGetMigMode_fn, "nvmlDeviceGetMigMode")               \
  X(set_mig_mode, nvmlDeviceSetMigMode_fn, "nvmlDeviceSetMigMode")           \
  X(gi_profile_v, nvmlDeviceGetGpuInstanceProfileInfoV_fn,                   \
    "nvmlDeviceGetGpuInstanceProfileInfoV")                                  \
  X(gi_profile, nvmlDeviceGetGpuInstanceProfileInfo_fn,                      \
    "nvmlDeviceGetGpuInstanceProfileInfo")                                   \
  X(gi_placements, nvmlDeviceGetGpuInstancePossiblePlacements_v2_fn,         \
    "nvmlDeviceGetGpuInstancePossiblePlacements_v2",                         \
    "nvmlDeviceGetGpuInstancePossiblePlacements")                            \
  X(gi_remaining, nvmlDeviceGetGpuInstanceRemainingCapacity_fn,              \
    "nvmlDeviceGetGpuInstanceRemainingCapacity")                             \
  X(gi_create, nvmlDeviceCreateGpuInstance_fn, "nvmlDeviceCreateGpuInstance") \
  X(gi_create_at, nvmlDeviceCreateGpuInstanceWithPlacement_fn,               \
    "nvmlDeviceCreateGpuInstanceWithPlacement")                              \
  X(gi_list, nvmlDeviceGetGpuInstances_fn, "nvmlDeviceGetGpuInstances")      \
  X(gi_by_id, nvmlDeviceGetGpuInstanceById_fn, "nvmlDeviceGetGpuInstanceById") \
  X(gi_info, nvmlGpuInstanceGetInfo_fn, "nvmlGpuInstanceGetInfo")            \
  X(gi_destroy, nvmlGpuInstanceDestroy_fn, "nvmlGpuInstanceDestroy")         \
  X(ci_profile_v, nvmlGpuInstanceGetComputeInstanceProfileInfoV_fn,          \
    "nvmlGpuInstanceGetComputeInstanceProfileInfoV")                         \
  X(ci_profile, nvmlGpuInstanceGetComputeInstanceProfileInfo_fn,             \
    "nvmlGpuInstanceGetComputeInstanceProfileInfo")                          \
  X(ci_remaining, nvmlGpuInstanceGetComputeInstanceRemainingCapacity_fn,     \
    "nvmlGpuInstanceGetComputeInstanceRemainingCapacity")                    \
  X(ci_create, nvmlGpuInstanceCreateComputeInstance_fn,                      \
    "nvmlGpuInstanceCreateComputeInstance")                                  \
  X(ci_list, nvmlGpuInstanceGetComputeInstances_fn,                          \
    "nvmlGpuInstanceGetComputeInstances")                                    \
  X(ci_by_id, nvmlGpuInstanceGetComputeInstanceById_fn,                      \
    "nvmlGpuInstanceGetComputeInstanceById")                                 \
  X(ci_info, nvmlComputeInstanceGetInfo_v2_fn,                               \
    "nvmlComputeInstanceGetInfo_v2", "nvmlComputeInstanceGetInfo")           \
  X(ci_destroy, nvmlComputeInstanceDestroy_fn, "nvmlComputeInstanceDestroy") \
  X(max_mig, nvmlDeviceGetMaxMigDeviceCount_fn,                              \
    "nvmlDeviceGetMaxMigDeviceCount")                                        \
  X(mig_by_index, nvmlDeviceGetMigDeviceHandleByIndex_fn,                    \
    "nvmlDeviceGetMigDeviceHandleByIndex")                                   \
  X(mig_parent, nvmlDeviceGetDeviceHandleFromMigDeviceHandle_fn,             \
    "nvmlDeviceGetDeviceHandleFromMigDeviceHandle")                          \
  X(is_mig, nvmlDeviceIsMigDeviceHandle_fn, "nvmlDeviceIsMigDeviceHandle")   \
  X(gi_id, nvmlDeviceGetGpuInstanceId_fn, "nvmlDeviceGetGpuInstanceId")      \
  X(ci_id, nvmlDeviceGetComputeInstanceId_fn, "nvmlDeviceGetComputeInstanceId") \
  X(attributes, nvmlDeviceGetAttributes_v2_fn, "nvmlDeviceGetAttributes_v2", \
    "nvmlDeviceGetAttributes")                                               \
  X(event_create, nvmlEventSetCreate_fn, "nvmlEventSetCreate")               \
  X(event_types, nvmlDeviceGetSupportedEventTypes_fn,                        \
    "nvmlDeviceGetSupportedEventTypes")                                      \
  X(event_register, nvmlDeviceRegisterEvents_fn, "nvmlDeviceRegisterEvents") \
  X(event_wait, nvmlEventSetWait_v2_fn, "nvmlEventSetWait_v2",               \
    "nvmlEventSetWait")                                                      \
  X(event_free, nvmlEventSetFree_fn, "nvmlEventSetFree")                     \
  X(fabric_v, nvmlDeviceGetGpuFabricInfoV_fn, "nvmlDeviceGetGpuFabricInfoV") \
  X(fabric, nvmlDeviceGetGpuFabricInfo_fn, "nvmlDeviceGetGpuFabricInfo")

struct Symbols {
#define DRA_NVML_DECLARE(member, type, ...) Fn<type> member;
  DRA_NVML_SYMBOLS(DRA_NVML_DECLARE)
#undef DRA_NVML_DECLARE
};

template <typename F>
Fn<F> Resolve(void* handle, std::initializer_list<const char*> names) {
  Fn<F> fn;
  fn.name = *names.begin();
  for (const char* name : names) {
    if (void* sym = ::dlsym(handle, name)) {
      fn.ptr = reinterpret_cast<F>(sym);
      fn.name = name;
      break;
    }
  }
  return fn;
}

// Size of the buffers used for the GI/CI list calls; NVML never reports more
// than 8 instances of one profile.
constexpr unsigned int kMaxInstances = 64;

class DlLibrary final : public Library {
 public:
  DlLibrary(void* handle, Symbols symbols)
      : handle_(handle), s_(std::move(symbols)) {}
  ~DlLibrary() override { ::dlclose(handle_); }

  bool HasSymbol(const std::string& symbol) const override {
    return ::dlsym(handle_, symbol.c_str()) != nullptr;
  }

  absl::Status Init(unsigned int flags) override {
    if (flags == 0) return Call(s_.init_v2);
    return Call(s_.init_with_flags, flags);
  }
  absl::Status Shutdown() override { return Call(s_.shutdown); }

  absl::StatusOr<std::string> SystemGetDriverVersion() override {
    char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
    DRA_RETURN_IF_ERROR(Call(s_.driver_version, buf, sizeof buf));
    return Str(buf, sizeof buf);
  }
  absl::StatusOr<std::string> SystemGetNvmlVersion() override {
    char buf[NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE] = {};
    DRA_RETURN_IF_ERROR(Call(s_.nvml_version, buf, sizeof buf));
    return Str(buf, sizeof buf);
  }
  absl::StatusOr<int> SystemGetCudaDriverVersion() override {
    int v = 0;
    DRA_RETURN_IF_ERROR(Call(s_.cuda_version, &v));
    return v;
  }

  absl::StatusOr<unsigned int> DeviceGetCount() override {
    unsigned int n = 0;
    DRA_RETURN_IF_ERROR(Call(s_.count, &n));
    return n;
  }
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByIndex(unsigned int i) override {
    nvmlDevice_t d = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.by_index, i, &d));
    return d;
  }
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByUUID(
      const std::string& uuid) override {
    nvmlDevice_t d = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.by_uuid, uuid.c_str(), &d));
    return d;
  }
  absl::StatusOr<nvmlDevice_t> DeviceGetHandleByPciBusId(
      const std::string& bus_id) override {
    nvmlDevice_t d = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.by_pci, bus_id.c_str(), &d));
    return d;
  }
  absl::StatusOr<unsigned int> DeviceGetIndex(nvmlDevice_t d) override {
    return GetUint(s_.index, d);
  }

  absl::StatusOr<std::string> GetName(nvmlDevice_t d) override {
    char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
    DRA_RETURN_IF_ERROR(Call(s_.name, d, buf, sizeof buf));
    return Str(buf, sizeof buf);
  }
  absl::StatusOr<std::string> GetUUID(nvmlDevice_t d) override {
    char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    DRA_RETURN_IF_ERROR(Call(s_.uuid, d, buf, sizeof buf));
    return Str(buf, sizeof buf);
  }
  absl::StatusOr<std::string> GetSerial(nvmlDevice_t d) override {
    char buf[NVML_DEVICE_SERIAL_BUFFER_SIZE] = {};
    DRA_RETURN_IF_ERROR(Call(s_.serial, d, buf, sizeof buf));
    return Str(buf, sizeof buf);
  }
  absl::StatusOr<nvmlPciInfo_t> GetPciInfo(nvmlDevice_t d) override {
    nvmlPciInfo_t info{};
    DRA_RETURN_IF_ERROR(Call(s_.pci_info, d, &info));
    return info;
  }
  absl::StatusOr<nvmlMemory_t> GetMemoryInfo(nvmlDevice_t d) override {
    nvmlMemory_t m{};
    DRA_RETURN_IF_ERROR(Call(s_.memory, d, &m));
    return m;
  }
  absl::StatusOr<nvmlDeviceArchitecture_t> GetArchitecture(
      nvmlDevice_t d) override {
    nvmlDeviceArchitecture_t a = 0;
    DRA_RETURN_IF_ERROR(Call(s_.arch, d, &a));
    return a;
  }
  absl::StatusOr<nvmlBrandType_t> GetBrand(nvmlDevice_t d) override {
    nvmlBrandType_t b = NVML_BRAND_UNKNOWN;
    DRA_RETURN_IF_ERROR(Call(s_.brand, d, &b));
    return b;
  }
  absl::StatusOr<ComputeCapability> GetCudaComputeCapability(
      nvmlDevice_t d) override {
    ComputeCapability cc;
    DRA_RETURN_IF_ERROR(Call(s_.compute_cap, d, &cc.major, &cc.minor));
    return cc;
  }
  absl::StatusOr<unsigned int> GetMinorNumber(nvmlDevice_t d) override {
    return GetUint(s_.minor, d);
  }
  absl::StatusOr<unsigned int> GetNumaNodeId(nvmlDevice_t d) override {
    return GetUint(s_.numa, d);
  }
  absl::StatusOr<nvmlGpuVirtualizationMode_t> GetVirtualizationMode(
      nvmlDevice_t d) override {
    nvmlGpuVirtualizationMode_t m = NVML_GPU_VIRTUALIZATION_MODE_NONE;
    DRA_RETURN_IF_ERROR(Call(s_.virt_mode, d, &m));
    return m;
  }
  absl::StatusOr<unsigned int> GetAddressingMode(nvmlDevice_t d) override {
    nvmlDeviceAddressingMode_t mode{};
    mode.version = nvmlDeviceAddressingMode_v1;
    DRA_RETURN_IF_ERROR(Call(s_.addressing, d, &mode));
    return mode.value;
  }

  absl::StatusOr<MigMode> GetMigMode(nvmlDevice_t d) override {
    MigMode m;
    DRA_RETURN_IF_ERROR(Call(s_.mig_mode, d, &m.current, &m.pending));
    return m;
  }
  absl::StatusOr<nvmlReturn_t> SetMigMode(nvmlDevice_t d,
                                          unsigned int mode) override {
    nvmlReturn_t activation = NVML_SUCCESS;
    DRA_RETURN_IF_ERROR(Call(s_.set_mig_mode, d, mode, &activation));
    return activation;
  }
  absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t> GetGpuInstanceProfileInfo(
      nvmlDevice_t d, unsigned int profile_index) override {
    nvmlGpuInstanceProfileInfo_v2_t v2{};
    if (s_.gi_profile_v.ptr != nullptr) {
      v2.version = nvmlGpuInstanceProfileInfo_v2;
      DRA_RETURN_IF_ERROR(Call(s_.gi_profile_v, d, profile_index, &v2));
      return v2;
    }
    nvmlGpuInstanceProfileInfo_t v1{};
    DRA_RETURN_IF_ERROR(Call(s_.gi_profile, d, profile_index, &v1));
    v2.id = v1.id;
    v2.isP2pSupported = v1.isP2pSupported;
    v2.sliceCount = v1.sliceCount;
    v2.instanceCount = v1.instanceCount;
    v2.multiprocessorCount = v1.multiprocessorCount;
    v2.copyEngineCount = v1.copyEngineCount;
    v2.decoderCount = v1.decoderCount;
    v2.encoderCount = v1.encoderCount;
    v2.jpegCount = v1.jpegCount;
    v2.ofaCount = v1.ofaCount;
    v2.memorySizeMB = v1.memorySizeMB;
    return v2;
  }
  absl::StatusOr<std::vector<nvmlGpuInstancePlacement_t>>
  GetGpuInstancePossiblePlacements(nvmlDevice_t d,
                                   unsigned int profile_id) override {
    unsigned int count = 0;
    DRA_RETURN_IF_ERROR(Call(s_.gi_placements, d, profile_id,
                             static_cast<nvmlGpuInstancePlacement_t*>(nullptr),
                             &count));
    std::vector<nvmlGpuInstancePlacement_t> out(count);
    if (count == 0) return out;
    DRA_RETURN_IF_ERROR(
        Call(s_.gi_placements, d, profile_id, out.data(), &count));
    if (count < out.size()) out.resize(count);
    return out;
  }
  absl::StatusOr<unsigned int> GetGpuInstanceRemainingCapacity(
      nvmlDevice_t d, unsigned int profile_id) override {
    unsigned int n = 0;
    DRA_RETURN_IF_ERROR(Call(s_.gi_remaining, d, profile_id, &n));
    return n;
  }
  absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstance(
      nvmlDevice_t d, unsigned int profile_id) override {
    nvmlGpuInstance_t gi = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.gi_create, d, profile_id, &gi));
    return gi;
  }
  absl::StatusOr<nvmlGpuInstance_t> CreateGpuInstanceWithPlacement(
      nvmlDevice_t d, unsigned int profile_id,
      const nvmlGpuInstancePlacement_t& placement) override {
    nvmlGpuInstance_t gi = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.gi_create_at, d, profile_id, &placement, &gi));
    return gi;
  }
  absl::StatusOr<std::vector<nvmlGpuInstance_t>> GetGpuInstances(
      nvmlDevice_t d, unsigned int profile_id) override {
    std::vector<nvmlGpuInstance_t> out(kMaxInstances, nullptr);
    unsigned int count = 0;
    DRA_RETURN_IF_ERROR(Call(s_.gi_list, d, profile_id, out.data(), &count));
    out.resize(std::min(count, kMaxInstances));
    return out;
  }
  absl::StatusOr<nvmlGpuInstance_t> GetGpuInstanceById(
      nvmlDevice_t d, unsigned int id) override {
    nvmlGpuInstance_t gi = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.gi_by_id, d, id, &gi));
    return gi;
  }
  absl::StatusOr<nvmlGpuInstanceInfo_t> GpuInstanceGetInfo(
      nvmlGpuInstance_t gi) override {
    nvmlGpuInstanceInfo_t info{};
    DRA_RETURN_IF_ERROR(Call(s_.gi_info, gi, &info));
    return info;
  }
  absl::Status GpuInstanceDestroy(nvmlGpuInstance_t gi) override {
    return Call(s_.gi_destroy, gi);
  }

  absl::StatusOr<nvmlComputeInstanceProfileInfo_v2_t>
  GetComputeInstanceProfileInfo(nvmlGpuInstance_t gi,
                                unsigned int profile_index,
                                unsigned int engine_profile) override {
    nvmlComputeInstanceProfileInfo_v2_t v2{};
    if (s_.ci_profile_v.ptr != nullptr) {
      v2.version = nvmlComputeInstanceProfileInfo_v2;
      DRA_RETURN_IF_ERROR(
          Call(s_.ci_profile_v, gi, profile_index, engine_profile, &v2));
      return v2;
    }
    nvmlComputeInstanceProfileInfo_t v1{};
    DRA_RETURN_IF_ERROR(
        Call(s_.ci_profile, gi, profile_index, engine_profile, &v1));
    v2.id = v1.id;
    v2.sliceCount = v1.sliceCount;
    v2.instanceCount = v1.instanceCount;
    v2.multiprocessorCount = v1.multiprocessorCount;
    v2.sharedCopyEngineCount = v1.sharedCopyEngineCount;
    v2.sharedDecoderCount = v1.sharedDecoderCount;
    v2.sharedEncoderCount = v1.sharedEncoderCount;
    v2.sharedJpegCount = v1.sharedJpegCount;
    v2.sharedOfaCount = v1.sharedOfaCount;
    return v2;
  }
  absl::StatusOr<unsigned int> GetComputeInstanceRemainingCapacity(
      nvmlGpuInstance_t gi, unsigned int profile_id) override {
    unsigned int n = 0;
    DRA_RETURN_IF_ERROR(Call(s_.ci_remaining, gi, profile_id, &n));
    return n;
  }
  absl::StatusOr<nvmlComputeInstance_t> CreateComputeInstance(
      nvmlGpuInstance_t gi, unsigned int profile_id) override {
    nvmlComputeInstance_t ci = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.ci_create, gi, profile_id, &ci));
    return ci;
  }
  absl::StatusOr<std::vector<nvmlComputeInstance_t>> GetComputeInstances(
      nvmlGpuInstance_t gi, unsigned int profile_id) override {
    std::vector<nvmlComputeInstance_t> out(kMaxInstances, nullptr);
    unsigned int count = 0;
    DRA_RETURN_IF_ERROR(Call(s_.ci_list, gi, profile_id, out.data(), &count));
    out.resize(std::min(count, kMaxInstances));
    return out;
  }
  absl::StatusOr<nvmlComputeInstance_t> GetComputeInstanceById(
      nvmlGpuInstance_t gi, unsigned int id) override {
    nvmlComputeInstance_t ci = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.ci_by_id, gi, id, &ci));
    return ci;
  }
  absl::StatusOr<nvmlComputeInstanceInfo_t> ComputeInstanceGetInfo(
      nvmlComputeInstance_t ci) override {
    nvmlComputeInstanceInfo_t info{};
    DRA_RETURN_IF_ERROR(Call(s_.ci_info, ci, &info));
    return info;
  }
  absl::Status ComputeInstanceDestroy(nvmlComputeInstance_t ci) override {
    return Call(s_.ci_destroy, ci);
  }

  absl::StatusOr<unsigned int> GetMaxMigDeviceCount(nvmlDevice_t d) override {
    return GetUint(s_.max_mig, d);
  }
  absl::StatusOr<nvmlDevice_t> GetMigDeviceHandleByIndex(
      nvmlDevice_t d, unsigned int index) override {
    nvmlDevice_t mig = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.mig_by_index, d, index, &mig));
    return mig;
  }
  absl::StatusOr<nvmlDevice_t> GetDeviceHandleFromMigDeviceHandle(
      nvmlDevice_t mig) override {
    nvmlDevice_t parent = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.mig_parent, mig, &parent));
    return parent;
  }
  absl::StatusOr<bool> IsMigDeviceHandle(nvmlDevice_t d) override {
    DRA_ASSIGN_OR_RETURN(unsigned int v, GetUint(s_.is_mig, d));
    return v != 0;
  }
  absl::StatusOr<unsigned int> GetGpuInstanceId(nvmlDevice_t mig) override {
    return GetUint(s_.gi_id, mig);
  }
  absl::StatusOr<unsigned int> GetComputeInstanceId(nvmlDevice_t mig) override {
    return GetUint(s_.ci_id, mig);
  }
  absl::StatusOr<nvmlDeviceAttributes_t> GetDeviceAttributes(
      nvmlDevice_t mig) override {
    nvmlDeviceAttributes_t attrs{};
    DRA_RETURN_IF_ERROR(Call(s_.attributes, mig, &attrs));
    return attrs;
  }

  absl::StatusOr<nvmlEventSet_t> EventSetCreate() override {
    nvmlEventSet_t set = nullptr;
    DRA_RETURN_IF_ERROR(Call(s_.event_create, &set));
    return set;
  }
  absl::StatusOr<unsigned long long> GetSupportedEventTypes(
      nvmlDevice_t d) override {
    unsigned long long types = 0;
    DRA_RETURN_IF_ERROR(Call(s_.event_types, d, &types));
    return types;
  }
  absl::Status RegisterEvents(nvmlDevice_t d, unsigned long long types,
                              nvmlEventSet_t set) override {
    return Call(s_.event_register, d, types, set);
  }
  absl::StatusOr<nvmlEventData_t> EventSetWait(nvmlEventSet_t set,
                                               unsigned int timeout_ms) override {
    nvmlEventData_t data{};
    DRA_RETURN_IF_ERROR(Call(s_.event_wait, set, &data, timeout_ms));
    return data;
  }
  absl::Status EventSetFree(nvmlEventSet_t set) override {
    return Call(s_.event_free, set);
  }

  absl::StatusOr<nvmlGpuFabricInfo_v3_t> GetGpuFabricInfo(
      nvmlDevice_t d) override {
    nvmlGpuFabricInfo_v3_t info{};
    if (s_.fabric_v.ptr != nullptr) {
      info.version = nvmlGpuFabricInfo_v3;
      nvmlReturn_t ret = s_.fabric_v.ptr(d, &info);
      if (ret == NVML_ERROR_ARGUMENT_VERSION_MISMATCH) {
        // Older driver: ask for v2 in the same (larger) struct.
        info = nvmlGpuFabricInfo_v3_t{};
        info.version = nvmlGpuFabricInfo_v2;
        ret = s_.fabric_v.ptr(d, &info);
      }
      DRA_RETURN_IF_ERROR(Check(ret, s_.fabric_v.name));
      return info;
    }
    nvmlGpuFabricInfo_t v1{};
    DRA_RETURN_IF_ERROR(Call(s_.fabric, d, &v1));
    std::memcpy(info.clusterUuid, v1.clusterUuid, sizeof info.clusterUuid);
    info.status = v1.status;
    info.cliqueId = v1.cliqueId;
    info.state = v1.state;
    return info;
  }

 private:
  absl::Status Check(nvmlReturn_t ret, const std::string& function) const {
    if (ret == NVML_SUCCESS) return absl::OkStatus();
    const char* text =
        s_.error_string.ptr != nullptr ? s_.error_string.ptr(ret) : nullptr;
    return NvmlError(ret, function, text);
  }

  template <typename F, typename... Args>
  absl::Status Call(const Fn<F>& fn, Args... args) const {
    if (fn.ptr == nullptr) {
      return NvmlError(NVML_ERROR_FUNCTION_NOT_FOUND, fn.name);
    }
    return Check(fn.ptr(args...), fn.name);
  }

  template <typename F>
  absl::StatusOr<unsigned int> GetUint(const Fn<F>& fn, nvmlDevice_t d) const {
    unsigned int v = 0;
    DRA_RETURN_IF_ERROR(Call(fn, d, &v));
    return v;
  }

  static std::string Str(const char* buf, size_t size) {
    return std::string(buf, ::strnlen(buf, size));
  }

  void* const handle_;
  const Symbols s_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Library>> LoadLibrary(const std::string& path) {
  ::dlerror();  // clear
  // RTLD_NODELETE: dlclose() drops our reference but keeps the code mapped,
  // so threads or singletons NVML left behind never point into unmapped
  // memory (and leak checkers still see the library's globals).
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load NVML library ", path, ": ",
        err != nullptr ? err : "dlopen failed"));
  }
  Symbols symbols;
#define DRA_NVML_RESOLVE(member, type, ...) \
  symbols.member = Resolve<type>(handle, {__VA_ARGS__});
  DRA_NVML_SYMBOLS(DRA_NVML_RESOLVE)
#undef DRA_NVML_RESOLVE
  if (symbols.init_v2.ptr == nullptr) {
    ::dlclose(handle);
    return absl::NotFoundError(absl::StrCat(
        "NVML library ", path, " does not export nvmlInit_v2"));
  }
  return std::unique_ptr<Library>(new DlLibrary(handle, std::move(symbols)));
}

absl::StatusOr<std::unique_ptr<Library>> LoadFromDriverRoot(
    const std::string& driver_root) {
  DRA_ASSIGN_OR_RETURN(std::string path, FindNvmlLibrary(driver_root));
  return LoadLibrary(path);
}

}  // namespace nvml

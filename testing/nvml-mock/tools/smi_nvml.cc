// smi_nvml.cc: see smi_nvml.h.
#include "smi_nvml.h"

#include <dlfcn.h>

#include <algorithm>
#include <vector>

namespace smi {
namespace {

template <typename F>
void Sym(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(::dlsym(lib, name));
}

}  // namespace

bool Nvml::Load(std::string* error) {
  void* lib = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* e = ::dlerror();
    *error = std::string("libnvidia-ml.so.1: ") + (e ? e : "cannot load");
    return false;
  }
  Sym(lib, "nvmlInit_v2", &Init);
  Sym(lib, "nvmlShutdown", &Shutdown);
  Sym(lib, "nvmlErrorString", &ErrorString);
  Sym(lib, "nvmlMockLastError", &MockLastError);
  Sym(lib, "nvmlMockDeviceGetTimeSliceSupported", &MockTimeSlice);
  Sym(lib, "nvmlSystemGetDriverVersion", &DriverVersion);
  Sym(lib, "nvmlSystemGetCudaDriverVersion_v2", &CudaVersion);
  Sym(lib, "nvmlDeviceGetCount_v2", &Count);
  Sym(lib, "nvmlDeviceGetHandleByIndex_v2", &HandleByIndex);
  Sym(lib, "nvmlDeviceGetName", &Name);
  Sym(lib, "nvmlDeviceGetUUID", &Uuid);
  Sym(lib, "nvmlDeviceGetSerial", &Serial);
  Sym(lib, "nvmlDeviceGetVbiosVersion", &Vbios);
  Sym(lib, "nvmlDeviceGetBoardPartNumber", &BoardPart);
  Sym(lib, "nvmlDeviceGetMinorNumber", &Minor);
  Sym(lib, "nvmlDeviceGetPciInfo_v3", &Pci);
  Sym(lib, "nvmlDeviceGetMemoryInfo", &Memory);
  Sym(lib, "nvmlDeviceGetMemoryInfo_v2", &MemoryV2);
  Sym(lib, "nvmlDeviceGetBAR1MemoryInfo", &Bar1);
  Sym(lib, "nvmlDeviceGetBrand", &Brand);
  Sym(lib, "nvmlDeviceGetArchitecture", &Arch);
  Sym(lib, "nvmlDeviceGetCudaComputeCapability", &Cc);
  Sym(lib, "nvmlDeviceGetPersistenceMode", &Persistence);
  Sym(lib, "nvmlDeviceGetComputeMode", &ComputeMode);
  Sym(lib, "nvmlDeviceGetVirtualizationMode", &VirtMode);
  Sym(lib, "nvmlDeviceGetAddressingMode", &AddrMode);
  Sym(lib, "nvmlDeviceGetPowerManagementLimit", &PowerLimit);
  Sym(lib, "nvmlDeviceGetTemperature", &Temperature);
  Sym(lib, "nvmlDeviceGetGpuFabricInfoV", &FabricV);
  Sym(lib, "nvmlDeviceGetMigMode", &GetMigMode);
  Sym(lib, "nvmlDeviceSetMigMode", &SetMigMode);
  Sym(lib, "nvmlDeviceGetMaxMigDeviceCount", &MaxMig);
  Sym(lib, "nvmlDeviceGetMigDeviceHandleByIndex", &MigByIndex);
  Sym(lib, "nvmlDeviceGetGpuInstanceId", &GiId);
  Sym(lib, "nvmlDeviceGetComputeInstanceId", &CiId);
  Sym(lib, "nvmlDeviceGetGpuInstanceProfileInfoV", &GiProfileInfoV);
  Sym(lib, "nvmlDeviceGetGpuInstancePossiblePlacements_v2", &GiPlacements);
  Sym(lib, "nvmlDeviceGetGpuInstanceRemainingCapacity", &GiRemaining);
  Sym(lib, "nvmlDeviceCreateGpuInstance", &CreateGi);
  Sym(lib, "nvmlDeviceGetGpuInstances", &GetGis);
  Sym(lib, "nvmlGpuInstanceGetInfo", &GiInfo);
  Sym(lib, "nvmlGpuInstanceDestroy", &DestroyGi);
  Sym(lib, "nvmlGpuInstanceGetComputeInstanceProfileInfoV", &CiProfileInfoV);
  Sym(lib, "nvmlGpuInstanceCreateComputeInstance", &CreateCi);
  Sym(lib, "nvmlGpuInstanceGetComputeInstances", &GetCis);
  Sym(lib, "nvmlComputeInstanceDestroy", &DestroyCi);
  if (Init == nullptr || Shutdown == nullptr || Count == nullptr || HandleByIndex == nullptr ||
      Name == nullptr || Uuid == nullptr) {
    *error = "libnvidia-ml.so.1 lacks basic NVML symbols";
    return false;
  }
  return true;
}

std::string DeviceName(const Nvml& n, nvmlDevice_t d) {
  char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  return n.Name(d, buf, sizeof buf) == NVML_SUCCESS ? buf : "N/A";
}

std::string DeviceUuid(const Nvml& n, nvmlDevice_t d) {
  char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
  return n.Uuid(d, buf, sizeof buf) == NVML_SUCCESS ? buf : "N/A";
}

std::vector<ProfileRow> GiProfiles(const Nvml& n, nvmlDevice_t d) {
  std::vector<ProfileRow> rows;
  if (n.GiProfileInfoV == nullptr) return rows;
  for (unsigned i = 0; i < NVML_GPU_INSTANCE_PROFILE_COUNT; ++i) {
    ProfileRow r{i, {}};
    r.info.version = nvmlGpuInstanceProfileInfo_v2;
    if (n.GiProfileInfoV(d, i, &r.info) == NVML_SUCCESS) rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ProfileRow& a, const ProfileRow& b) {
    if (a.info.memorySizeMB != b.info.memorySizeMB) return a.info.memorySizeMB < b.info.memorySizeMB;
    if (a.info.sliceCount != b.info.sliceCount) return a.info.sliceCount < b.info.sliceCount;
    return a.index < b.index;
  });
  return rows;
}

}  // namespace smi

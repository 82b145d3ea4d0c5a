// smi_nvml.h: the NVML entry points nvml-mock-smi uses, resolved at run
// time with dlopen("libnvidia-ml.so.1") + dlsym, exactly like the real
// nvidia-smi (so whichever libnvidia-ml.so.1 is first on the library path,
// the mock or the real driver's, is what it shows).
//
// Used by the smi_*.cc files. Thread safety: load once from main().
#ifndef NVML_MOCK_SMI_NVML_H_
#define NVML_MOCK_SMI_NVML_H_

#include <string>
#include <vector>

#include "src/nvml/nvml_abi.h"

namespace smi {

struct Nvml {
  // Returns false with a message if the library or a required symbol is
  // missing. Optional symbols are left null.
  bool Load(std::string* error);

  nvmlReturn_t (*Init)(void) = nullptr;
  nvmlReturn_t (*Shutdown)(void) = nullptr;
  const char* (*ErrorString)(nvmlReturn_t) = nullptr;
  const char* (*MockLastError)(void) = nullptr;  // only in the mock
  nvmlReturn_t (*MockTimeSlice)(nvmlDevice_t, unsigned*) = nullptr;  // only in the mock
  nvmlReturn_t (*DriverVersion)(char*, unsigned) = nullptr;
  nvmlReturn_t (*CudaVersion)(int*) = nullptr;
  nvmlReturn_t (*Count)(unsigned*) = nullptr;
  nvmlReturn_t (*HandleByIndex)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*Name)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*Uuid)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*Serial)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*Vbios)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*BoardPart)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*Minor)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*Pci)(nvmlDevice_t, nvmlPciInfo_t*) = nullptr;
  nvmlReturn_t (*Memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*MemoryV2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*Bar1)(nvmlDevice_t, nvmlBAR1Memory_t*) = nullptr;
  nvmlReturn_t (*Brand)(nvmlDevice_t, nvmlBrandType_t*) = nullptr;
  nvmlReturn_t (*Arch)(nvmlDevice_t, nvmlDeviceArchitecture_t*) = nullptr;
  nvmlReturn_t (*Cc)(nvmlDevice_t, int*, int*) = nullptr;
  nvmlReturn_t (*Persistence)(nvmlDevice_t, nvmlEnableState_t*) = nullptr;
  nvmlReturn_t (*ComputeMode)(nvmlDevice_t, nvmlComputeMode_t*) = nullptr;
  nvmlReturn_t (*VirtMode)(nvmlDevice_t, nvmlGpuVirtualizationMode_t*) = nullptr;
  nvmlReturn_t (*AddrMode)(nvmlDevice_t, nvmlDeviceAddressingMode_t*) = nullptr;
  nvmlReturn_t (*PowerLimit)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*Temperature)(nvmlDevice_t, nvmlTemperatureSensors_t, unsigned*) = nullptr;
  nvmlReturn_t (*FabricV)(nvmlDevice_t, nvmlGpuFabricInfoV_t*) = nullptr;
  nvmlReturn_t (*GetMigMode)(nvmlDevice_t, unsigned*, unsigned*) = nullptr;
  nvmlReturn_t (*SetMigMode)(nvmlDevice_t, unsigned, nvmlReturn_t*) = nullptr;
  nvmlReturn_t (*MaxMig)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*MigByIndex)(nvmlDevice_t, unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*GiId)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*CiId)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*GiProfileInfoV)(nvmlDevice_t, unsigned, nvmlGpuInstanceProfileInfo_v2_t*) = nullptr;
  nvmlReturn_t (*GiPlacements)(nvmlDevice_t, unsigned, nvmlGpuInstancePlacement_t*, unsigned*) = nullptr;
  nvmlReturn_t (*GiRemaining)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*CreateGi)(nvmlDevice_t, unsigned, nvmlGpuInstance_t*) = nullptr;
  nvmlReturn_t (*GetGis)(nvmlDevice_t, unsigned, nvmlGpuInstance_t*, unsigned*) = nullptr;
  nvmlReturn_t (*GiInfo)(nvmlGpuInstance_t, nvmlGpuInstanceInfo_t*) = nullptr;
  nvmlReturn_t (*DestroyGi)(nvmlGpuInstance_t) = nullptr;
  nvmlReturn_t (*CiProfileInfoV)(nvmlGpuInstance_t, unsigned, unsigned, nvmlComputeInstanceProfileInfo_v2_t*) = nullptr;
  nvmlReturn_t (*CreateCi)(nvmlGpuInstance_t, unsigned, nvmlComputeInstance_t*) = nullptr;
  nvmlReturn_t (*GetCis)(nvmlGpuInstance_t, unsigned, nvmlComputeInstance_t*, unsigned*) = nullptr;
  nvmlReturn_t (*DestroyCi)(nvmlComputeInstance_t) = nullptr;

  const char* Err(nvmlReturn_t r) const { return ErrorString ? ErrorString(r) : "Unknown Error"; }
};

// Helpers that return "" / "N/A" style defaults on error.
std::string DeviceName(const Nvml& n, nvmlDevice_t d);
std::string DeviceUuid(const Nvml& n, nvmlDevice_t d);

// Every GI profile of `d` (info + index), in nvidia-smi's display order
// (memory, then slices, then profile index).
struct ProfileRow {
  unsigned index;
  nvmlGpuInstanceProfileInfo_v2_t info;
};
std::vector<ProfileRow> GiProfiles(const Nvml& n, nvmlDevice_t d);

}  // namespace smi

#endif  // NVML_MOCK_SMI_NVML_H_

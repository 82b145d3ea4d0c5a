// api_props.cc: per-device properties: memory, BAR1, architecture, brand,
// compute capability, NUMA node, modes, supported events, and the cheap
// nvidia-smi -q facts (VBIOS, temperature, power, utilization, clocks,
// running processes = none). Optional topology values that are absent
// read as NVML_ERROR_NOT_SUPPORTED.
#include <cstring>
#include <optional>

#include "mock_api.h"

using namespace nvml_mock;

#define RESOLVE(dev, allowMig)                                             \
  DeviceRef ref;                                                          \
  if (nvmlReturn_t r_ = ResolveDevice(dev, allowMig, &ref); r_ != NVML_SUCCESS) \
    return r_;

namespace {

constexpr unsigned long long kMiB = 1024ULL * 1024ULL;

template <typename T, typename V>
nvmlReturn_t Put(T* out, V value) {
  if (out == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *out = static_cast<T>(value);
  return NVML_SUCCESS;
}

template <typename T>
nvmlReturn_t PutOpt(T* out, const std::optional<unsigned>& v) {
  if (!v) return NVML_ERROR_NOT_SUPPORTED;
  return Put(out, *v);
}

nvmlReturn_t NoProcesses(nvmlDevice_t device, unsigned* count) {
  RESOLVE(device, true);
  return Put(count, 0u);
}

}  // namespace

MOCK_API nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (ref.mig) {
      memory->total = ref.giProfile->memoryMB * kMiB;
      memory->used = 0;
    } else {
      memory->total = ref.gpu->memTotal;
      memory->used = ref.gpu->memReserved + ref.gpu->memUsed;
    }
    memory->free = memory->total - memory->used;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (ref.mig) {
      memory->total = ref.giProfile->memoryMB * kMiB;
      memory->reserved = 0;
      memory->used = 0;
    } else {
      memory->total = ref.gpu->memTotal;
      memory->reserved = ref.gpu->memReserved;
      memory->used = ref.gpu->memUsed;
    }
    memory->free = memory->total - memory->reserved - memory->used;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t device, nvmlBAR1Memory_t* bar1) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (bar1 == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (ref.gpu->bar1Total == 0) return NVML_ERROR_NOT_SUPPORTED;
    bar1->bar1Total = ref.gpu->bar1Total;
    bar1->bar1Used = ref.gpu->bar1Used;
    bar1->bar1Free = ref.gpu->bar1Total - ref.gpu->bar1Used;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t* arch) {
  return Guarded(__func__, [&] { RESOLVE(device, true); return Put(arch, ref.gpu->architecture); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t* brand) {
  return Guarded(__func__, [&] { RESOLVE(device, true); return Put(brand, ref.gpu->brand); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int* major, int* minor) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (major == nullptr || minor == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *major = ref.gpu->ccMajor;
    *minor = ref.gpu->ccMinor;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetNumaNodeId(nvmlDevice_t device, unsigned int* node) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return PutOpt(node, ref.gpu->numaNode); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetComputeMode(nvmlDevice_t device, nvmlComputeMode_t* mode) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(mode, ref.gpu->computeMode); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t* mode) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(mode, ref.gpu->persistenceMode); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetVirtualizationMode(nvmlDevice_t device,
                                                      nvmlGpuVirtualizationMode_t* mode) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(mode, ref.gpu->virtualizationMode); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetAddressingMode(nvmlDevice_t device, nvmlDeviceAddressingMode_t* mode) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (mode == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (mode->version != nvmlDeviceAddressingMode_v1) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    mode->value = ref.gpu->addressingMode;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long* types) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(types, ref.gpu->supportedEventTypes); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t device, char* version, unsigned int length) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (ref.gpu->vbiosVersion.empty()) return NVML_ERROR_NOT_SUPPORTED;
    return CopyOut(ref.gpu->vbiosVersion, version, length);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetBoardPartNumber(nvmlDevice_t device, char* part, unsigned int length) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (ref.gpu->boardPartNumber.empty()) return NVML_ERROR_NOT_SUPPORTED;
    return CopyOut(ref.gpu->boardPartNumber, part, length);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensor,
                                               unsigned int* temp) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (sensor != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
    return PutOpt(temp, ref.gpu->temperatureC);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* mw) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return PutOpt(mw, ref.gpu->powerUsageMw); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* mw) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return PutOpt(mw, ref.gpu->powerLimitMw); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int* mw) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return PutOpt(mw, ref.gpu->powerLimitMw); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* util) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (util == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->utilGpu && !ref.gpu->utilMemory) return NVML_ERROR_NOT_SUPPORTED;
    util->gpu = ref.gpu->utilGpu.value_or(0);
    util->memory = ref.gpu->utilMemory.value_or(0);
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* mhz) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    switch (type) {
      case NVML_CLOCK_GRAPHICS: return PutOpt(mhz, ref.gpu->maxClockGraphics);
      case NVML_CLOCK_SM: return PutOpt(mhz, ref.gpu->maxClockSm);
      case NVML_CLOCK_MEM: return PutOpt(mhz, ref.gpu->maxClockMem);
      default: return NVML_ERROR_NOT_SUPPORTED;
    }
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                              nvmlProcessInfo_t* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int* count,
                                                              void* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int* count,
                                                           void* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                               nvmlProcessInfo_t* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t device, unsigned int* count,
                                                               void* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t device, unsigned int* count,
                                                            void* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                                 nvmlProcessInfo_t* infos) {
  return Guarded(__func__, [&] { return NoProcesses(device, count); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, unsigned int* pstate) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(pstate, 0u); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                             unsigned long long* reasons) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(reasons, 1ULL); /* idle */ });
}

// Not NVML: whether the topology lets this GPU be time-sliced (T4: no).
// nvml-mock-smi's `compute-policy` uses it; drivers never see it.
MOCK_API nvmlReturn_t nvmlMockDeviceGetTimeSliceSupported(nvmlDevice_t device, unsigned int* supported) {
  return Guarded(__func__, [&] { RESOLVE(device, false); return Put(supported, ref.gpu->timeSliceSupported ? 1u : 0u); });
}

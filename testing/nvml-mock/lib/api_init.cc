// api_init.cc: NVML init/shutdown, error strings and system queries, plus
// the mock's own nvmlMockLastError().
#include <cstring>

#include "mock_api.h"

using namespace nvml_mock;

namespace {

nvmlReturn_t DoInit(const char* fn, unsigned flags) noexcept {
  try {
    std::string faults;
    if (const char* f = std::getenv("NVML_MOCK_FAULTS")) faults = f;
    else if (const char* r = std::getenv("NVML_MOCK_ROOT")) faults = std::string(r) + "/var/lib/nvml-mock/faults.json";
    Faults().Configure(faults);
    if (nvmlReturn_t injected = Faults().BeforeCall(fn); injected != NVML_SUCCESS) return injected;
    std::lock_guard<std::mutex> lock(Mu());
    return InitLocked(flags);
  } catch (const std::exception& e) {
    ReportError(std::string("nvmlInit: ") + e.what());
    return NVML_ERROR_UNKNOWN;
  } catch (...) {
    return NVML_ERROR_UNKNOWN;
  }
}

}  // namespace

MOCK_API nvmlReturn_t nvmlInit_v2(void) { return DoInit(__func__, 0); }
MOCK_API nvmlReturn_t nvmlInit(void) { return DoInit(__func__, 0); }
MOCK_API nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { return DoInit(__func__, flags); }

MOCK_API nvmlReturn_t nvmlShutdown(void) {
  try {
    if (nvmlReturn_t injected = Faults().BeforeCall(__func__); injected != NVML_SUCCESS) return injected;
    std::lock_guard<std::mutex> lock(Mu());
    return ShutdownLocked();
  } catch (...) {
    return NVML_ERROR_UNKNOWN;
  }
}

MOCK_API const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_ALREADY_INITIALIZED: return "Already Initialized";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_INSUFFICIENT_POWER: return "Insufficient External Power";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_IRQ_ISSUE: return "Interrupt request issue";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_CORRUPTED_INFOROM: return "Corrupted infoROM";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_RESET_REQUIRED: return "GPU requires restart";
    case NVML_ERROR_OPERATING_SYSTEM: return "The operating system has blocked the request.";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
    case NVML_ERROR_IN_USE: return "In use by another client";
    case NVML_ERROR_MEMORY: return "Insufficient Memory";
    case NVML_ERROR_NO_DATA: return "No data";
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
      return "The requested vgpu operation is not available on target device, because ECC is enabled";
    case NVML_ERROR_INSUFFICIENT_RESOURCES: return "Insufficient Resources";
    case NVML_ERROR_FREQ_NOT_SUPPORTED: return "Frequency not supported";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
    case NVML_ERROR_DEPRECATED: return "Deprecated";
    case NVML_ERROR_NOT_READY: return "Not Ready";
    case NVML_ERROR_GPU_NOT_FOUND: return "GPU not found";
    case NVML_ERROR_INVALID_STATE: return "Invalid state";
    case NVML_ERROR_RESET_TYPE_NOT_SUPPORTED: return "Reset type not supported";
    case NVML_ERROR_UNKNOWN: return "Unknown Error";
  }
  return "Unknown Error";
}

// The mock's last configuration error (topology or state file), "" if
// none. Not part of NVML; the pointer stays valid until the next error.
MOCK_API const char* nvmlMockLastError(void) {
  static thread_local std::string copy;
  try {
    std::lock_guard<std::mutex> lock(Mu());
    copy = LastError();
  } catch (...) {
    copy.clear();
  }
  return copy.c_str();
}

MOCK_API nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  return Guarded(__func__, [&] { return CopyOut(Ctx().topo.driverVersion, version, length); });
}

MOCK_API nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length) {
  return Guarded(__func__, [&] { return CopyOut(Ctx().topo.nvmlVersion, version, length); });
}

MOCK_API nvmlReturn_t nvmlSystemGetCudaDriverVersion(int* version) {
  return Guarded(__func__, [&] {
    if (version == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *version = Ctx().topo.cudaDriverVersion;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* version) {
  return Guarded(__func__, [&] {
    if (version == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *version = Ctx().topo.cudaDriverVersion;
    return NVML_SUCCESS;
  });
}

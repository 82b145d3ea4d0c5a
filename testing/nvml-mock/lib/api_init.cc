// api_init.cc: NVML init/shutdown, error strings and system queries, plus
// the mock's own nvmlMockLastError().
#include <cstring>

#include "mock_api.h"
#include "src/nvml/error_strings.h"

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

MOCK_API const char* nvmlErrorString(nvmlReturn_t result) { return DraNvmlErrorString(result); }

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

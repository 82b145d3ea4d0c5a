// dl_library.h: DlLibrary, the real nvml::Library. It dlopen()s an NVML
// library (the driver's libnvidia-ml.so.1, or testing/nvml-mock's) and calls
// its exported, versioned symbols (nvmlInit_v2, nvmlDeviceGetCount_v2,
// nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetPciInfo_v3, ...; older names
// as fallbacks where the signature is the same).
//
// Loading fails when the file cannot be dlopen()ed or lacks nvmlInit_v2.
// Every other symbol is optional: a call whose symbol is missing returns the
// NVML_ERROR_FUNCTION_NOT_FOUND status (see errors.h).
//
// Used by the plugin binaries and gpu-inventory (through LoadFromDriverRoot)
// and by integration tests against the NVML mock.
//
// Thread safety: thread-safe. Symbols are resolved once at load and never
// change; NVML itself is thread-safe. The library is dlclose()d when the
// object is destroyed (RTLD_NODELETE keeps it mapped): no handle from it may
// be used after that.
#ifndef DRA_NVML_DL_LIBRARY_H_
#define DRA_NVML_DL_LIBRARY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nvml/library.h"

namespace nvml {

// Loads the NVML library at `path` (dlopen RTLD_NOW | RTLD_LOCAL |
// RTLD_NODELETE: the destructor's dlclose never unmaps NVML's code).
// Errors: InvalidArgument when dlopen fails (the message carries the path and
// dlerror()), NotFound when the file is a library without nvmlInit_v2.
// Does not call Init(). The caller owns the result.
absl::StatusOr<std::unique_ptr<Library>> LoadLibrary(const std::string& path);

// FindNvmlLibrary(driver_root) (loader.h) followed by LoadLibrary. NotFound
// naming every searched path when the library is absent.
absl::StatusOr<std::unique_ptr<Library>> LoadFromDriverRoot(
    const std::string& driver_root);

}  // namespace nvml

#endif  // DRA_NVML_DL_LIBRARY_H_

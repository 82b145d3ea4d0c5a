// mock_api.h: the export macro and the call guard shared by every api_*.cc
// file of the NVML mock (libnvidia-ml.so.1).
//
// Every hand-written NVML function is defined as
//   MOCK_API nvmlReturn_t nvmlFoo(...) { return Guarded(__func__, [&] {...}); }
// gen_stubs.py looks for "MOCK_API <type> <name>(" to know which of the
// symbols in nvml_symbols.txt are modeled and stubs the rest.
//
// Guarded() applies injected faults (fail / sleep), takes the global mutex,
// checks that NVML is initialised and turns any C++ exception into
// NVML_ERROR_UNKNOWN, so nothing escapes the C ABI.
//
// Thread safety: Guarded serialises bodies on the global context mutex.
#ifndef NVML_MOCK_MOCK_API_H_
#define NVML_MOCK_MOCK_API_H_

#include <mutex>
#include <vector>

#include "context.h"
#include "faults.h"
#include "src/nvml/nvml_abi.h"

#define MOCK_API extern "C" __attribute__((visibility("default")))

namespace nvml_mock {

// Runs `body` (returning nvmlReturn_t) under the context mutex, after the
// fault hooks for function `fn`. Returns UNINITIALIZED before nvmlInit.
template <typename F>
nvmlReturn_t Guarded(const char* fn, F&& body) noexcept {
  try {
    nvmlReturn_t injected = Faults().BeforeCall(fn);
    if (injected != NVML_SUCCESS) return injected;
    std::lock_guard<std::mutex> lock(Mu());
    if (Ctx().refcount == 0) return NVML_ERROR_UNINITIALIZED;
    return body();
  } catch (...) {
    return NVML_ERROR_UNKNOWN;
  }
}

// The NVML two-call convention for placement lists (GI and CI alike):
// with `out` null, report the count; with too small a `*count`, report the
// count and INSUFFICIENT_SIZE; otherwise fill {start, size} for each start.
template <typename Placement>
nvmlReturn_t CopyPlacements(const std::vector<unsigned>& starts, unsigned size,
                            Placement* out, unsigned* count) {
  unsigned n = static_cast<unsigned>(starts.size());
  if (out == nullptr) {
    *count = n;
    return NVML_SUCCESS;
  }
  if (*count < n) {
    *count = n;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (unsigned i = 0; i < n; ++i) out[i] = {starts[i], size};
  *count = n;
  return NVML_SUCCESS;
}

}  // namespace nvml_mock

#endif  // NVML_MOCK_MOCK_API_H_

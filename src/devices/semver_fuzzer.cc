// Fuzz target: ToSemver never crashes, and whatever it accepts is a strict
// semantic version that it maps to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "devices/semver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto v = devices::ToSemver(in);
  if (!v.ok()) return 0;
  auto again = devices::ToSemver(*v);
  if (!again.ok() || *again != *v) std::abort();
  return 0;
}

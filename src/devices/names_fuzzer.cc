// Fuzz target: MIG device names built from any profile string are either
// valid DNS labels that parse back to their parts, or rejected by
// IsDnsLabel; ParseMigDeviceName never crashes on arbitrary input.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "devices/names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  (void)devices::ParseMigDeviceName(in);
  if (devices::MigProfileNamePart(in).empty()) return 0;  // no real profile is empty
  std::string name = devices::MigDeviceName(3, in, 19, 5);
  if (!devices::IsDnsLabel(name)) return 0;
  auto parsed = devices::ParseMigDeviceName(name);
  if (!parsed || parsed->parent_minor != 3 || parsed->gi_profile_id != 19 ||
      parsed->placement_start != 5 || parsed->profile_part != devices::MigProfileNamePart(in)) {
    std::abort();
  }
  return 0;
}

// Fuzz target: the ELF64 dynamic-section reader never crashes, hangs or
// reads out of bounds on arbitrary bytes.
#include <cstdint>
#include <string_view>

#include "cdi/elf_needed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cdi::ParseElfDynamic(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

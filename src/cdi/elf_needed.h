// elf_needed.h: a small, bounds-checked reader of the dynamic section of
// ELF64 little-endian shared objects: the DT_SONAME and the DT_NEEDED names.
//
// CDI discovery (driver_root.cc) uses it to pull in the libraries a driver
// library needs that live beside it in the driver root (the NVML mock's
// libyaml-cpp.so.0.7) and to build soname links. Input is untrusted: every
// offset and size is checked against the file, tables are capped.
// Stateless; thread-safe.
#ifndef DRA_CDI_ELF_NEEDED_H_
#define DRA_CDI_ELF_NEEDED_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cdi {

struct ElfDynamicInfo {
  std::string soname;                // empty when there is no DT_SONAME
  std::vector<std::string> needed;   // DT_NEEDED in file order
  bool operator==(const ElfDynamicInfo&) const = default;
};

// Reads `size` bytes at `offset` into *out; false when the range is not
// entirely inside the file or the read fails.
using ElfReadAt = std::function<bool(uint64_t offset, size_t size, std::string* out)>;

// Parses through `read_at`. Errors: InvalidArgument for a file that is not
// ELF or is malformed (truncated tables, offsets outside the file, an
// unterminated string), Unimplemented for ELF32 or big-endian files. A file
// without PT_DYNAMIC (static executable) gives an empty result.
absl::StatusOr<ElfDynamicInfo> ParseElfDynamic(const ElfReadAt& read_at);

// Same over an in-memory image (fuzz target, tests).
absl::StatusOr<ElfDynamicInfo> ParseElfDynamic(std::string_view image);

// Same over a file, read with pread (only the headers and tables).
// NotFound when the file does not exist; errors name the path.
absl::StatusOr<ElfDynamicInfo> ReadElfDynamic(const std::string& path);

}  // namespace cdi

#endif  // DRA_CDI_ELF_NEEDED_H_

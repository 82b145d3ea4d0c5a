// Fuzz target: the startup reconciliation recognises claim spec files by
// name (ClaimUidOfSpecFileName, IsClaimSpecTempFileName) in a directory
// other software writes to. For any input:
//  - a name taken as a claim spec names a non-empty UID without '/', and
//    ClaimSpecPath of that UID gives back exactly that name;
//  - no name is both a claim spec and a temp file of one;
//  - any non-empty UID without '/' round-trips through ClaimSpecPath.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "cdi/names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> uid = cdi::ClaimUidOfSpecFileName(in);
  if (uid) {
    if (uid->empty() || uid->find('/') != std::string::npos) std::abort();
    if (cdi::ClaimSpecPath("/var/run/cdi", *uid) != "/var/run/cdi/" + in) std::abort();
    if (cdi::IsClaimSpecTempFileName(in)) std::abort();
  }
  if (!in.empty() && in.find('/') == std::string::npos) {
    std::string path = cdi::ClaimSpecPath("/r", in);
    std::optional<std::string> back = cdi::ClaimUidOfSpecFileName(path.substr(3));
    if (!back || *back != in) std::abort();
  }
  return 0;
}

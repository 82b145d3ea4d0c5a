// checkpoint_decode_fuzzer: libFuzzer target for the checkpoint decoder
// (outside input: checkpoint.json may be written by other versions or be
// corrupt). Checks that decoding never crashes, that what was decoded
// re-encodes into a file that verifies with the same claim UIDs, and that
// encoding is then stable (a second round trip changes nothing).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "state/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = state::DecodeLenient(in);
  (void)state::Decode(in);
  if (!r.ok()) return 0;
  auto once = state::Decode(state::Encode(r->checkpoint));
  if (!once.ok() || once->claims.size() != r->checkpoint.claims.size()) std::abort();
  for (const auto& [uid, claim] : r->checkpoint.claims) {
    if (once->claims.count(uid) != 1 || once->claims.at(uid).state != claim.state) std::abort();
  }
  auto twice = state::Decode(state::Encode(*once));
  if (!twice.ok() || !(*twice == *once)) std::abort();
  return 0;
}

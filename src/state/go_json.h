// go_json.h: renders JSON exactly as Go's encoding/json.Marshal would for
// the same tree, and the kubelet checkpoint checksum over such bytes.
//
// Byte-exactness matters because checkpoint checksums are computed over the
// marshalled bytes: objects keep their member order (ordered_json), output
// is compact, strings are HTML-safe escaped like Go (\u003c \u003e \u0026,
// U+2028/2029 escaped, invalid UTF-8 -> \ufffd), floats use Go's shortest
// 'f' form for 1e-6 <= |x| < 1e21 and 'e' form otherwise.
//
// The checksum is the kubelet's: FNV-1a 32-bit over the text that Go's spew
// "%#v" prints for the byte slice, "([]uint8)[b0 b1 ...]" with decimal bytes,
// widened to uint64.
//
// Used by state/checkpoint. Pure functions; thread-safe.
#ifndef DRA_STATE_GO_JSON_H_
#define DRA_STATE_GO_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace state {

// Compact Go-style marshalling of `j`. Discarded/binary values render as
// null. Recursion depth equals the nesting of `j`; callers parsing outside
// input bound it (see checkpoint.cc).
std::string GoJsonMarshal(const nlohmann::ordered_json& j);

// FNV-1a 32 of "([]uint8)[" + decimal bytes joined by ' ' + "]".
uint64_t KubeletChecksum(std::string_view bytes);

}  // namespace state

#endif  // DRA_STATE_GO_JSON_H_

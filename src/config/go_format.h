// go_format.h: the few Go formatting rules our error texts must reproduce
// byte for byte: strconv.Quote (used by %q and by strict-decoding errors)
// and encoding/json string escaping (used by Encode).
//
// Used by config/ (decode, selection). Pure functions; thread-safe.
#ifndef DRA_CONFIG_GO_FORMAT_H_
#define DRA_CONFIG_GO_FORMAT_H_

#include <string>
#include <string_view>

namespace config {

// Returns `s` quoted like Go's strconv.Quote / fmt's %q: double quotes,
// backslash escapes for `"` and `\`, \a \b \f \n \r \t \v, \xNN for other
// ASCII control bytes and for bytes that are not valid UTF-8, and
// \u2028-style escapes for the Unicode line/paragraph separators. Other
// valid UTF-8 sequences are copied as is (Go treats most of them as
// printable; the rare non-printable ones are not special-cased).
std::string GoQuote(std::string_view s);

// Returns `s` as a JSON string literal the way Go's encoding/json writes it
// (HTML-safe: <, > and & become \u003c, \u003e, \u0026; U+2028 and U+2029
// are escaped; invalid UTF-8 becomes \ufffd).
std::string GoJsonString(std::string_view s);

}  // namespace config

#endif  // DRA_CONFIG_GO_FORMAT_H_

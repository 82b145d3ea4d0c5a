#include "state/go_json.h"

#include <charconv>
#include <cmath>
#include <string>

#include "config/go_format.h"

namespace state {
namespace {

void AppendFloat(double v, std::string& out) {
  if (!std::isfinite(v)) {  // Go refuses these; never produced by a parser.
    out += "null";
    return;
  }
  char buf[64];
  double a = std::fabs(v);
  bool sci = a != 0 && (a < 1e-6 || a >= 1e21);
  auto res = std::to_chars(buf, buf + sizeof(buf), v,
                           sci ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, res.ptr);
  if (sci) {
    // Go cleans a negative two-digit exponent: e-07 becomes e-7.
    auto e = s.find("e-0");
    if (e != std::string::npos && e + 4 == s.size()) s.erase(e + 2, 1);
  }
  out += s;
}

// Go's string encoding; the common all-plain-ASCII case is copied as is.
void AppendString(const std::string& str, std::string& out) {
  for (unsigned char c : str) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
      out += config::GoJsonString(str);
      return;
    }
  }
  out += '"';
  out += str;
  out += '"';
}

void Marshal(const nlohmann::ordered_json& j, std::string& out) {
  using V = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case V::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendString(it.key(), out);
        out += ':';
        Marshal(it.value(), out);
      }
      out += '}';
      return;
    }
    case V::array: {
      out += '[';
      bool first = true;
      for (const auto& e : j) {
        if (!first) out += ',';
        first = false;
        Marshal(e, out);
      }
      out += ']';
      return;
    }
    case V::string:
      AppendString(j.get_ref<const std::string&>(), out);
      return;
    case V::boolean:
      out += j.get<bool>() ? "true" : "false";
      return;
    case V::number_integer:
      out += std::to_string(j.get<int64_t>());
      return;
    case V::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      return;
    case V::number_float:
      AppendFloat(j.get<double>(), out);
      return;
    case V::null:
    case V::binary:
    case V::discarded:
      out += "null";
      return;
  }
}

void HashByte(uint32_t& h, unsigned char c) {
  h ^= c;
  h *= 16777619u;
}

}  // namespace

std::string GoJsonMarshal(const nlohmann::ordered_json& j) {
  std::string out;
  Marshal(j, out);
  return out;
}

uint64_t KubeletChecksum(std::string_view bytes) {
  // FNV-1a over "([]uint8)[b0 b1 ...]" with each byte in decimal: the
  // digits of every byte value come from a table.
  struct Digits {
    char text[3];
    uint8_t len;
  };
  static const auto* const kDigits = [] {
    auto* t = new Digits[256];
    for (unsigned v = 0; v < 256; ++v) {
      auto res = std::to_chars(t[v].text, t[v].text + 3, v);
      t[v].len = static_cast<uint8_t>(res.ptr - t[v].text);
    }
    return t;
  }();
  uint32_t h = 2166136261u;
  for (char c : std::string_view("([]uint8)[")) HashByte(h, static_cast<unsigned char>(c));
  bool first = true;
  for (unsigned char b : bytes) {
    if (!first) HashByte(h, ' ');
    first = false;
    const Digits& d = kDigits[b];
    for (uint8_t i = 0; i < d.len; ++i) HashByte(h, static_cast<unsigned char>(d.text[i]));
  }
  HashByte(h, ']');
  return h;
}

}  // namespace state

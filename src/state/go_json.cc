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

void Marshal(const nlohmann::ordered_json& j, std::string& out) {
  using V = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case V::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        out += config::GoJsonString(it.key());
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
      out += config::GoJsonString(j.get_ref<const std::string&>());
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
  uint32_t h = 2166136261u;
  for (char c : std::string_view("([]uint8)[")) HashByte(h, static_cast<unsigned char>(c));
  bool first = true;
  char digits[4];
  for (unsigned char b : bytes) {
    if (!first) HashByte(h, ' ');
    first = false;
    auto res = std::to_chars(digits, digits + sizeof(digits), static_cast<unsigned>(b));
    for (char* p = digits; p != res.ptr; ++p) HashByte(h, static_cast<unsigned char>(*p));
  }
  HashByte(h, ']');
  return h;
}

}  // namespace state

// yaml_util.cc: see yaml_util.h.
#include "yaml_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace nvml_mock {

int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

void Fail(const YAML::Node& at, const std::string& message) {
  throw TopoError{LineOf(at), message};
}

YAML::Node Child(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& cmap = map;
  YAML::Node v = cmap[key];
  if (!v.IsDefined() || v.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  return v;
}

YAML::Node RequireChild(const YAML::Node& map, const std::string& key,
                        const std::string& what) {
  YAML::Node v = Child(map, key);
  if (!v.IsDefined()) Fail(map, what + ": missing required key '" + key + "'");
  return v;
}

YAML::Node Layered::Get(const std::string& key) const {
  YAML::Node v = Child(primary_, key);
  if (v.IsDefined()) return v;
  return Child(fallback_, key);
}

YAML::Node Layered::Require(const std::string& key) const {
  YAML::Node v = Get(key);
  if (!v.IsDefined()) Fail(primary_, what_ + ": missing required key '" + key + "'");
  return v;
}

YAML::Node Layered::GetSub(const std::string& key, const std::string& sub) const {
  YAML::Node v = Child(Child(primary_, key), sub);
  if (v.IsDefined()) return v;
  return Child(Child(fallback_, key), sub);
}

void RequireMap(const YAML::Node& n, const std::string& what) {
  if (!n.IsMap()) Fail(n, what + ": expected a mapping");
}

void RequireSeq(const YAML::Node& n, const std::string& what) {
  if (!n.IsSequence()) Fail(n, what + ": expected a sequence");
}

std::string ReadString(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, what + ": expected a string");
  return n.Scalar();
}

unsigned long long ReadU64(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, what + ": expected an unsigned integer");
  const std::string& s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || s[0] == '-' || errno != 0 || end == nullptr || *end != '\0') {
    Fail(n, what + ": expected an unsigned integer, got '" + s + "'");
  }
  return v;
}

unsigned ReadU32(const YAML::Node& n, const std::string& what) {
  unsigned long long v = ReadU64(n, what);
  if (v > 0xffffffffULL) Fail(n, what + ": value out of range");
  return static_cast<unsigned>(v);
}

bool ReadBool(const YAML::Node& n, const std::string& what) {
  std::string s = ReadString(n, what);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  Fail(n, what + ": expected a boolean, got '" + n.Scalar() + "'");
}

unsigned ReadEnum(const YAML::Node& n, const std::string& what,
                  const std::map<std::string, unsigned>& names) {
  std::string s = ReadString(n, what);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto it = names.find(lower);
  if (it != names.end()) return it->second;
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    unsigned v = ReadU32(n, what);
    for (const auto& [name, value] : names) {
      if (value == v) return v;
    }
  }
  std::string known;
  for (const auto& [name, value] : names) known += (known.empty() ? "" : ", ") + name;
  Fail(n, what + ": unknown value '" + s + "' (known: " + known + ")");
}

}  // namespace nvml_mock

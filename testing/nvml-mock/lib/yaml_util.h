// yaml_util.h: strict scalar readers over yaml-cpp nodes for the topology
// loader. Every failure throws TopoError carrying the 1-based line of the
// offending node, so the loader can report "<file>:<line>: <what>".
//
// Used only by topology.cc and topology_mig.cc. Thread safety: stateless.
#ifndef NVML_MOCK_YAML_UTIL_H_
#define NVML_MOCK_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

namespace nvml_mock {

struct TopoError {
  int line = 0;  // 1-based; 0 = unknown
  std::string message;
};

int LineOf(const YAML::Node& n);
[[noreturn]] void Fail(const YAML::Node& at, const std::string& message);

// A mapping read with an optional fallback mapping (a GPU entry over its
// shared model): Get() returns the first defined value.
class Layered {
 public:
  Layered(YAML::Node primary, YAML::Node fallback, std::string what)
      : primary_(primary), fallback_(fallback), what_(std::move(what)) {}
  YAML::Node Get(const std::string& key) const;
  YAML::Node Require(const std::string& key) const;
  // `key.sub`, looked up in the primary's `key` map, then the fallback's:
  // maps like pci: are merged key by key.
  YAML::Node GetSub(const std::string& key, const std::string& sub) const;
  const YAML::Node& primary() const { return primary_; }
  const std::string& what() const { return what_; }

 private:
  YAML::Node primary_, fallback_;
  std::string what_;
};

YAML::Node Child(const YAML::Node& map, const std::string& key);
YAML::Node RequireChild(const YAML::Node& map, const std::string& key,
                        const std::string& what);
void RequireMap(const YAML::Node& n, const std::string& what);
void RequireSeq(const YAML::Node& n, const std::string& what);

std::string ReadString(const YAML::Node& n, const std::string& what);
unsigned long long ReadU64(const YAML::Node& n, const std::string& what);
unsigned ReadU32(const YAML::Node& n, const std::string& what);
bool ReadBool(const YAML::Node& n, const std::string& what);
// A name from `names` (case-insensitive) or one of its numeric values.
unsigned ReadEnum(const YAML::Node& n, const std::string& what,
                  const std::map<std::string, unsigned>& names);

}  // namespace nvml_mock

#endif  // NVML_MOCK_YAML_UTIL_H_

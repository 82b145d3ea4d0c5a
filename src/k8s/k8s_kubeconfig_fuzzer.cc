// k8s_kubeconfig_fuzzer.cc: parses arbitrary bytes as a kubeconfig (YAML),
// with the default context and with a named one. It must never crash or
// throw; errors must carry a message; a success must name a server.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "k8s/config.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void Parse(std::string_view yaml, const std::string& context) {
  absl::StatusOr<k8s::RestConfig> c = k8s::ParseKubeconfig(yaml, "/nonexistent-base", context);
  if (!c.ok()) {
    Check(!c.status().message().empty());
    return;
  }
  Check(!c->server.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  Parse(yaml, "");
  Parse(yaml, "robot");
  return 0;
}

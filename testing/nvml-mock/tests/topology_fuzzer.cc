// topology_fuzzer.cc: libFuzzer target for what the NVML mock reads from
// files it does not control: the trailer footer of its own library file
// and the topology YAML (embedded or on disk). Input: arbitrary bytes; if
// they end in a valid footer the announced payload is parsed, otherwise
// the whole input is parsed as a topology.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "embedded_topology.h"
#include "mig_state.h"
#include "topology.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string yaml(in);
  if (size >= nvml_mock::kFooterSize) {
    if (auto len = nvml_mock::ParseFooter(in.substr(size - nvml_mock::kFooterSize), size)) {
      if (*len > size - nvml_mock::kFooterSize) __builtin_trap();
      yaml = std::string(in.substr(size - nvml_mock::kFooterSize - *len, *len));
    }
  }
  nvml_mock::Topology topo;
  std::string error;
  if (nvml_mock::ParseTopology(yaml, "fuzz", &topo, &error) && error.empty()) {
    nvml_mock::MigState state;
    (void)nvml_mock::InitialState(topo, &state, &error);
  }
  return 0;
}

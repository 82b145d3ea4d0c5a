// topology_internal.h: pieces of the topology loader shared between
// topology.cc (node, GPU identity) and topology_mig.cc (MIG profiles,
// pre-created instances, fabric). Internal to the mock library.
//
// Thread safety: stateless functions.
#ifndef NVML_MOCK_TOPOLOGY_INTERNAL_H_
#define NVML_MOCK_TOPOLOGY_INTERNAL_H_

#include "topology.h"
#include "yaml_util.h"

namespace nvml_mock {

// Reads the `mig:` block (and the `migMode` override) into `gpu`.
void ParseMig(const Layered& node, GpuSpec* gpu);
// Reads the `fabric:` block into `gpu->fabric`.
void ParseFabric(const Layered& node, GpuSpec* gpu);
// Reads the top-level `migInstances:` list.
void ParsePrecreated(const YAML::Node& list, Topology* topo);
// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (optionally prefixed).
bool ParseUuidBytes(const std::string& s, std::array<unsigned char, 16>* out);

}  // namespace nvml_mock

#endif  // NVML_MOCK_TOPOLOGY_INTERNAL_H_

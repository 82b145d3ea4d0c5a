// embedded_topology.h: a topology carried inside the mock library file
// itself, so that a container which only receives libnvidia-ml.so.<ver> by
// CDI (no yaml beside it, no NVML_MOCK_TOPOLOGY) still finds its node.
//
// Layout of the file: the ELF library, then the YAML bytes, then a fixed
// footer of kFooterSize bytes:
//   "NVML_MOCK_TOPOLOGY_V1 " + 10 decimal digits (YAML length) + "\n"
// Bytes after an ELF's last section are ignored by the dynamic loader.
//
// Used by init.cc (reads its own file via dladdr) and nvml-mock-ctl
// (`embed-topology`, called by make-driver-root), and the fuzz target.
// Thread safety: stateless functions; no exceptions.
#ifndef NVML_MOCK_EMBEDDED_TOPOLOGY_H_
#define NVML_MOCK_EMBEDDED_TOPOLOGY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nvml_mock {

inline constexpr std::string_view kTrailerMagic = "NVML_MOCK_TOPOLOGY_V1 ";
inline constexpr size_t kFooterSize = kTrailerMagic.size() + 10 + 1;
// Larger payloads are rejected as corrupt.
inline constexpr uint64_t kMaxEmbeddedYaml = 16u << 20;

// The footer for a YAML payload of `yamlSize` bytes (<= kMaxEmbeddedYaml).
std::string MakeFooter(uint64_t yamlSize);

// The payload length announced by `footer` (the last kFooterSize bytes of a
// file of `fileSize` bytes), or nullopt when it is not a valid footer or
// the payload would not fit in the file.
std::optional<uint64_t> ParseFooter(std::string_view footer, uint64_t fileSize);

// Reads the YAML embedded in `file`. False when the file has no (valid)
// trailer or cannot be read.
bool ReadEmbeddedTopology(const std::string& file, std::string* yaml);

// Appends `yaml` with its footer to `file`, first dropping a trailer the
// file already has. False with `error` on I/O failure or oversize YAML.
bool EmbedTopology(const std::string& file, const std::string& yaml,
                   std::string* error);

}  // namespace nvml_mock

#endif  // NVML_MOCK_EMBEDDED_TOPOLOGY_H_

// topology.h: the in-memory model of an NVML mock topology (one node: its
// driver versions and GPUs) and the YAML loader that builds it.
//
// Used by the mock library (context.cc loads it at nvmlInit) and by its
// tests. The schema is documented in testing/nvml-mock/README.md.
//
// Thread safety: LoadTopology is reentrant; a Topology is a plain value.
#ifndef NVML_MOCK_TOPOLOGY_H_
#define NVML_MOCK_TOPOLOGY_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nvml_mock {

struct CiProfile {
  unsigned index = 0;  // NVML_COMPUTE_INSTANCE_PROFILE_* index
  unsigned id = 0;
  std::string name;    // e.g. "MIG 1c.3g.20gb"
  unsigned slices = 1;
  unsigned instances = 1;
  unsigned sms = 0;
  unsigned copyEngines = 0, decoders = 0, encoders = 0, jpegs = 0, ofas = 0;
  std::vector<unsigned> starts;  // possible placements (start; size=slices)
};

struct GiProfile {
  unsigned index = 0;  // NVML_GPU_INSTANCE_PROFILE_* index
  unsigned id = 0;     // profile id (info.id)
  std::string name;    // e.g. "MIG 1g.10gb"
  unsigned slices = 1;
  unsigned instances = 1;
  unsigned sms = 0;
  unsigned copyEngines = 0, decoders = 0, encoders = 0, jpegs = 0, ofas = 0;
  unsigned long long memoryMB = 0;
  bool p2p = false;
  unsigned capabilities = 0;
  std::vector<unsigned> starts;  // placements in memory slices
  unsigned placementSize = 1;
  std::vector<CiProfile> ciProfiles;
};

struct FabricSpec {
  bool present = false;
  std::array<unsigned char, 16> clusterUuid{};
  unsigned cliqueId = 0;
  unsigned state = 0;   // NVML_GPU_FABRIC_STATE_*
  unsigned status = 0;  // nvmlReturn_t
  unsigned healthMask = 0;
  unsigned healthSummary = 0;
};

struct GpuSpec {
  std::string name, uuid, serial;
  unsigned index = 0, minor = 0;
  std::string busId;  // canonical "%08X:%02X:%02X.0"
  unsigned domain = 0, bus = 0, device = 0;
  unsigned pciDeviceId = 0, pciSubsystemId = 0;
  unsigned long long memTotal = 0, memReserved = 0, memUsed = 0;
  unsigned long long bar1Total = 0, bar1Used = 0;
  unsigned brand = 0, architecture = 0;
  int ccMajor = 0, ccMinor = 0;
  std::optional<unsigned> numaNode;
  unsigned persistenceMode = 1, computeMode = 0, virtualizationMode = 0;
  unsigned addressingMode = 0;
  unsigned long long supportedEventTypes = 0;
  bool timeSliceSupported = true;
  bool migCapable = false;
  unsigned migMode = 0;        // initial mode
  unsigned maxMigDevices = 7;  // reported while MIG is enabled
  unsigned memorySlices = 8;
  std::vector<GiProfile> giProfiles;
  FabricSpec fabric;
  std::string vbiosVersion, boardPartNumber;
  std::optional<unsigned> temperatureC, powerUsageMw, powerLimitMw;
  std::optional<unsigned> utilGpu, utilMemory;
  std::optional<unsigned> maxClockGraphics, maxClockSm, maxClockMem;
};

// A GPU instance present when the state is first created.
struct PrecreatedGi {
  unsigned gpuIndex = 0;  // GpuSpec::index
  unsigned profileId = 0;
  std::optional<unsigned> start;     // first free placement if absent
  std::vector<unsigned> ciProfileIds;  // empty: one full-size CI
  int line = 0;                        // for error messages
};

struct Topology {
  std::string path;
  std::string driverVersion, nvmlVersion;
  int cudaDriverVersion = 0;
  std::map<std::string, unsigned> deviceMajors;  // /proc/devices names
  unsigned imexChannels = 0;
  std::vector<GpuSpec> gpus;
  std::vector<PrecreatedGi> precreated;
};

// Loads and validates `path`. On error returns false and sets `error` to
// "<path>:<line>: <what>" (line 1-based; omitted when unknown).
bool LoadTopology(const std::string& path, Topology* out, std::string* error);

// Same, from text (path used in messages only).
bool ParseTopology(const std::string& text, const std::string& path,
                   Topology* out, std::string* error);

const GiProfile* FindGiProfileById(const GpuSpec& gpu, unsigned id);
const CiProfile* FindCiProfileById(const GiProfile& gi, unsigned id);

}  // namespace nvml_mock

#endif  // NVML_MOCK_TOPOLOGY_H_

// mig_state.h: the mutable MIG state of a mock node (MIG mode per GPU, GPU
// instances with their placement, compute instances) and the pure
// operations on it that implement the hardware's placement rules.
//
// Used by the state store (persistence, JSON), the api_mig*.cc functions
// and the tests. Thread safety: plain values and pure functions; callers
// serialise access (context mutex + the state file lock).
#ifndef NVML_MOCK_MIG_STATE_H_
#define NVML_MOCK_MIG_STATE_H_

#include <map>
#include <string>
#include <vector>

#include "src/nvml/nvml_abi.h"
#include "topology.h"

namespace nvml_mock {

struct CiState {
  unsigned id = 0, profileId = 0, start = 0, size = 0;
};

struct GiState {
  unsigned id = 0, profileId = 0, start = 0, size = 0;
  std::vector<CiState> cis;  // sorted by id
};

struct GpuState {
  unsigned migMode = 0;
  std::vector<GiState> gis;  // sorted by id
};

struct MigState {
  std::map<std::string, GpuState> gpus;  // by GPU UUID
};

// A MIG device (= one compute instance), in enumeration order.
struct MigDeviceRef {
  const GiState* gi;
  const CiState* ci;
};

std::string StateToJson(const MigState& s);
bool StateFromJson(const std::string& text, MigState* out, std::string* error);

// The state of `gpu` (its topology defaults when the state has no entry).
GpuState GpuStateOf(const MigState& s, const GpuSpec& gpu);
GpuState& MutableGpuState(MigState* s, const GpuSpec& gpu);

// Creates a GI. `start` null = first free placement. NOT_SUPPORTED when MIG
// is disabled, INVALID_ARGUMENT for an unknown profile or placement,
// INSUFFICIENT_RESOURCES when it does not fit.
nvmlReturn_t CreateGi(GpuState* st, const GpuSpec& gpu, unsigned profileId,
                      const unsigned* start, unsigned* newId);
// Destroys a GI: NOT_FOUND if absent, IN_USE while it has CIs.
nvmlReturn_t DestroyGi(GpuState* st, unsigned giId);
unsigned RemainingGi(const GpuState& st, const GpuSpec& gpu, const GiProfile& p);

nvmlReturn_t CreateCi(GiState* gi, const GiProfile& giProfile,
                      unsigned ciProfileId, const unsigned* start,
                      unsigned* newId);
nvmlReturn_t DestroyCi(GiState* gi, unsigned ciId);
unsigned RemainingCi(const GiState& gi, const GiProfile& giProfile,
                     const CiProfile& p);

const GiState* FindGi(const GpuState& st, unsigned id);
GiState* FindGi(GpuState* st, unsigned id);
const CiState* FindCi(const GiState& gi, unsigned id);

// MIG devices of a GPU, ordered by (GI id, CI id).
std::vector<MigDeviceRef> MigDevices(const GpuState& st);

// The initial state: topology defaults plus its pre-created instances.
bool InitialState(const Topology& topo, MigState* out, std::string* error);

}  // namespace nvml_mock

#endif  // NVML_MOCK_MIG_STATE_H_

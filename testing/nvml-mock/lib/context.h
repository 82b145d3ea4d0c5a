// context.h: the process-wide state of the NVML mock: init refcount, the
// loaded topology, the GPUs this process can see, the MIG state store, the
// handle registry, and the helpers every api_*.cc uses to turn an opaque
// NVML handle back into a GPU / MIG device / GPU instance / compute
// instance with NVML's error rules.
//
// Thread safety: everything here is guarded by Mu(); Guarded() (mock_api.h)
// takes it for each call. Handles are never freed, so a handle stays a
// valid pointer for the life of the process (NVML may reuse handles too).
#ifndef NVML_MOCK_CONTEXT_H_
#define NVML_MOCK_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mig_state.h"
#include "src/nvml/nvml_abi.h"
#include "state_store.h"
#include "topology.h"

namespace nvml_mock {

enum class Kind : uint32_t { kGpu = 1, kMig = 2, kGi = 3, kCi = 4 };

struct Handle {
  uint32_t magic;
  Kind kind;
  int pos;      // position of the GPU in Topology::gpus
  unsigned gi;  // GI id (kMig, kGi, kCi)
  unsigned ci;  // CI id (kMig, kCi)
};

struct Context {
  int refcount = 0;
  Topology topo;
  std::vector<int> visible;  // topology positions, by NVML index
  std::unique_ptr<StateStore> store;
  std::string root;          // NVML_MOCK_ROOT ("" = none)
  std::string storeKey;      // what `store` was built for
  bool ignoreDev = false;    // NVML_MOCK_IGNORE_DEV=1: no device-node checks
  std::string devDir = "/dev";  // NVML_MOCK_DEV_DIR
};

std::mutex& Mu();
Context& Ctx();

// The interned handle for these coordinates (stable address).
Handle* Intern(Kind kind, int pos, unsigned gi = 0, unsigned ci = 0);
// The handle behind `p`, or nullptr if `p` is not one of ours.
const Handle* Lookup(const void* p);

// nvmlInit*/nvmlShutdown bodies (caller holds Mu()).
nvmlReturn_t InitLocked(unsigned flags);
nvmlReturn_t ShutdownLocked();

// Records an error: kept for nvmlMockLastError(), printed to stderr once,
// appended to $NVML_MOCK_LOG when set.
void ReportError(const std::string& message);
std::string LastError();

// A device handle (GPU or MIG device) resolved against the current state.
struct DeviceRef {
  const Handle* h = nullptr;
  const GpuSpec* gpu = nullptr;
  bool mig = false;
  GpuState state;  // the parent GPU's MIG state (filled for MIG devices)
  const GiState* gi = nullptr;      // into `state` (MIG devices)
  const CiState* ci = nullptr;
  const GiProfile* giProfile = nullptr;
  const CiProfile* ciProfile = nullptr;
};

// Resolves a device handle. INVALID_ARGUMENT for null/unknown handles or a
// MIG handle when `allowMig` is false, GPU_IS_LOST for lost GPUs,
// NOT_FOUND/INVALID_ARGUMENT for a MIG device that no longer exists.
nvmlReturn_t ResolveDevice(nvmlDevice_t d, bool allowMig, DeviceRef* out);
// Same for GPU-instance and compute-instance handles.
nvmlReturn_t ResolveGi(nvmlGpuInstance_t g, DeviceRef* out);
nvmlReturn_t ResolveCi(nvmlComputeInstance_t c, DeviceRef* out);

// NVML index of topology position `pos`, or -1 if not visible.
int VisibleIndex(int pos);
nvmlReturn_t CheckGpuAlive(const GpuSpec& gpu);

// Whether this process may see MIG device (gi, ci) of `gpu`: like the real
// driver, only when both capability nodes nvidia-caps/nvidia-cap<minor> of
// the GI and the CI exist in the device dir (or device checks are off).
bool MigVisible(const GpuSpec& gpu, unsigned gi, unsigned ci);
// The MIG devices of `gpu` this process can see, by (GI id, CI id).
std::vector<MigDeviceRef> VisibleMigDevices(const GpuSpec& gpu, const GpuState& st);

// Current MIG state (re-read from the state file).
nvmlReturn_t ReadState(MigState* out);
// Applies a change to the MIG state (exclusive lock, atomic write, then
// capability files in the driver root).
nvmlReturn_t MutateState(const std::function<nvmlReturn_t(MigState&)>& fn);

// Copies `s` into an NVML string buffer (INSUFFICIENT_SIZE if too small).
nvmlReturn_t CopyOut(const std::string& s, char* buf, unsigned length);

// Stable MIG UUID of (parent UUID, GI id, CI id).
std::string MigUuid(const std::string& parentUuid, unsigned gi, unsigned ci);

}  // namespace nvml_mock

#endif  // NVML_MOCK_CONTEXT_H_

// caps_files.h: keeps the MIG capability files of a mock driver root in
// step with the MIG state, like the NVIDIA kernel module does:
//   <root>/proc/driver/nvidia/capabilities/gpu<minor>/mig/gi<G>/access
//   <root>/proc/driver/nvidia/capabilities/gpu<minor>/mig/gi<G>/ci<C>/access
// and the matching char nodes <root>/dev/nvidia-caps/nvidia-cap<N> (plain
// files when mknod is not permitted; the mock only checks that they exist). Minors follow the driver's mig-minors layout:
// 3 + 135*gpuMinor + 9*gi (+ 1 + ci for a compute instance).
//
// Used by context.cc after every state change (under the state file lock).
// Thread safety: callers serialise; errors are ignored (best effort).
#ifndef NVML_MOCK_CAPS_FILES_H_
#define NVML_MOCK_CAPS_FILES_H_

#include <string>

#include "mig_state.h"
#include "topology.h"

namespace nvml_mock {

unsigned GiCapMinor(unsigned gpuMinor, unsigned gi);
unsigned CiCapMinor(unsigned gpuMinor, unsigned gi, unsigned ci);

// Text of an access file, e.g. "DeviceFileMinor: 12\nDeviceFileMode: 292\n
// DeviceFileModify: 1\n".
std::string AccessFileText(unsigned minor, unsigned mode);

void SyncCapabilityFiles(const std::string& root, const Topology& topo,
                         const MigState& state);

}  // namespace nvml_mock

#endif  // NVML_MOCK_CAPS_FILES_H_

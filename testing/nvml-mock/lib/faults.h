// faults.h: the mock library's view of the fault-injection file: re-read
// whenever its contents change, it decides whether a call fails or sleeps,
// whether a GPU is lost, and which injected events exist.
//
// Used by mock_api.h (BeforeCall on every modeled function), context.cc
// (lost GPUs) and api_events.cc (events). Thread safety: internally
// synchronised; never takes the context mutex (lock order: context, then
// faults), and BeforeCall sleeps without holding any lock.
#ifndef NVML_MOCK_FAULTS_H_
#define NVML_MOCK_FAULTS_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "fault_file.h"
#include "src/nvml/nvml_abi.h"

namespace nvml_mock {

class FaultsRuntime {
 public:
  // Path of the control file; empty disables fault injection.
  void Configure(const std::string& path);
  // Fault hooks for one call of `fn`: sleeps if asked, returns the injected
  // error code or NVML_SUCCESS.
  nvmlReturn_t BeforeCall(const char* fn);
  // Faults of the GPU with this UUID / topology index.
  GpuFault GpuFaultFor(const std::string& uuid, unsigned index);
  // Injected events, in sequence order, and the highest sequence number.
  std::vector<FaultEvent> Events();
  uint64_t LastSeq();

 private:
  void ReloadLocked();

  std::mutex mu_;
  std::string path_;
  std::string text_;
  FaultFile file_;
  std::map<std::pair<std::string, uint64_t>, uint64_t> calls_;
};

FaultsRuntime& Faults();

// Whether the fault key `key` ("GPU-..." or an index) names this GPU.
bool FaultKeyMatches(const std::string& key, const std::string& uuid, unsigned index);

}  // namespace nvml_mock

#endif  // NVML_MOCK_FAULTS_H_

// fault_file.h: the fault-injection control file of the NVML mock (JSON):
// injected events (XIDs), per-GPU faults (lost, fallen off the bus,
// unhealthy) and per-function faults (fail with a code after N calls,
// sleep M ms). Format documented in testing/nvml-mock/README.md.
//
// Written by nvml-mock-ctl (UpdateFaultFile: exclusive flock, atomic
// replace); read by the mock library (faults.cc).
// Thread safety: stateless functions.
#ifndef NVML_MOCK_FAULT_FILE_H_
#define NVML_MOCK_FAULT_FILE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nvml_mock {

struct FaultEvent {
  uint64_t seq = 0;
  std::string gpu;     // "GPU-..." UUID or a decimal topology index
  uint64_t type = 8;   // nvmlEventTypeXidCriticalError
  uint64_t data = 0;   // the XID
  uint32_t gi = 0xFFFFFFFFu, ci = 0xFFFFFFFFu;
};

struct GpuFault {
  bool lost = false;
  bool offBus = false;
  bool unhealthy = false;
};

struct FunctionFault {
  uint64_t seq = 0;      // identifies the rule; call counting restarts with it
  int code = 0;          // nvmlReturn_t to return; 0 = do not fail
  uint64_t after = 0;    // calls that still succeed before failing
  unsigned sleepMs = 0;  // delay added to every call
};

struct FaultFile {
  uint64_t nextSeq = 1;
  std::vector<FaultEvent> events;
  std::map<std::string, GpuFault> gpus;
  std::map<std::string, FunctionFault> functions;
};

bool ParseFaultFile(const std::string& text, FaultFile* out, std::string* error);
std::string SerializeFaultFile(const FaultFile& f);

// Reads `path`; a missing file is an empty FaultFile.
bool ReadFaultFile(const std::string& path, FaultFile* out, std::string* error);

// Locked read-modify-write of `path`.
bool UpdateFaultFile(const std::string& path,
                     const std::function<void(FaultFile&)>& fn,
                     std::string* error);

}  // namespace nvml_mock

#endif  // NVML_MOCK_FAULT_FILE_H_

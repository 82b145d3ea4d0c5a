// faults.cc: see faults.h.
#include "faults.h"

#include <chrono>
#include <thread>

#include "file_util.h"

namespace nvml_mock {

FaultsRuntime& Faults() {
  static FaultsRuntime* f = new FaultsRuntime;  // never destroyed
  return *f;
}

bool FaultKeyMatches(const std::string& key, const std::string& uuid, unsigned index) {
  if (key.rfind("GPU-", 0) == 0) return key == uuid;
  return key == std::to_string(index);
}

void FaultsRuntime::Configure(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path != path_) {
    path_ = path;
    text_.clear();
    file_ = FaultFile{};
    calls_.clear();
  }
}

void FaultsRuntime::ReloadLocked() {
  if (path_.empty()) return;
  std::string text;
  bool missing = false;
  if (!ReadWholeFile(path_, &text, &missing)) text.clear();
  if (text == text_) return;
  FaultFile f;
  std::string error;
  if (!ParseFaultFile(text, &f, &error)) return;  // keep the last good one
  text_ = std::move(text);
  file_ = std::move(f);
}

nvmlReturn_t FaultsRuntime::BeforeCall(const char* fn) {
  unsigned sleepMs = 0;
  nvmlReturn_t result = NVML_SUCCESS;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (path_.empty()) return NVML_SUCCESS;
    ReloadLocked();
    auto it = file_.functions.find(fn);
    if (it == file_.functions.end()) return NVML_SUCCESS;
    const FunctionFault& rule = it->second;
    sleepMs = rule.sleepMs;
    uint64_t n = ++calls_[{fn, rule.seq}];
    if (rule.code != 0 && n > rule.after) result = static_cast<nvmlReturn_t>(rule.code);
  }
  if (sleepMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
  return result;
}

GpuFault FaultsRuntime::GpuFaultFor(const std::string& uuid, unsigned index) {
  std::lock_guard<std::mutex> lock(mu_);
  ReloadLocked();
  GpuFault out;
  for (const auto& [key, g] : file_.gpus) {
    if (!FaultKeyMatches(key, uuid, index)) continue;
    out.lost |= g.lost;
    out.offBus |= g.offBus;
    out.unhealthy |= g.unhealthy;
  }
  return out;
}

std::vector<FaultEvent> FaultsRuntime::Events() {
  std::lock_guard<std::mutex> lock(mu_);
  ReloadLocked();
  return file_.events;
}

uint64_t FaultsRuntime::LastSeq() {
  std::lock_guard<std::mutex> lock(mu_);
  ReloadLocked();
  uint64_t m = 0;
  for (const FaultEvent& e : file_.events) m = std::max(m, e.seq);
  return std::max(m, file_.nextSeq > 0 ? file_.nextSeq - 1 : 0);
}

}  // namespace nvml_mock

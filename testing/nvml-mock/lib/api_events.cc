// api_events.cc: event sets. Events come from the fault file (appended by
// nvml-mock-ctl, possibly from another process); a registration only sees
// events appended after it was made. nvmlEventSetWait* polls without
// holding the context mutex, and returns GPU_IS_LOST when a registered GPU
// is lost or off the bus.
#include <chrono>
#include <cstddef>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "mock_api.h"

using namespace nvml_mock;

namespace {

struct Registration {
  unsigned long long mask = 0;
  uint64_t cursor = 0;  // last event sequence number seen
};

struct EventSet {
  std::map<int, Registration> regs;  // by topology position
};

std::set<EventSet*>& LiveSets() {
  static auto* s = new std::set<EventSet*>;
  return *s;
}

EventSet* Find(nvmlEventSet_t set) {
  auto* p = reinterpret_cast<EventSet*>(set);
  return LiveSets().count(p) != 0 ? p : nullptr;
}

enum class Poll { kEvent, kNone, kLost, kInvalid, kUninitialized };

// One look at the fault file (caller holds Mu()).
Poll PollOnce(nvmlEventSet_t set, nvmlEventData_t* out) {
  if (Ctx().refcount == 0) return Poll::kUninitialized;
  EventSet* es = Find(set);
  if (es == nullptr) return Poll::kInvalid;
  const FaultEvent* best = nullptr;
  int bestPos = -1;
  std::vector<FaultEvent> events = Faults().Events();
  for (const FaultEvent& ev : events) {
    for (auto& [pos, reg] : es->regs) {
      const GpuSpec& g = Ctx().topo.gpus[static_cast<size_t>(pos)];
      if (ev.seq <= reg.cursor || (ev.type & reg.mask) == 0) continue;
      if (!FaultKeyMatches(ev.gpu, g.uuid, g.index)) continue;
      if (best == nullptr || ev.seq < best->seq) {
        best = &ev;
        bestPos = pos;
      }
    }
  }
  if (best != nullptr) {
    es->regs[bestPos].cursor = best->seq;
    out->device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, bestPos));
    out->eventType = best->type;
    out->eventData = best->data;
    out->gpuInstanceId = best->gi;
    out->computeInstanceId = best->ci;
    return Poll::kEvent;
  }
  for (const auto& [pos, reg] : es->regs) {
    if (CheckGpuAlive(Ctx().topo.gpus[static_cast<size_t>(pos)]) != NVML_SUCCESS) return Poll::kLost;
  }
  return Poll::kNone;
}

nvmlReturn_t Wait(const char* fn, nvmlEventSet_t set, nvmlEventData_t* data, unsigned timeoutMs,
                  bool v2) noexcept {
  try {
    if (nvmlReturn_t injected = Faults().BeforeCall(fn); injected != NVML_SUCCESS) return injected;
    if (data == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
      nvmlEventData_t ev{};
      Poll p;
      {
        std::lock_guard<std::mutex> lock(Mu());
        p = PollOnce(set, &ev);
      }
      switch (p) {
        case Poll::kEvent:
          std::memcpy(data, &ev, v2 ? sizeof ev : offsetof(nvmlEventData_t, gpuInstanceId));
          return NVML_SUCCESS;
        case Poll::kLost: return NVML_ERROR_GPU_IS_LOST;
        case Poll::kInvalid: return NVML_ERROR_INVALID_ARGUMENT;
        case Poll::kUninitialized: return NVML_ERROR_UNINITIALIZED;
        case Poll::kNone: break;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return NVML_ERROR_TIMEOUT;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          deadline - now, std::chrono::milliseconds(5)));
    }
  } catch (...) {
    return NVML_ERROR_UNKNOWN;
  }
}

}  // namespace

MOCK_API nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  return Guarded(__func__, [&] {
    if (set == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    auto* es = new EventSet;
    LiveSets().insert(es);
    *set = reinterpret_cast<nvmlEventSet_t>(es);
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types,
                                               nvmlEventSet_t set) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveDevice(device, false, &ref); r != NVML_SUCCESS) return r;
    EventSet* es = Find(set);
    if (es == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if ((types & ~ref.gpu->supportedEventTypes) != 0) return NVML_ERROR_NOT_SUPPORTED;
    auto [it, inserted] = es->regs.try_emplace(ref.h->pos);
    if (inserted) it->second.cursor = Faults().LastSeq();
    it->second.mask |= types;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms) {
  return Wait(__func__, set, data, timeoutms, true);
}

MOCK_API nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms) {
  return Wait(__func__, set, data, timeoutms, false);
}

MOCK_API nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  return Guarded(__func__, [&] {
    EventSet* es = Find(set);
    if (es == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    LiveSets().erase(es);
    delete es;
    return NVML_SUCCESS;
  });
}

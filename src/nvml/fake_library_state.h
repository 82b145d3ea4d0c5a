// fake_library_state.h: internal to FakeLibrary (fake_library*.cc): the
// mutable state of the fake NVML and the helpers that resolve and create
// handles. Not for use outside src/nvml.
//
// Thread safety: none of its own; FakeLibrary holds its mutex around every use.
#ifndef DRA_NVML_FAKE_LIBRARY_STATE_H_
#define DRA_NVML_FAKE_LIBRARY_STATE_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "nvml/errors.h"
#include "nvml/fake_library.h"
#include "util/status_macros.h"

namespace nvml {
namespace fake_internal {

// ---- Handle encoding ---------------------------------------------------------
// Handles are integers, never pointers: bits 28+ kind, 16..23 GPU index + 1,
// 8..15 GI id + 1, 0..7 CI id + 1 (0 = none). Event sets: kind + serial.
enum Kind : uintptr_t { kDevice = 1, kGi = 2, kCi = 3, kEventSet = 4 };
constexpr unsigned kNone = 0xFFFFFFFF;

inline uintptr_t Encode(Kind kind, unsigned gpu, unsigned gi = kNone,
                 unsigned ci = kNone) {
  return (static_cast<uintptr_t>(kind) << 28) |
         (static_cast<uintptr_t>(gpu + 1) << 16) |
         (static_cast<uintptr_t>(gi == kNone ? 0 : gi + 1) << 8) |
         static_cast<uintptr_t>(ci == kNone ? 0 : ci + 1);
}

struct Decoded {
  Kind kind;
  unsigned gpu;  // kNone when absent
  unsigned gi;
  unsigned ci;
};

template <typename H>
Decoded Decode(H handle) {
  uintptr_t v = reinterpret_cast<uintptr_t>(handle);
  auto field = [&](int shift) -> unsigned {
    unsigned f = static_cast<unsigned>((v >> shift) & 0xFF);
    return f == 0 ? kNone : f - 1;
  };
  return Decoded{static_cast<Kind>(v >> 28), field(16), field(8), field(0)};
}

template <typename H>
H ToHandle(uintptr_t v) {
  return reinterpret_cast<H>(v);
}

// CI profile index -> slices (0 = not modelled).
inline unsigned CiSlices(unsigned index) {
  switch (index) {
    case NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE: return 1;
    case NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE: return 2;
    case NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE: return 3;
    case NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE: return 4;
    case NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE: return 7;
    case NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE: return 8;
    case NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE: return 6;
    default: return 0;
  }
}

inline bool Overlaps(const nvmlGpuInstancePlacement_t& a,
              const nvmlGpuInstancePlacement_t& b) {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

// FNV-1a, for deterministic MIG UUIDs.
inline uint64_t Hash(const std::string& s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline std::string MigUuid(const std::string& gpu_uuid, unsigned gi, unsigned ci) {
  std::string key = absl::StrCat(gpu_uuid, "/", gi, "/", ci);
  uint64_t a = Hash(key, 1), b = Hash(key, 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "MIG-%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF),
                static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

inline absl::Status Err(nvmlReturn_t code, const char* symbol) {
  return NvmlError(code, symbol);
}

// ---- State -------------------------------------------------------------------
struct State {
  struct Ci {
    unsigned id = 0;
    unsigned profile_index = 0;
    unsigned slices = 0;
    unsigned start = 0;
    std::string uuid;
  };
  struct Gi {
    unsigned id = 0;
    unsigned profile_index = 0;
    nvmlGpuInstancePlacement_t placement{};
    std::map<unsigned, Ci> cis;
  };
  struct Gpu {
    FakeGpu spec;
    std::map<unsigned, Gi> gis;
  };
  struct EventSet {
    std::vector<std::pair<unsigned, unsigned long long>> registrations;
    std::deque<nvmlEventData_t> queue;
  };
  // A resolved device handle: a GPU, or a MIG device (gi and ci set).
  struct Dev {
    unsigned index = 0;
    Gpu* gpu = nullptr;
    Gi* gi = nullptr;
    Ci* ci = nullptr;
  };

  FakeConfig config;  // gpus moved into `gpus`
  std::vector<Gpu> gpus;
  std::set<std::string> missing;
  std::map<std::string, std::deque<nvmlReturn_t>> fail_next;
  std::map<std::string, nvmlReturn_t> fail_always;
  std::map<std::string, int> calls;
  int sessions = 0;
  std::map<unsigned, EventSet> event_sets;
  unsigned next_event_set = 1;

  // Bookkeeping and injected failures shared by every call.
  absl::Status Enter(const char* method, const char* symbol,
                     bool needs_session = true) {
    ++calls[method];
    auto next = fail_next.find(method);
    if (next != fail_next.end() && !next->second.empty()) {
      nvmlReturn_t code = next->second.front();
      next->second.pop_front();
      return Err(code, symbol);
    }
    auto always = fail_always.find(method);
    if (always != fail_always.end()) return Err(always->second, symbol);
    if (missing.count(symbol) > 0) {
      return Err(NVML_ERROR_FUNCTION_NOT_FOUND, symbol);
    }
    if (needs_session && sessions == 0) {
      return Err(NVML_ERROR_UNINITIALIZED, symbol);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Dev> AnyDevice(nvmlDevice_t h, const char* symbol) {
    Decoded d = Decode(h);
    if (d.kind != kDevice || d.gpu == kNone || d.gpu >= gpus.size()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    Dev dev{d.gpu, &gpus[d.gpu], nullptr, nullptr};
    if (d.gi == kNone && d.ci == kNone) return dev;
    auto gi = dev.gpu->gis.find(d.gi);
    if (gi == dev.gpu->gis.end()) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    auto ci = gi->second.cis.find(d.ci);
    if (ci == gi->second.cis.end()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    dev.gi = &gi->second;
    dev.ci = &ci->second;
    return dev;
  }

  // A full-GPU handle (not a MIG device).
  absl::StatusOr<Dev> GpuDevice(nvmlDevice_t h, const char* symbol) {
    DRA_ASSIGN_OR_RETURN(Dev dev, AnyDevice(h, symbol));
    if (dev.gi != nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    return dev;
  }

  absl::StatusOr<Dev> MigDevice(nvmlDevice_t h, const char* symbol) {
    DRA_ASSIGN_OR_RETURN(Dev dev, AnyDevice(h, symbol));
    if (dev.gi == nullptr) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    return dev;
  }

  // MIG-capable GPU (NOT_SUPPORTED otherwise).
  absl::StatusOr<Dev> MigGpu(nvmlDevice_t h, const char* symbol) {
    DRA_ASSIGN_OR_RETURN(Dev dev, GpuDevice(h, symbol));
    if (!dev.gpu->spec.mig_capable) return Err(NVML_ERROR_NOT_SUPPORTED, symbol);
    return dev;
  }

  absl::StatusOr<Dev> GiHandle(nvmlGpuInstance_t h, const char* symbol) {
    Decoded d = Decode(h);
    if (d.kind != kGi || d.gpu == kNone || d.gpu >= gpus.size()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    auto gi = gpus[d.gpu].gis.find(d.gi);
    if (gi == gpus[d.gpu].gis.end()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    return Dev{d.gpu, &gpus[d.gpu], &gi->second, nullptr};
  }

  absl::StatusOr<Dev> CiHandle(nvmlComputeInstance_t h, const char* symbol) {
    Decoded d = Decode(h);
    if (d.kind != kCi || d.gpu == kNone || d.gpu >= gpus.size()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    auto gi = gpus[d.gpu].gis.find(d.gi);
    if (gi == gpus[d.gpu].gis.end()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    auto ci = gi->second.cis.find(d.ci);
    if (ci == gi->second.cis.end()) {
      return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    }
    return Dev{d.gpu, &gpus[d.gpu], &gi->second, &ci->second};
  }

  static const FakeGpuInstanceProfile* ProfileByIndex(const Gpu& gpu,
                                                      unsigned index) {
    for (const auto& p : gpu.spec.profiles) {
      if (p.index == index) return &p;
    }
    return nullptr;
  }
  static const FakeGpuInstanceProfile* ProfileById(const Gpu& gpu,
                                                   unsigned id) {
    for (const auto& p : gpu.spec.profiles) {
      if (p.info.id == id) return &p;
    }
    return nullptr;
  }

  static unsigned CountOfProfile(const Gpu& gpu, unsigned profile_index) {
    unsigned n = 0;
    for (const auto& [id, gi] : gpu.gis) n += gi.profile_index == profile_index;
    return n;
  }

  static bool PlacementFree(const Gpu& gpu, const nvmlGpuInstancePlacement_t& p) {
    for (const auto& [id, gi] : gpu.gis) {
      if (Overlaps(gi.placement, p)) return false;
    }
    return true;
  }

  absl::StatusOr<nvmlGpuInstance_t> CreateGi(
      unsigned gpu_index, const FakeGpuInstanceProfile& profile,
      const nvmlGpuInstancePlacement_t& placement, const char* symbol) {
    Gpu& gpu = gpus[gpu_index];
    if (gpu.spec.mig_mode.current != NVML_DEVICE_MIG_ENABLE) {
      return Err(NVML_ERROR_INVALID_STATE, symbol);
    }
    bool possible = false;
    for (const auto& p : profile.placements) {
      possible |= p.start == placement.start && p.size == placement.size;
    }
    if (!possible) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    if (!PlacementFree(gpu, placement) ||
        CountOfProfile(gpu, profile.index) >= profile.info.instanceCount) {
      return Err(NVML_ERROR_INSUFFICIENT_RESOURCES, symbol);
    }
    unsigned id = 1;
    while (gpu.gis.count(id) > 0) ++id;
    Gi gi;
    gi.id = id;
    gi.profile_index = profile.index;
    gi.placement = placement;
    gpu.gis[id] = gi;
    return ToHandle<nvmlGpuInstance_t>(Encode(kGi, gpu_index, id));
  }

  // CI profile `index` of a GI of profile `gip` (nullopt: not supported).
  static std::optional<nvmlComputeInstanceProfileInfo_v2_t> CiProfile(
      const FakeGpuInstanceProfile& gip, unsigned index) {
    unsigned slices = CiSlices(index);
    unsigned gi_slices = gip.info.sliceCount;
    if (slices == 0 || gi_slices == 0 || slices > gi_slices) return std::nullopt;
    nvmlComputeInstanceProfileInfo_v2_t info{};
    info.version = nvmlComputeInstanceProfileInfo_v2;
    info.id = index;
    info.sliceCount = slices;
    info.instanceCount = gi_slices / slices;
    info.multiprocessorCount = gip.info.multiprocessorCount * slices / gi_slices;
    info.sharedCopyEngineCount = gip.info.copyEngineCount;
    info.sharedDecoderCount = gip.info.decoderCount;
    info.sharedEncoderCount = gip.info.encoderCount;
    info.sharedJpegCount = gip.info.jpegCount;
    info.sharedOfaCount = gip.info.ofaCount;
    std::string name = slices == gi_slices
                           ? std::string(gip.info.name)
                           : absl::StrCat(slices, "c.", gip.info.name);
    std::snprintf(info.name, sizeof info.name, "%s", name.c_str());
    return info;
  }

  absl::StatusOr<nvmlComputeInstance_t> CreateCi(unsigned gpu_index, Gi& gi,
                                                 unsigned profile_id,
                                                 const char* symbol) {
    Gpu& gpu = gpus[gpu_index];
    const FakeGpuInstanceProfile* gip = ProfileByIndex(gpu, gi.profile_index);
    std::optional<nvmlComputeInstanceProfileInfo_v2_t> cip;
    if (gip != nullptr) cip = CiProfile(*gip, profile_id);
    if (!cip.has_value()) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
    unsigned used = 0;
    for (const auto& [id, ci] : gi.cis) used += ci.slices;
    if (used + cip->sliceCount > gip->info.sliceCount) {
      return Err(NVML_ERROR_INSUFFICIENT_RESOURCES, symbol);
    }
    unsigned id = 0;
    while (gi.cis.count(id) > 0) ++id;
    Ci ci;
    ci.id = id;
    ci.profile_index = profile_id;
    ci.slices = cip->sliceCount;
    ci.start = used;
    ci.uuid = MigUuid(gpu.spec.uuid, gi.id, id);
    gi.cis[id] = ci;
    return ToHandle<nvmlComputeInstance_t>(Encode(kCi, gpu_index, gi.id, id));
  }

  // MIG devices of a GPU in NVML index order (GI id, then CI id).
  std::vector<nvmlDevice_t> MigHandles(unsigned gpu_index) {
    std::vector<nvmlDevice_t> out;
    for (const auto& [gid, gi] : gpus[gpu_index].gis) {
      for (const auto& [cid, ci] : gi.cis) {
        out.push_back(ToHandle<nvmlDevice_t>(Encode(kDevice, gpu_index, gid, cid)));
      }
    }
    return out;
  }
};

}  // namespace fake_internal

// FakeLibrary::State is the internal state above.
struct FakeLibrary::State : fake_internal::State {};

}  // namespace nvml

#endif  // DRA_NVML_FAKE_LIBRARY_STATE_H_

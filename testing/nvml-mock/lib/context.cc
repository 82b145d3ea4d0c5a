// context.cc: handle registry, error reporting and handle resolution; see
// context.h. nvmlInit's work is in init.cc.
#include "context.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "caps_files.h"
#include "faults.h"

namespace nvml_mock {
namespace {

constexpr uint32_t kMagic = 0x4e564d4bu;  // "NVMK"

struct Registry {
  std::map<std::tuple<Kind, int, unsigned, unsigned>, Handle*> byKey;
  std::unordered_set<const void*> known;
  std::string lastError;
  std::set<std::string> printed;
};

Registry& Reg() {
  static Registry* r = new Registry;  // never destroyed: handles outlive us
  return *r;
}

uint64_t Fnv1a(const std::string& s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

std::mutex& Mu() {
  static std::mutex* m = new std::mutex;
  return *m;
}

Context& Ctx() {
  static Context* c = new Context;
  return *c;
}

Handle* Intern(Kind kind, int pos, unsigned gi, unsigned ci) {
  Registry& r = Reg();
  auto key = std::make_tuple(kind, pos, gi, ci);
  auto it = r.byKey.find(key);
  if (it != r.byKey.end()) return it->second;
  Handle* h = new Handle{kMagic, kind, pos, gi, ci};
  r.byKey[key] = h;
  r.known.insert(h);
  return h;
}

const Handle* Lookup(const void* p) {
  if (p == nullptr || Reg().known.count(p) == 0) return nullptr;
  return static_cast<const Handle*>(p);
}

void ReportError(const std::string& message) {
  Registry& r = Reg();
  r.lastError = message;
  if (r.printed.insert(message).second) {
    std::fprintf(stderr, "nvml-mock: %s\n", message.c_str());
  }
  if (const char* log = std::getenv("NVML_MOCK_LOG"); log != nullptr && *log != '\0') {
    if (FILE* f = std::fopen(log, "a")) {
      std::fprintf(f, "nvml-mock: %s\n", message.c_str());
      std::fclose(f);
    }
  }
}

std::string LastError() { return Reg().lastError; }

int VisibleIndex(int pos) {
  const auto& v = Ctx().visible;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == pos) return static_cast<int>(i);
  }
  return -1;
}

nvmlReturn_t CheckGpuAlive(const GpuSpec& gpu) {
  GpuFault f = Faults().GpuFaultFor(gpu.uuid, gpu.index);
  return (f.lost || f.offBus) ? NVML_ERROR_GPU_IS_LOST : NVML_SUCCESS;
}

bool MigVisible(const GpuSpec& gpu, unsigned gi, unsigned ci) {
  const Context& c = Ctx();
  if (c.ignoreDev) return true;
  std::string caps = c.devDir + "/nvidia-caps/nvidia-cap";
  struct stat st;
  return ::stat((caps + std::to_string(GiCapMinor(gpu.minor, gi))).c_str(), &st) == 0 &&
         ::stat((caps + std::to_string(CiCapMinor(gpu.minor, gi, ci))).c_str(), &st) == 0;
}

std::vector<MigDeviceRef> VisibleMigDevices(const GpuSpec& gpu, const GpuState& st) {
  std::vector<MigDeviceRef> out;
  for (const MigDeviceRef& m : MigDevices(st)) {
    if (MigVisible(gpu, m.gi->id, m.ci->id)) out.push_back(m);
  }
  return out;
}

nvmlReturn_t ReadState(MigState* out) {
  std::string error;
  if (!Ctx().store->Read(out, &error)) {
    ReportError(error);
    return NVML_ERROR_UNKNOWN;
  }
  return NVML_SUCCESS;
}

nvmlReturn_t MutateState(const std::function<nvmlReturn_t(MigState&)>& fn) {
  Context& c = Ctx();
  std::string error;
  nvmlReturn_t r = c.store->Mutate(
      fn, [&](const MigState& s) { SyncCapabilityFiles(c.root, c.topo, s); }, &error);
  if (!error.empty()) ReportError(error);
  return r;
}

namespace {

nvmlReturn_t ResolveHandle(const void* p, Kind want1, Kind want2, DeviceRef* out) {
  const Handle* h = Lookup(p);
  if (h == nullptr || (h->kind != want1 && h->kind != want2)) return NVML_ERROR_INVALID_ARGUMENT;
  Context& c = Ctx();
  if (h->pos < 0 || static_cast<size_t>(h->pos) >= c.topo.gpus.size() || VisibleIndex(h->pos) < 0) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  out->h = h;
  out->gpu = &c.topo.gpus[static_cast<size_t>(h->pos)];
  out->mig = h->kind != Kind::kGpu;
  if (nvmlReturn_t r = CheckGpuAlive(*out->gpu); r != NVML_SUCCESS) return r;
  if (h->kind == Kind::kGpu) return NVML_SUCCESS;
  MigState s;
  if (nvmlReturn_t r = ReadState(&s); r != NVML_SUCCESS) return r;
  out->state = GpuStateOf(s, *out->gpu);
  if (out->state.migMode != 1) return NVML_ERROR_INVALID_ARGUMENT;
  out->gi = FindGi(out->state, h->gi);
  if (out->gi == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  out->giProfile = FindGiProfileById(*out->gpu, out->gi->profileId);
  if (h->kind == Kind::kGi) return out->giProfile ? NVML_SUCCESS : NVML_ERROR_UNKNOWN;
  out->ci = FindCi(*out->gi, h->ci);
  if (out->ci == nullptr || out->giProfile == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  out->ciProfile = FindCiProfileById(*out->giProfile, out->ci->profileId);
  if (h->kind == Kind::kMig && !MigVisible(*out->gpu, h->gi, h->ci)) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return out->ciProfile ? NVML_SUCCESS : NVML_ERROR_UNKNOWN;
}

}  // namespace

nvmlReturn_t ResolveDevice(nvmlDevice_t d, bool allowMig, DeviceRef* out) {
  const Handle* h = Lookup(d);
  if (!allowMig && h != nullptr && h->kind == Kind::kMig) {
    nvmlReturn_t r = ResolveHandle(d, Kind::kMig, Kind::kMig, out);
    return r == NVML_SUCCESS ? NVML_ERROR_NOT_SUPPORTED : r;
  }
  return ResolveHandle(d, Kind::kGpu, allowMig ? Kind::kMig : Kind::kGpu, out);
}

nvmlReturn_t ResolveGi(nvmlGpuInstance_t g, DeviceRef* out) {
  return ResolveHandle(g, Kind::kGi, Kind::kGi, out);
}

nvmlReturn_t ResolveCi(nvmlComputeInstance_t c, DeviceRef* out) {
  return ResolveHandle(c, Kind::kCi, Kind::kCi, out);
}

nvmlReturn_t CopyOut(const std::string& s, char* buf, unsigned length) {
  if (buf == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (length < s.size() + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  return NVML_SUCCESS;
}

std::string MigUuid(const std::string& parentUuid, unsigned gi, unsigned ci) {
  std::string key = parentUuid + "/gi" + std::to_string(gi) + "/ci" + std::to_string(ci);
  uint64_t a = Fnv1a(key, 0x6d6967), b = Fnv1a(key, 0x757569642d32);
  a = (a & ~0xF000ULL) | 0x5000ULL;                                 // version 5
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;          // RFC 4122 variant
  char buf[64];
  std::snprintf(buf, sizeof buf, "MIG-%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                static_cast<unsigned>(a & 0xFFFF), static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace nvml_mock

// api_mig_gi.cc: MIG mode and GPU instances: profile info (by index and by
// id), possible placements, remaining capacity, create (first free or at a
// placement), list, look up, info and destroy. State changes go through
// MutateState (file lock + atomic write + capability files).
#include <cstring>

#include "mock_api.h"

using namespace nvml_mock;

#define RESOLVE(dev, allowMig)                                             \
  DeviceRef ref;                                                          \
  if (nvmlReturn_t r_ = ResolveDevice(dev, allowMig, &ref); r_ != NVML_SUCCESS) \
    return r_;

namespace {

// Profile indexes at or above this are rejected with INVALID_ARGUMENT by
// driver 580 (the fixture: 17..19 are "Invalid Argument").
constexpr unsigned kGiProfileIndexLimit = 17;

nvmlReturn_t ProfileByIndex(const GpuSpec& gpu, unsigned index, const GiProfile** out) {
  if (index >= kGiProfileIndexLimit) return NVML_ERROR_INVALID_ARGUMENT;
  if (!gpu.migCapable) return NVML_ERROR_NOT_SUPPORTED;
  for (const GiProfile& p : gpu.giProfiles) {
    if (p.index == index) {
      *out = &p;
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_SUPPORTED;
}

nvmlReturn_t FillInfoV(const GiProfile& p, nvmlGpuInstanceProfileInfo_v2_t* info) {
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (info->version == nvmlGpuInstanceProfileInfo_v2) {
    nvmlGpuInstanceProfileInfo_v2_t v{};
    v.version = info->version;
    v.id = p.id;
    v.isP2pSupported = p.p2p ? 1 : 0;
    v.sliceCount = p.slices;
    v.instanceCount = p.instances;
    v.multiprocessorCount = p.sms;
    v.copyEngineCount = p.copyEngines;
    v.decoderCount = p.decoders;
    v.encoderCount = p.encoders;
    v.jpegCount = p.jpegs;
    v.ofaCount = p.ofas;
    v.memorySizeMB = p.memoryMB;
    std::snprintf(v.name, sizeof v.name, "%s", p.name.c_str());
    *info = v;
    return NVML_SUCCESS;
  }
  if (info->version == nvmlGpuInstanceProfileInfo_v3) {
    auto* out = reinterpret_cast<nvmlGpuInstanceProfileInfo_v3_t*>(info);
    nvmlGpuInstanceProfileInfo_v3_t v{};
    v.version = info->version;
    v.id = p.id;
    v.sliceCount = p.slices;
    v.instanceCount = p.instances;
    v.multiprocessorCount = p.sms;
    v.copyEngineCount = p.copyEngines;
    v.decoderCount = p.decoders;
    v.encoderCount = p.encoders;
    v.jpegCount = p.jpegs;
    v.ofaCount = p.ofas;
    v.memorySizeMB = p.memoryMB;
    std::snprintf(v.name, sizeof v.name, "%s", p.name.c_str());
    v.capabilities = p.capabilities;
    *out = v;
    return NVML_SUCCESS;
  }
  return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
}

nvmlReturn_t Placements(nvmlDevice_t device, unsigned profileId,
                        nvmlGpuInstancePlacement_t* placements, unsigned* count) {
  RESOLVE(device, false);
  if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
  const GiProfile* p = FindGiProfileById(*ref.gpu, profileId);
  if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  return CopyPlacements(p->starts, p->placementSize, placements, count);
}

nvmlReturn_t Create(nvmlDevice_t device, unsigned profileId,
                    const nvmlGpuInstancePlacement_t* placement, nvmlGpuInstance_t* gi) {
  RESOLVE(device, false);
  if (gi == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
  const GiProfile* p = FindGiProfileById(*ref.gpu, profileId);
  if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (placement != nullptr && placement->size != p->placementSize) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned id = 0;
  const GpuSpec& gpu = *ref.gpu;
  nvmlReturn_t r = MutateState([&](MigState& s) {
    return CreateGi(&MutableGpuState(&s, gpu), gpu, profileId,
                    placement ? &placement->start : nullptr, &id);
  });
  if (r == NVML_SUCCESS) *gi = reinterpret_cast<nvmlGpuInstance_t>(Intern(Kind::kGi, ref.h->pos, id));
  return r;
}

nvmlReturn_t CurrentState(const DeviceRef& ref, GpuState* out) {
  MigState s;
  if (nvmlReturn_t r = ReadState(&s); r != NVML_SUCCESS) return r;
  *out = GpuStateOf(s, *ref.gpu);
  return NVML_SUCCESS;
}

}  // namespace

MOCK_API nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int* current, unsigned int* pending) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (current == nullptr || pending == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    GpuState gs;
    if (nvmlReturn_t r = CurrentState(ref, &gs); r != NVML_SUCCESS) return r;
    *current = *pending = gs.migMode;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceSetMigMode(nvmlDevice_t device, unsigned int mode, nvmlReturn_t* activation) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (activation == nullptr || mode > 1) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    const GpuSpec& gpu = *ref.gpu;
    nvmlReturn_t r = MutateState([&](MigState& s) {
      GpuState& gs = MutableGpuState(&s, gpu);
      if (mode == 0 && !gs.gis.empty()) return NVML_ERROR_IN_USE;
      gs.migMode = mode;
      return NVML_SUCCESS;
    });
    *activation = r;
    return r;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(nvmlDevice_t device, unsigned int profile,
                                                          nvmlGpuInstanceProfileInfo_t* info) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const GiProfile* p = nullptr;
    if (nvmlReturn_t r = ProfileByIndex(*ref.gpu, profile, &p); r != NVML_SUCCESS) return r;
    *info = {p->id, p->p2p ? 1u : 0u, p->slices, p->instances, p->sms, p->copyEngines,
             p->decoders, p->encoders, p->jpegs, p->ofas, p->memoryMB};
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device, unsigned int profile,
                                                           nvmlGpuInstanceProfileInfo_v2_t* info) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    const GiProfile* p = nullptr;
    if (nvmlReturn_t r = ProfileByIndex(*ref.gpu, profile, &p); r != NVML_SUCCESS) return r;
    return FillInfoV(*p, info);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoByIdV(nvmlDevice_t device, unsigned int profileId,
                                                               nvmlGpuInstanceProfileInfo_v2_t* info) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    const GiProfile* p = FindGiProfileById(*ref.gpu, profileId);
    if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    return FillInfoV(*p, info);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements_v2(
    nvmlDevice_t device, unsigned int profileId, nvmlGpuInstancePlacement_t* placements, unsigned int* count) {
  return Guarded(__func__, [&] { return Placements(device, profileId, placements, count); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements(
    nvmlDevice_t device, unsigned int profileId, nvmlGpuInstancePlacement_t* placements, unsigned int* count) {
  return Guarded(__func__, [&] { return Placements(device, profileId, placements, count); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceRemainingCapacity(nvmlDevice_t device, unsigned int profileId,
                                                                unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    const GiProfile* p = FindGiProfileById(*ref.gpu, profileId);
    if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    GpuState gs;
    if (nvmlReturn_t r = CurrentState(ref, &gs); r != NVML_SUCCESS) return r;
    *count = RemainingGi(gs, *ref.gpu, *p);
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceCreateGpuInstance(nvmlDevice_t device, unsigned int profileId,
                                                  nvmlGpuInstance_t* gi) {
  return Guarded(__func__, [&] { return Create(device, profileId, nullptr, gi); });
}

MOCK_API nvmlReturn_t nvmlDeviceCreateGpuInstanceWithPlacement(nvmlDevice_t device, unsigned int profileId,
                                                               const nvmlGpuInstancePlacement_t* placement,
                                                               nvmlGpuInstance_t* gi) {
  return Guarded(__func__, [&] {
    if (placement == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    return Create(device, profileId, placement, gi);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstances(nvmlDevice_t device, unsigned int profileId,
                                                nvmlGpuInstance_t* gis, unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (gis == nullptr || count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    if (FindGiProfileById(*ref.gpu, profileId) == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    GpuState gs;
    if (nvmlReturn_t r = CurrentState(ref, &gs); r != NVML_SUCCESS) return r;
    if (gs.migMode != 1) return NVML_ERROR_NOT_SUPPORTED;
    unsigned n = 0;
    for (const GiState& gi : gs.gis) {
      if (gi.profileId == profileId) {
        gis[n++] = reinterpret_cast<nvmlGpuInstance_t>(Intern(Kind::kGi, ref.h->pos, gi.id));
      }
    }
    *count = n;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id, nvmlGpuInstance_t* gi) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (gi == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    GpuState gs;
    if (nvmlReturn_t r = CurrentState(ref, &gs); r != NVML_SUCCESS) return r;
    if (gs.migMode != 1) return NVML_ERROR_NOT_SUPPORTED;
    if (FindGi(gs, id) == nullptr) return NVML_ERROR_NOT_FOUND;
    *gi = reinterpret_cast<nvmlGpuInstance_t>(Intern(Kind::kGi, ref.h->pos, id));
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gi, nvmlGpuInstanceInfo_t* info) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveGi(gi, &ref); r != NVML_SUCCESS) return r;
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    info->device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, ref.h->pos));
    info->id = ref.gi->id;
    info->profileId = ref.gi->profileId;
    info->placement = {ref.gi->start, ref.gi->size};
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceDestroy(nvmlGpuInstance_t gi) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveGi(gi, &ref); r != NVML_SUCCESS) return r;
    const GpuSpec& gpu = *ref.gpu;
    unsigned id = ref.gi->id;
    return MutateState([&](MigState& s) { return DestroyGi(&MutableGpuState(&s, gpu), id); });
  });
}

// api_mig_ci.cc: compute instances inside a GPU instance: profile info,
// remaining capacity, possible placements, create (first free or at a
// placement), list, look up, info and destroy.
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "mock_api.h"

using namespace nvml_mock;

#define RESOLVE_GI(handle)                                                  \
  DeviceRef ref;                                                           \
  if (nvmlReturn_t r_ = ResolveGi(handle, &ref); r_ != NVML_SUCCESS) return r_;

namespace {

nvmlReturn_t CiByIndex(const GiProfile& gp, unsigned index, unsigned eng, const CiProfile** out) {
  if (index >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT) return NVML_ERROR_INVALID_ARGUMENT;
  if (eng != NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED) return NVML_ERROR_NOT_SUPPORTED;
  for (const CiProfile& p : gp.ciProfiles) {
    if (p.index == index) {
      *out = &p;
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_SUPPORTED;
}

template <typename T>
void FillCommon(const CiProfile& p, T* v) {
  v->id = p.id;
  v->sliceCount = p.slices;
  v->instanceCount = p.instances;
  v->multiprocessorCount = p.sms;
  v->sharedCopyEngineCount = p.copyEngines;
  v->sharedDecoderCount = p.decoders;
  v->sharedEncoderCount = p.encoders;
  v->sharedJpegCount = p.jpegs;
  v->sharedOfaCount = p.ofas;
}

nvmlReturn_t Create(nvmlGpuInstance_t gi, unsigned profileId,
                    const nvmlComputeInstancePlacement_t* placement, nvmlComputeInstance_t* ci) {
  RESOLVE_GI(gi);
  if (ci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const CiProfile* p = FindCiProfileById(*ref.giProfile, profileId);
  if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (placement != nullptr && placement->size != p->slices) return NVML_ERROR_INVALID_ARGUMENT;
  const GpuSpec& gpu = *ref.gpu;
  const GiProfile& gp = *ref.giProfile;
  unsigned giId = ref.gi->id, id = 0;
  nvmlReturn_t r = MutateState([&](MigState& s) {
    GiState* g = FindGi(&MutableGpuState(&s, gpu), giId);
    if (g == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    return CreateCi(g, gp, profileId, placement ? &placement->start : nullptr, &id);
  });
  if (r == NVML_SUCCESS) {
    *ci = reinterpret_cast<nvmlComputeInstance_t>(Intern(Kind::kCi, ref.h->pos, giId, id));
  }
  return r;
}

nvmlReturn_t Info(nvmlComputeInstance_t ci, nvmlComputeInstanceInfo_t* info, bool withPlacement) {
  DeviceRef ref;
  if (nvmlReturn_t r = ResolveCi(ci, &ref); r != NVML_SUCCESS) return r;
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlComputeInstanceInfo_t v{};
  v.device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, ref.h->pos));
  v.gpuInstance = reinterpret_cast<nvmlGpuInstance_t>(Intern(Kind::kGi, ref.h->pos, ref.gi->id));
  v.id = ref.ci->id;
  v.profileId = ref.ci->profileId;
  v.placement = {ref.ci->start, ref.ci->size};
  // The v1 struct ends before the placement.
  std::memcpy(info, &v, withPlacement ? sizeof v : offsetof(nvmlComputeInstanceInfo_t, placement));
  return NVML_SUCCESS;
}

}  // namespace

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(nvmlGpuInstance_t gi, unsigned int profile,
                                                                   unsigned int engProfile,
                                                                   nvmlComputeInstanceProfileInfo_t* info) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const CiProfile* p = nullptr;
    if (nvmlReturn_t r = CiByIndex(*ref.giProfile, profile, engProfile, &p); r != NVML_SUCCESS) return r;
    nvmlComputeInstanceProfileInfo_t v{};
    FillCommon(*p, &v);
    *info = v;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfoV(nvmlGpuInstance_t gi, unsigned int profile,
                                                                    unsigned int engProfile,
                                                                    nvmlComputeInstanceProfileInfo_v2_t* info) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const CiProfile* p = nullptr;
    if (nvmlReturn_t r = CiByIndex(*ref.giProfile, profile, engProfile, &p); r != NVML_SUCCESS) return r;
    if (info->version == nvmlComputeInstanceProfileInfo_v2) {
      nvmlComputeInstanceProfileInfo_v2_t v{};
      v.version = info->version;
      FillCommon(*p, &v);
      std::snprintf(v.name, sizeof v.name, "%s", p->name.c_str());
      *info = v;
      return NVML_SUCCESS;
    }
    if (info->version == nvmlComputeInstanceProfileInfo_v3) {
      nvmlComputeInstanceProfileInfo_v3_t v{};
      v.version = info->version;
      FillCommon(*p, &v);
      std::snprintf(v.name, sizeof v.name, "%s", p->name.c_str());
      *reinterpret_cast<nvmlComputeInstanceProfileInfo_v3_t*>(info) = v;
      return NVML_SUCCESS;
    }
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceRemainingCapacity(nvmlGpuInstance_t gi,
                                                                         unsigned int profileId,
                                                                         unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const CiProfile* p = FindCiProfileById(*ref.giProfile, profileId);
    if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *count = RemainingCi(*ref.gi, *ref.giProfile, *p);
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstancePossiblePlacements(
    nvmlGpuInstance_t gi, unsigned int profileId, nvmlComputeInstancePlacement_t* placements,
    unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const CiProfile* p = FindCiProfileById(*ref.giProfile, profileId);
    if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    return CopyPlacements(p->starts, p->slices, placements, count);
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceCreateComputeInstance(nvmlGpuInstance_t gi, unsigned int profileId,
                                                           nvmlComputeInstance_t* ci) {
  return Guarded(__func__, [&] { return Create(gi, profileId, nullptr, ci); });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceCreateComputeInstanceWithPlacement(
    nvmlGpuInstance_t gi, unsigned int profileId, const nvmlComputeInstancePlacement_t* placement,
    nvmlComputeInstance_t* ci) {
  return Guarded(__func__, [&] {
    if (placement == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    return Create(gi, profileId, placement, ci);
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gi, unsigned int profileId,
                                                         nvmlComputeInstance_t* cis, unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (cis == nullptr || count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (FindCiProfileById(*ref.giProfile, profileId) == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned n = 0;
    for (const CiState& c : ref.gi->cis) {
      if (c.profileId == profileId) {
        cis[n++] = reinterpret_cast<nvmlComputeInstance_t>(Intern(Kind::kCi, ref.h->pos, ref.gi->id, c.id));
      }
    }
    *count = n;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t gi, unsigned int id,
                                                            nvmlComputeInstance_t* ci) {
  return Guarded(__func__, [&] {
    RESOLVE_GI(gi);
    if (ci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (FindCi(*ref.gi, id) == nullptr) return NVML_ERROR_NOT_FOUND;
    *ci = reinterpret_cast<nvmlComputeInstance_t>(Intern(Kind::kCi, ref.h->pos, ref.gi->id, id));
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t ci, nvmlComputeInstanceInfo_t* info) {
  return Guarded(__func__, [&] { return Info(ci, info, true); });
}

MOCK_API nvmlReturn_t nvmlComputeInstanceGetInfo(nvmlComputeInstance_t ci, nvmlComputeInstanceInfo_t* info) {
  return Guarded(__func__, [&] { return Info(ci, info, false); });
}

MOCK_API nvmlReturn_t nvmlComputeInstanceDestroy(nvmlComputeInstance_t ci) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveCi(ci, &ref); r != NVML_SUCCESS) return r;
    const GpuSpec& gpu = *ref.gpu;
    unsigned giId = ref.gi->id, ciId = ref.ci->id;
    return MutateState([&](MigState& s) {
      GiState* g = FindGi(&MutableGpuState(&s, gpu), giId);
      return g == nullptr ? NVML_ERROR_INVALID_ARGUMENT : DestroyCi(g, ciId);
    });
  });
}

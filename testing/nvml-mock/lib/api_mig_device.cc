// api_mig_device.cc: MIG device handles: max count, handle by index,
// parent, IsMigDeviceHandle, GI/CI ids and attributes.
#include "mock_api.h"

using namespace nvml_mock;

#define RESOLVE(dev, allowMig)                                             \
  DeviceRef ref;                                                          \
  if (nvmlReturn_t r_ = ResolveDevice(dev, allowMig, &ref); r_ != NVML_SUCCESS) \
    return r_;

namespace {

nvmlReturn_t Attributes(nvmlDevice_t device, nvmlDeviceAttributes_t* a) {
  RESOLVE(device, true);
  if (a == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (!ref.mig) return NVML_ERROR_NOT_SUPPORTED;
  a->multiprocessorCount = ref.ciProfile->sms;
  a->sharedCopyEngineCount = ref.ciProfile->copyEngines;
  a->sharedDecoderCount = ref.ciProfile->decoders;
  a->sharedEncoderCount = ref.ciProfile->encoders;
  a->sharedJpegCount = ref.ciProfile->jpegs;
  a->sharedOfaCount = ref.ciProfile->ofas;
  a->gpuInstanceSliceCount = ref.giProfile->slices;
  a->computeInstanceSliceCount = ref.ciProfile->slices;
  a->memorySizeMB = ref.giProfile->memoryMB;
  return NVML_SUCCESS;
}

}  // namespace

MOCK_API nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int* count) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    MigState s;
    if (nvmlReturn_t r = ReadState(&s); r != NVML_SUCCESS) return r;
    bool enabled = ref.gpu->migCapable && GpuStateOf(s, *ref.gpu).migMode == 1;
    *count = enabled ? ref.gpu->maxMigDevices : 0;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index,
                                                          nvmlDevice_t* mig) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (mig == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->migCapable) return NVML_ERROR_NOT_SUPPORTED;
    MigState s;
    if (nvmlReturn_t r = ReadState(&s); r != NVML_SUCCESS) return r;
    GpuState gs = GpuStateOf(s, *ref.gpu);
    if (gs.migMode != 1 || index >= ref.gpu->maxMigDevices) return NVML_ERROR_INVALID_ARGUMENT;
    // Indexes count only the MIG devices this process can see, as with
    // the real driver inside a container.
    std::vector<MigDeviceRef> devs = VisibleMigDevices(*ref.gpu, gs);
    if (index >= devs.size()) return NVML_ERROR_NOT_FOUND;
    *mig = reinterpret_cast<nvmlDevice_t>(
        Intern(Kind::kMig, ref.h->pos, devs[index].gi->id, devs[index].ci->id));
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t mig, nvmlDevice_t* device) {
  return Guarded(__func__, [&] {
    RESOLVE(mig, true);
    if (device == nullptr || !ref.mig) return NVML_ERROR_INVALID_ARGUMENT;
    *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, ref.h->pos));
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int* isMig) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (isMig == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *isMig = ref.mig ? 1 : 0;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int* id) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (id == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.mig) return NVML_ERROR_NOT_SUPPORTED;
    *id = ref.gi->id;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int* id) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (id == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.mig) return NVML_ERROR_NOT_SUPPORTED;
    *id = ref.ci->id;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetAttributes_v2(nvmlDevice_t device, nvmlDeviceAttributes_t* a) {
  return Guarded(__func__, [&] { return Attributes(device, a); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetAttributes(nvmlDevice_t device, nvmlDeviceAttributes_t* a) {
  return Guarded(__func__, [&] { return Attributes(device, a); });
}

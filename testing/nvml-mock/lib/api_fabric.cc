// api_fabric.cc: NVLink fabric (ComputeDomain clique) info. NOT_SUPPORTED
// when the topology gives the GPU no fabric block; a GPU marked unhealthy
// in the fault file reports health summary UNHEALTHY.
#include <cstring>

#include "mock_api.h"

using namespace nvml_mock;

namespace {

template <typename T>
void FillCommon(const FabricSpec& f, T* v) {
  std::memcpy(v->clusterUuid, f.clusterUuid.data(), sizeof v->clusterUuid);
  v->status = static_cast<nvmlReturn_t>(f.status);
  v->cliqueId = f.cliqueId;
  v->state = static_cast<nvmlGpuFabricState_t>(f.state);
}

}  // namespace

MOCK_API nvmlReturn_t nvmlDeviceGetGpuFabricInfo(nvmlDevice_t device, nvmlGpuFabricInfo_t* info) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveDevice(device, false, &ref); r != NVML_SUCCESS) return r;
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!ref.gpu->fabric.present) return NVML_ERROR_NOT_SUPPORTED;
    nvmlGpuFabricInfo_t v{};
    FillCommon(ref.gpu->fabric, &v);
    *info = v;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetGpuFabricInfoV(nvmlDevice_t device, nvmlGpuFabricInfoV_t* info) {
  return Guarded(__func__, [&] {
    DeviceRef ref;
    if (nvmlReturn_t r = ResolveDevice(device, false, &ref); r != NVML_SUCCESS) return r;
    if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const FabricSpec& f = ref.gpu->fabric;
    if (!f.present) return NVML_ERROR_NOT_SUPPORTED;
    bool unhealthy = Faults().GpuFaultFor(ref.gpu->uuid, ref.gpu->index).unhealthy;
    if (info->version == nvmlGpuFabricInfo_v2) {
      auto* out = reinterpret_cast<nvmlGpuFabricInfo_v2_t*>(info);
      nvmlGpuFabricInfo_v2_t v{};
      v.version = info->version;
      FillCommon(f, &v);
      v.healthMask = f.healthMask;
      *out = v;
      return NVML_SUCCESS;
    }
    if (info->version == nvmlGpuFabricInfo_v3) {
      nvmlGpuFabricInfo_v3_t v{};
      v.version = info->version;
      FillCommon(f, &v);
      v.healthMask = f.healthMask;
      v.healthSummary = static_cast<unsigned char>(
          unhealthy ? NVML_GPU_FABRIC_HEALTH_SUMMARY_UNHEALTHY : f.healthSummary);
      *info = v;
      return NVML_SUCCESS;
    }
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  });
}

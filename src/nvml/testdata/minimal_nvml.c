/* A tiny NVML look-alike for dl_library_test: exports nvmlInit_v2 and a few
 * calls, some only under their OLD names, to exercise DlLibrary's symbol
 * fallbacks, FUNCTION_NOT_FOUND for missing symbols, and the use of the
 * library's own nvmlErrorString. */
#include <string.h>

#include "nvml/nvml_abi.h"

#define EXPORT __attribute__((visibility("default")))

static int sessions = 0;

EXPORT nvmlReturn_t nvmlInit_v2(void) { ++sessions; return NVML_SUCCESS; }
EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
  if (flags > 7) return NVML_ERROR_INVALID_ARGUMENT;
  ++sessions;
  return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlShutdown(void) {
  if (sessions == 0) return NVML_ERROR_UNINITIALIZED;
  --sessions;
  return NVML_SUCCESS;
}
EXPORT const char* nvmlErrorString(nvmlReturn_t r) {
  return r == NVML_ERROR_NOT_SUPPORTED ? "minimal: not supported" : "minimal: error";
}
/* Only the unversioned (v1) name: DlLibrary must fall back to it. */
EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) {
  *count = 2;
  return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index,
                                               nvmlDevice_t* device) {
  if (index >= 2) return NVML_ERROR_INVALID_ARGUMENT;
  *device = (nvmlDevice_t)(unsigned long)(0x100 + index);
  return NVML_SUCCESS;
}
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t* m) {
  (void)d;
  (void)m;
  return NVML_ERROR_NOT_SUPPORTED;
}
EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char* name,
                                      unsigned int len) {
  (void)d;
  strncpy(name, "Minimal GPU", len);
  return NVML_SUCCESS;
}
/* v1 profile info only (no V variant). */
EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(
    nvmlDevice_t d, unsigned int profile, nvmlGpuInstanceProfileInfo_t* info) {
  (void)d;
  if (profile != 0) return NVML_ERROR_NOT_SUPPORTED;
  memset(info, 0, sizeof *info);
  info->id = 19;
  info->sliceCount = 1;
  info->memorySizeMB = 4864;
  return NVML_SUCCESS;
}
/* Fabric V that only understands v2. */
EXPORT nvmlReturn_t nvmlDeviceGetGpuFabricInfoV(nvmlDevice_t d,
                                                nvmlGpuFabricInfoV_t* info) {
  (void)d;
  if (info->version != nvmlGpuFabricInfo_v2) {
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  }
  info->cliqueId = 5;
  info->state = NVML_GPU_FABRIC_STATE_COMPLETED;
  info->clusterUuid[0] = 0xab;
  info->healthMask = 1;
  return NVML_SUCCESS;
}

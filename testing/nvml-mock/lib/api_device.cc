// api_device.cc: device enumeration and lookup (count, handle by index,
// UUID, PCI bus id, serial) and the identity queries (index, name, UUID,
// serial, minor, PCI info).
#include <cstdio>
#include <cstring>

#include "mock_api.h"

using namespace nvml_mock;

#define RESOLVE(dev, allowMig)                                             \
  DeviceRef ref;                                                          \
  if (nvmlReturn_t r_ = ResolveDevice(dev, allowMig, &ref); r_ != NVML_SUCCESS) \
    return r_;

namespace {

nvmlReturn_t Count(unsigned* count) {
  if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *count = static_cast<unsigned>(Ctx().visible.size());
  return NVML_SUCCESS;
}

nvmlReturn_t ByIndex(unsigned index, nvmlDevice_t* device) {
  const auto& v = Ctx().visible;
  if (device == nullptr || index >= v.size()) return NVML_ERROR_INVALID_ARGUMENT;
  int pos = v[index];
  *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, pos));
  return CheckGpuAlive(Ctx().topo.gpus[static_cast<size_t>(pos)]);
}

nvmlReturn_t ByBusId(const char* busId, nvmlDevice_t* device) {
  if (busId == nullptr || device == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned domain = 0, bus = 0, dev = 0, fn = 0;
  char tail = 0;
  if (std::sscanf(busId, "%x:%x:%x.%x%c", &domain, &bus, &dev, &fn, &tail) != 4) {
    domain = 0;
    if (std::sscanf(busId, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3) {
      return NVML_ERROR_INVALID_ARGUMENT;
    }
  }
  for (int pos : Ctx().visible) {
    const GpuSpec& g = Ctx().topo.gpus[static_cast<size_t>(pos)];
    if (g.domain == domain && g.bus == bus && g.device == dev && fn == 0) {
      *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, pos));
      return CheckGpuAlive(g);
    }
  }
  return NVML_ERROR_NOT_FOUND;
}

void FillPci(const GpuSpec& g, nvmlPciInfo_t* pci) {
  std::memset(pci, 0, sizeof *pci);
  std::snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0",
                g.domain & 0xFFFF, g.bus, g.device);
  std::snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:%02X.0", g.domain, g.bus, g.device);
  pci->domain = g.domain;
  pci->bus = g.bus;
  pci->device = g.device;
  pci->pciDeviceId = g.pciDeviceId;
  pci->pciSubSystemId = g.pciSubsystemId;
}

// The v1/v2 symbols take the older, smaller struct: the legacy 16-byte bus
// id, the five numbers and 16 reserved bytes, without the 32-byte busId.
nvmlReturn_t PciInfoOld(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  RESOLVE(device, true);
  if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlPciInfo_t full;
  FillPci(*ref.gpu, &full);
  constexpr size_t kOldSize = offsetof(nvmlPciInfo_t, busId) + 16;
  std::memset(pci, 0, kOldSize);
  std::memcpy(pci, &full, offsetof(nvmlPciInfo_t, busId));
  return NVML_SUCCESS;
}

std::string MigName(const DeviceRef& ref) {
  return ref.gpu->name + " " + ref.ciProfile->name;
}

}  // namespace

MOCK_API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  return Guarded(__func__, [&] { return Count(count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) {
  return Guarded(__func__, [&] { return Count(count); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  return Guarded(__func__, [&] { return ByIndex(index, device); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
  return Guarded(__func__, [&] { return ByIndex(index, device); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* busId, nvmlDevice_t* device) {
  return Guarded(__func__, [&] { return ByBusId(busId, device); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char* busId, nvmlDevice_t* device) {
  return Guarded(__func__, [&] { return ByBusId(busId, device); });
}

MOCK_API nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
  return Guarded(__func__, [&] {
    if (uuid == nullptr || device == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    std::string want = uuid;
    bool mig = want.rfind("MIG-", 0) == 0;
    MigState state;
    if (mig) {
      if (nvmlReturn_t r = ReadState(&state); r != NVML_SUCCESS) return r;
    }
    for (int pos : Ctx().visible) {
      const GpuSpec& g = Ctx().topo.gpus[static_cast<size_t>(pos)];
      if (!mig) {
        if (g.uuid != want) continue;
        *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, pos));
        return CheckGpuAlive(g);
      }
      GpuState gs = GpuStateOf(state, g);
      for (const MigDeviceRef& m : VisibleMigDevices(g, gs)) {
        if (MigUuid(g.uuid, m.gi->id, m.ci->id) != want) continue;
        *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kMig, pos, m.gi->id, m.ci->id));
        return CheckGpuAlive(g);
      }
    }
    return NVML_ERROR_NOT_FOUND;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetHandleBySerial(const char* serial, nvmlDevice_t* device) {
  return Guarded(__func__, [&] {
    if (serial == nullptr || device == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    for (int pos : Ctx().visible) {
      const GpuSpec& g = Ctx().topo.gpus[static_cast<size_t>(pos)];
      if (!g.serial.empty() && g.serial == serial) {
        *device = reinterpret_cast<nvmlDevice_t>(Intern(Kind::kGpu, pos));
        return CheckGpuAlive(g);
      }
    }
    return NVML_ERROR_NOT_FOUND;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (index == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *index = static_cast<unsigned>(VisibleIndex(ref.h->pos));
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    return CopyOut(ref.mig ? MigName(ref) : ref.gpu->name, name, length);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    return CopyOut(ref.mig ? MigUuid(ref.gpu->uuid, ref.gi->id, ref.ci->id) : ref.gpu->uuid,
                   uuid, length);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char* serial, unsigned int length) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (ref.gpu->serial.empty()) return NVML_ERROR_NOT_SUPPORTED;
    return CopyOut(ref.gpu->serial, serial, length);
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int* minor) {
  return Guarded(__func__, [&] {
    RESOLVE(device, false);
    if (minor == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *minor = ref.gpu->minor;
    return NVML_SUCCESS;
  });
}

MOCK_API nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return Guarded(__func__, [&] {
    RESOLVE(device, true);
    if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    FillPci(*ref.gpu, pci);
    return NVML_SUCCESS;
  });
}
MOCK_API nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return Guarded(__func__, [&] { return PciInfoOld(device, pci); });
}
MOCK_API nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return Guarded(__func__, [&] { return PciInfoOld(device, pci); });
}

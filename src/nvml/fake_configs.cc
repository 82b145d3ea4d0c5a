// Ready-made FakeConfig setups: the fixture H100 and DGX-A100-like nodes.
#include <cstdio>

#include "nvml/fake_library.h"

namespace nvml {
namespace {

FakeGpuInstanceProfile Profile(unsigned index, unsigned id, unsigned slices,
                               unsigned instances, unsigned sms, unsigned ce,
                               unsigned dec, unsigned enc, unsigned jpeg,
                               unsigned ofa, unsigned long long mem_mb,
                               const char* name,
                               std::vector<unsigned> starts,
                               unsigned placement_size) {
  FakeGpuInstanceProfile p;
  p.index = index;
  p.info.version = nvmlGpuInstanceProfileInfo_v2;
  p.info.id = id;
  p.info.isP2pSupported = 0;
  p.info.sliceCount = slices;
  p.info.instanceCount = instances;
  p.info.multiprocessorCount = sms;
  p.info.copyEngineCount = ce;
  p.info.decoderCount = dec;
  p.info.encoderCount = enc;
  p.info.jpegCount = jpeg;
  p.info.ofaCount = ofa;
  p.info.memorySizeMB = mem_mb;
  std::snprintf(p.info.name, sizeof p.info.name, "%s", name);
  for (unsigned start : starts) p.placements.push_back({start, placement_size});
  return p;
}

}  // namespace

nvmlPciInfo_t MakePciInfo(unsigned int domain, unsigned int bus,
                          unsigned int device, unsigned int pci_device_id,
                          unsigned int pci_subsystem_id) {
  nvmlPciInfo_t pci{};
  pci.domain = domain;
  pci.bus = bus;
  pci.device = device;
  pci.pciDeviceId = pci_device_id;
  pci.pciSubSystemId = pci_subsystem_id;
  std::snprintf(pci.busId, sizeof pci.busId, "%08X:%02X:%02X.0", domain, bus,
                device);
  std::snprintf(pci.busIdLegacy, sizeof pci.busIdLegacy, "%04X:%02X:%02X.0",
                domain & 0xFFFF, bus & 0xFF, device & 0xFF);
  return pci;
}

FakeConfig FakeH100Config() {
  FakeConfig config;
  config.driver_version = "580.159.04";
  config.nvml_version = "13.580.159.04";
  config.cuda_driver_version = 13000;

  FakeGpu gpu;
  gpu.uuid = "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd";
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.serial = "1752724007035";
  gpu.minor = 0;
  gpu.pci = MakePciInfo(0, 0x00, 0x06, 590352606u, 381751518u);
  gpu.memory = nvmlMemory_t{85520809984ULL, 85017493504ULL, 503316480ULL};
  gpu.architecture = NVML_DEVICE_ARCH_HOPPER;
  gpu.brand = NVML_BRAND_NVIDIA;
  gpu.compute_capability = {9, 0};
  gpu.numa_node = std::nullopt;  // NVML: Not Supported on this VM
  gpu.virtualization_mode = NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH;
  gpu.addressing_mode = NVML_DEVICE_ADDRESSING_MODE_NONE;
  gpu.mig_capable = true;
  gpu.mig_mode = {NVML_DEVICE_MIG_DISABLE, NVML_DEVICE_MIG_DISABLE};
  gpu.max_mig_devices = 7;
  gpu.profile_index_limit = 17;  // 17..19 answer Invalid Argument
  gpu.supported_events = 65439;
  // No NVLink fabric on this PCIe VM: the call works, state NOT_SUPPORTED.
  gpu.fabric = nvmlGpuFabricInfo_v3_t{};
  // index, id, slices, instances, SMs, CE, DEC, ENC, JPEG, OFA, MB, name
  gpu.profiles = {
      Profile(0, 19, 1, 7, 16, 1, 1, 0, 1, 0, 9984, "MIG 1g.10gb",
              {0, 1, 2, 3, 4, 5, 6}, 1),
      Profile(1, 14, 2, 3, 32, 2, 2, 0, 2, 0, 20096, "MIG 2g.20gb", {0, 2, 4},
              2),
      Profile(2, 9, 3, 2, 60, 3, 3, 0, 3, 0, 40448, "MIG 3g.40gb", {0, 4}, 4),
      Profile(3, 5, 4, 1, 64, 4, 4, 0, 4, 0, 40448, "MIG 4g.40gb", {0}, 4),
      Profile(4, 0, 7, 1, 132, 8, 7, 0, 7, 1, 81152, "MIG 7g.80gb", {0}, 8),
      Profile(7, 20, 1, 1, 16, 1, 1, 0, 1, 1, 9984, "MIG 1g.10gb+me",
              {0, 1, 2, 3, 4, 5, 6}, 1),
      Profile(9, 15, 1, 4, 26, 1, 1, 0, 1, 0, 20096, "MIG 1g.20gb",
              {0, 2, 4, 6}, 2),
  };
  config.gpus.push_back(std::move(gpu));
  return config;
}

FakeConfig FakeA100Config(int num_gpus, bool mig_enabled) {
  static constexpr unsigned kBuses[8] = {0x07, 0x0F, 0x47, 0x4E,
                                         0x87, 0x90, 0xB7, 0xBD};
  FakeConfig config;
  config.driver_version = "550.54.15";
  config.nvml_version = "12.550.54.15";
  config.cuda_driver_version = 12040;
  if (num_gpus < 1) num_gpus = 1;
  if (num_gpus > 8) num_gpus = 8;
  for (int i = 0; i < num_gpus; ++i) {
    FakeGpu gpu;
    char uuid[64];
    std::snprintf(uuid, sizeof uuid, "GPU-a100a100-0000-4000-8000-%012d", i);
    gpu.uuid = uuid;
    gpu.name = "NVIDIA A100-SXM4-40GB";
    gpu.serial = "132080000000" + std::to_string(i);
    gpu.minor = static_cast<unsigned>(i);
    gpu.pci = MakePciInfo(0, kBuses[i], 0, 0x20B010DEu, 0x134F10DEu);
    gpu.memory = nvmlMemory_t{42949672960ULL, 42298834944ULL, 650838016ULL};
    gpu.architecture = NVML_DEVICE_ARCH_AMPERE;
    gpu.brand = NVML_BRAND_NVIDIA;
    gpu.compute_capability = {8, 0};
    gpu.numa_node = i < 4 ? 0u : 1u;
    gpu.virtualization_mode = NVML_GPU_VIRTUALIZATION_MODE_NONE;
    gpu.addressing_mode = NVML_DEVICE_ADDRESSING_MODE_NONE;
    gpu.mig_capable = true;
    unsigned mode = mig_enabled ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
    gpu.mig_mode = {mode, mode};
    gpu.max_mig_devices = 7;
    gpu.profile_index_limit = NVML_GPU_INSTANCE_PROFILE_COUNT;
    gpu.supported_events = 0x000000000000078FULL;
    gpu.profiles = {
        Profile(0, 19, 1, 7, 14, 1, 0, 0, 0, 0, 4864, "MIG 1g.5gb",
                {0, 1, 2, 3, 4, 5, 6}, 1),
        Profile(1, 14, 2, 3, 28, 2, 1, 0, 0, 0, 9856, "MIG 2g.10gb",
                {0, 2, 4}, 2),
        Profile(2, 9, 3, 2, 42, 3, 2, 0, 0, 0, 19968, "MIG 3g.20gb", {0, 4}, 4),
        Profile(3, 5, 4, 1, 56, 4, 2, 0, 0, 0, 19968, "MIG 4g.20gb", {0}, 4),
        Profile(4, 0, 7, 1, 98, 7, 5, 0, 1, 1, 40192, "MIG 7g.40gb", {0}, 8),
        Profile(7, 20, 1, 1, 14, 1, 1, 0, 1, 1, 4864, "MIG 1g.5gb+me",
                {0, 1, 2, 3, 4, 5, 6}, 1),
        Profile(9, 15, 1, 4, 14, 1, 1, 0, 0, 0, 9856, "MIG 1g.10gb",
                {0, 2, 4, 6}, 2),
    };
    config.gpus.push_back(std::move(gpu));
  }
  return config;
}

}  // namespace nvml

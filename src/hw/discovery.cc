#include "hw/discovery.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "hw/normalize.h"
#include "hw/sysfs_pci.h"
#include "nvml/errors.h"
#include "util/status_macros.h"

namespace hw {
namespace {

// Prefixes "gpu <index>: " and keeps the NVML payload.
absl::Status Annotate(const absl::Status& status, unsigned int index) {
  absl::Status out(status.code(),
                   absl::StrCat("gpu ", index, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

template <typename T>
absl::StatusOr<T> Tag(absl::StatusOr<T> value, unsigned int index) {
  if (!value.ok()) return Annotate(value.status(), index);
  return value;
}

// GI profiles with their placements, sorted like `nvidia-smi mig -lgip`.
absl::StatusOr<std::vector<MigProfile>> ReadProfiles(
    nvml::Library& nvml, nvmlDevice_t device, unsigned int index,
    std::optional<uint64_t> total_memory, std::vector<std::string>* warnings) {
  std::vector<MigProfile> profiles;
  for (unsigned int p = 0; p < NVML_GPU_INSTANCE_PROFILE_COUNT; ++p) {
    absl::StatusOr<nvmlGpuInstanceProfileInfo_v2_t> info =
        nvml.GetGpuInstanceProfileInfo(device, p);
    if (nvml::IsNotSupported(info.status()) ||
        nvml::IsNvmlInvalidArgument(info.status())) {
      continue;
    }
    if (!info.ok()) return Annotate(info.status(), index);
    MigProfile profile;
    profile.id = info->id;
    profile.index = p;
    profile.slices = info->sliceCount;
    profile.instances = info->instanceCount;
    profile.multiprocessors = info->multiprocessorCount;
    profile.copyEngines = info->copyEngineCount;
    profile.decoders = info->decoderCount;
    profile.encoders = info->encoderCount;
    profile.jpegEngines = info->jpegCount;
    profile.ofaEngines = info->ofaCount;
    profile.memoryMB = info->memorySizeMB;
    std::string nvml_name = StripNvmlProfileName(
        std::string(info->name, ::strnlen(info->name, sizeof info->name)));
    if (total_memory.has_value()) {
      profile.name = MigProfileName(p, info->sliceCount, info->memorySizeMB,
                                    *total_memory);
      if (!nvml_name.empty() && nvml_name != profile.name && warnings) {
        warnings->push_back(absl::StrCat(
            "gpu ", index, ": MIG profile ", info->id, " is named \"",
            profile.name, "\" here but \"", nvml_name, "\" by NVML"));
      }
    } else {
      profile.name = nvml_name;
    }
    DRA_ASSIGN_OR_RETURN(
        std::vector<nvmlGpuInstancePlacement_t> placements,
        Tag(nvml.GetGpuInstancePossiblePlacements(device, info->id), index));
    for (const auto& pl : placements) {
      profile.placements.push_back(MigPlacement{pl.start, pl.size});
    }
    profiles.push_back(std::move(profile));
  }
  std::stable_sort(profiles.begin(), profiles.end(),
                   [](const MigProfile& a, const MigProfile& b) {
                     return std::tie(a.slices, a.memoryMB, a.index) <
                            std::tie(b.slices, b.memoryMB, b.index);
                   });
  return profiles;
}

// Existing MIG devices (GI + CI) under `device`.
absl::StatusOr<std::vector<MigDeviceInfo>> ReadMigDevices(
    nvml::Library& nvml, nvmlDevice_t device, unsigned int index,
    const std::vector<MigProfile>& profiles) {
  std::vector<MigDeviceInfo> out;
  DRA_ASSIGN_OR_RETURN(unsigned int max,
                       Tag(nvml.GetMaxMigDeviceCount(device), index));
  for (unsigned int i = 0; i < max; ++i) {
    absl::StatusOr<nvmlDevice_t> mig = nvml.GetMigDeviceHandleByIndex(device, i);
    if (nvml::IsNvmlNotFound(mig.status()) || nvml::IsNvmlInvalidArgument(mig.status())) {
      continue;
    }
    if (!mig.ok()) return Annotate(mig.status(), index);
    MigDeviceInfo info;
    info.index = i;
    DRA_ASSIGN_OR_RETURN(info.uuid, Tag(nvml.GetUUID(*mig), index));
    DRA_ASSIGN_OR_RETURN(info.gpuInstanceId,
                         Tag(nvml.GetGpuInstanceId(*mig), index));
    DRA_ASSIGN_OR_RETURN(info.computeInstanceId,
                         Tag(nvml.GetComputeInstanceId(*mig), index));
    DRA_ASSIGN_OR_RETURN(
        nvmlGpuInstance_t gi,
        Tag(nvml.GetGpuInstanceById(device, info.gpuInstanceId), index));
    DRA_ASSIGN_OR_RETURN(nvmlGpuInstanceInfo_t gi_info,
                         Tag(nvml.GpuInstanceGetInfo(gi), index));
    info.profileId = gi_info.profileId;
    info.placement = MigPlacement{gi_info.placement.start, gi_info.placement.size};
    absl::StatusOr<nvmlDeviceAttributes_t> attrs = nvml.GetDeviceAttributes(*mig);
    if (!attrs.ok() && !nvml::IsUnsupported(attrs.status())) {
      return Annotate(attrs.status(), index);
    }
    const MigProfile* profile = nullptr;
    for (const MigProfile& p : profiles) {
      if (p.id == gi_info.profileId) profile = &p;
    }
    if (profile != nullptr) {
      info.profileName = profile->name;
      info.multiprocessors = profile->multiprocessors;
      info.copyEngines = profile->copyEngines;
      info.decoders = profile->decoders;
      info.encoders = profile->encoders;
      info.jpegEngines = profile->jpegEngines;
      info.ofaEngines = profile->ofaEngines;
      info.memoryMB = profile->memoryMB;
    } else if (attrs.ok()) {
      info.multiprocessors = attrs->multiprocessorCount;
      info.copyEngines = attrs->sharedCopyEngineCount;
      info.decoders = attrs->sharedDecoderCount;
      info.encoders = attrs->sharedEncoderCount;
      info.jpegEngines = attrs->sharedJpegCount;
      info.ofaEngines = attrs->sharedOfaCount;
      info.memoryMB = attrs->memorySizeMB;
    }
    if (attrs.ok()) {
      info.gpuInstanceSlices = attrs->gpuInstanceSliceCount;
      info.computeInstanceSlices = attrs->computeInstanceSliceCount;
    }
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<std::optional<FabricInfo>> ReadFabric(nvml::Library& nvml,
                                                     nvmlDevice_t device,
                                                     unsigned int index) {
  absl::StatusOr<nvmlGpuFabricInfo_v3_t> raw = nvml.GetGpuFabricInfo(device);
  if (nvml::IsUnsupported(raw.status())) return std::optional<FabricInfo>();
  if (!raw.ok()) return Annotate(raw.status(), index);
  FabricInfo fabric;
  fabric.clusterUuid = UuidString(raw->clusterUuid);
  fabric.cliqueId = raw->cliqueId;
  fabric.state = raw->state;
  fabric.status = static_cast<uint32_t>(raw->status);
  fabric.healthSummary = raw->healthSummary;
  return std::optional<FabricInfo>(std::move(fabric));
}

}  // namespace

bool IsSkippedDeviceName(const std::string& name) {
  return name == "DGX Display" || name == "NVIDIA DGX Display";
}

absl::StatusOr<GpuInfo> DiscoverGpu(nvml::Library& nvml, unsigned int index,
                                    const DiscoveryOptions& options,
                                    std::vector<std::string>* warnings) {
  GpuInfo gpu;
  gpu.index = index;
  DRA_ASSIGN_OR_RETURN(nvmlDevice_t device,
                       Tag(nvml.DeviceGetHandleByIndex(index), index));
  DRA_ASSIGN_OR_RETURN(gpu.name, Tag(nvml.GetName(device), index));
  DRA_ASSIGN_OR_RETURN(gpu.minor, Tag(nvml.GetMinorNumber(device), index));
  DRA_ASSIGN_OR_RETURN(gpu.uuid, Tag(nvml.GetUUID(device), index));
  DRA_ASSIGN_OR_RETURN(nvmlDeviceArchitecture_t arch,
                       Tag(nvml.GetArchitecture(device), index));
  gpu.architectureCode = arch;
  gpu.architecture = ArchitectureName(arch);
  DRA_ASSIGN_OR_RETURN(nvmlBrandType_t brand, Tag(nvml.GetBrand(device), index));
  gpu.brand = BrandName(brand);
  DRA_ASSIGN_OR_RETURN(nvml::ComputeCapability cc,
                       Tag(nvml.GetCudaComputeCapability(device), index));
  gpu.cudaComputeCapability = ComputeCapabilityString(cc.major, cc.minor);
  DRA_ASSIGN_OR_RETURN(nvmlPciInfo_t pci, Tag(nvml.GetPciInfo(device), index));
  gpu.pciBusID = NormalizePciBusId(
      std::string(pci.busId, ::strnlen(pci.busId, sizeof pci.busId)));
  gpu.pciDeviceID = pci.pciDeviceId;

  absl::StatusOr<nvmlMemory_t> memory = nvml.GetMemoryInfo(device);
  if (memory.ok()) {
    gpu.memoryBytes = memory->total;
  } else if (!nvml::IsNotSupported(memory.status())) {
    return Annotate(memory.status(), index);
  }

  if (nvml.HasSymbol("nvmlDeviceGetAddressingMode")) {
    absl::StatusOr<unsigned int> mode = nvml.GetAddressingMode(device);
    if (mode.ok()) {
      std::string name = AddressingModeName(*mode);
      if (!name.empty()) gpu.addressingMode = name;
    } else if (!nvml::IsUnsupported(mode.status())) {
      return Annotate(mode.status(), index);
    }
  }

  absl::StatusOr<nvmlGpuVirtualizationMode_t> virt =
      nvml.GetVirtualizationMode(device);
  if (virt.ok()) {
    gpu.virtualizationMode = static_cast<uint32_t>(*virt);
  } else if (!nvml::IsUnsupported(virt.status())) {
    return Annotate(virt.status(), index);
  }

  if (nvml.HasSymbol("nvmlDeviceGetMigMode")) {
    absl::StatusOr<nvml::MigMode> mig = nvml.GetMigMode(device);
    if (mig.ok()) {
      gpu.migCapable = true;
      gpu.migEnabled = mig->current == NVML_DEVICE_MIG_ENABLE;
    } else if (!nvml::IsUnsupported(mig.status())) {
      return Annotate(mig.status(), index);
    }
  }
  if (gpu.migCapable) {
    DRA_ASSIGN_OR_RETURN(
        gpu.migProfiles,
        ReadProfiles(nvml, device, index, gpu.memoryBytes, warnings));
  }
  if (gpu.migEnabled) {
    DRA_ASSIGN_OR_RETURN(gpu.migDevices,
                         ReadMigDevices(nvml, device, index, gpu.migProfiles));
    // A MIG-enabled GPU without MIG devices is reported by devices/ (it is
    // a publishing concern: the capacity is stranded).
  }

  DRA_ASSIGN_OR_RETURN(gpu.fabric, ReadFabric(nvml, device, index));

  if (options.read_sysfs) {
    absl::StatusOr<std::string> root = ReadPcieRoot(options.sysfs_root, gpu.pciBusID);
    if (root.ok()) {
      gpu.pcieRoot = *root;
    } else if (warnings != nullptr) {
      warnings->push_back(absl::StrCat("gpu ", index, ": pcieRoot: ",
                                       root.status().message()));
    }
    absl::StatusOr<std::optional<int>> numa =
        ReadNumaNode(options.sysfs_root, gpu.pciBusID);
    if (numa.ok()) {
      gpu.numaNode = *numa;
    } else if (!absl::IsNotFound(numa.status()) && warnings != nullptr) {
      warnings->push_back(absl::StrCat("gpu ", index, ": numa_node: ",
                                       numa.status().message()));
    }
  }
  return gpu;
}

absl::StatusOr<NodeInfo> DiscoverInSession(nvml::Library& nvml,
                                           const DiscoveryOptions& options) {
  NodeInfo node;
  DRA_ASSIGN_OR_RETURN(node.driverVersion, nvml.SystemGetDriverVersion());
  DRA_ASSIGN_OR_RETURN(int cuda, nvml.SystemGetCudaDriverVersion());
  node.cudaDriverVersion = CudaDriverVersionString(cuda);
  absl::StatusOr<std::string> nvml_version = nvml.SystemGetNvmlVersion();
  if (nvml_version.ok()) {
    node.nvmlVersion = *nvml_version;
  } else if (!nvml::IsUnsupported(nvml_version.status())) {
    return nvml_version.status();
  }
  DRA_ASSIGN_OR_RETURN(unsigned int count, nvml.DeviceGetCount());
  for (unsigned int i = 0; i < count; ++i) {
    DRA_ASSIGN_OR_RETURN(nvmlDevice_t device,
                         Tag(nvml.DeviceGetHandleByIndex(i), i));
    DRA_ASSIGN_OR_RETURN(std::string name, Tag(nvml.GetName(device), i));
    if (IsSkippedDeviceName(name)) continue;
    DRA_ASSIGN_OR_RETURN(GpuInfo gpu,
                         DiscoverGpu(nvml, i, options, &node.warnings));
    node.gpus.push_back(std::move(gpu));
  }
  return node;
}

absl::StatusOr<NodeInfo> Discover(nvml::Library& nvml,
                                  const DiscoveryOptions& options) {
  DRA_RETURN_IF_ERROR(nvml.Init(options.init_flags));
  absl::StatusOr<NodeInfo> node = DiscoverInSession(nvml, options);
  absl::Status shutdown = nvml.Shutdown();
  if (node.ok() && !shutdown.ok()) return shutdown;
  return node;
}

}  // namespace hw

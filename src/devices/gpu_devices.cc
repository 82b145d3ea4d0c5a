#include "devices/gpu_devices.h"

#include <algorithm>

#include "absl/status/status.h"
#include "devices/attributes.h"
#include "devices/names.h"
#include "devices/semver.h"
#include "util/status_macros.h"

namespace devices {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

// Attributes every device of a GPU shares (full GPU and its MIG devices).
absl::Status AddCommonAttributes(const hw::NodeInfo& node, const hw::GpuInfo& gpu,
                                 Device& d) {
  auto& a = d.attributes;
  a[kAttrProductName] = AttributeValue::String(gpu.name);
  a[kAttrBrand] = AttributeValue::String(gpu.brand);
  a[kAttrArchitecture] = AttributeValue::String(gpu.architecture);
  DRA_ASSIGN_OR_RETURN(std::string cc, ToSemver(gpu.cudaComputeCapability));
  a[kAttrCudaComputeCapability] = AttributeValue::Version(cc);
  DRA_ASSIGN_OR_RETURN(std::string driver, ToSemver(node.driverVersion));
  a[kAttrDriverVersion] = AttributeValue::Version(driver);
  DRA_ASSIGN_OR_RETURN(std::string cuda, ToSemver(node.cudaDriverVersion));
  a[kAttrCudaDriverVersion] = AttributeValue::Version(cuda);
  if (gpu.addressingMode && !gpu.addressingMode->empty()) {
    a[kAttrAddressingMode] = AttributeValue::String(*gpu.addressingMode);
  }
  if (!gpu.pciBusID.empty()) a[kAttrPciBusId] = AttributeValue::String(gpu.pciBusID);
  if (gpu.pcieRoot && !gpu.pcieRoot->empty()) {
    a[kAttrPcieRoot] = AttributeValue::String(*gpu.pcieRoot);
  }
  return absl::OkStatus();
}

absl::Status Validate(const Device& d) {
  if (!IsDnsLabel(d.name)) {
    return absl::InvalidArgumentError("device name \"" + d.name +
                                      "\" is not a DNS label (RFC 1123, at most 63 characters)");
  }
  size_t n = d.attributes.size() + d.capacity.size();
  if (n > static_cast<size_t>(kMaxAttributesAndCapacities)) {
    return absl::InvalidArgumentError("device " + d.name + " has " + std::to_string(n) +
                                      " attributes and capacities; the limit is 32");
  }
  for (const auto& [key, v] : d.attributes) {
    if ((v.kind == AttributeValue::Kind::kString || v.kind == AttributeValue::Kind::kVersion) &&
        v.string_value.size() > static_cast<size_t>(kMaxStringAttributeLength)) {
      return absl::InvalidArgumentError("device " + d.name + " attribute " + key +
                                        " is longer than 64 bytes");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Device> FullGpuDevice(const hw::NodeInfo& node, const hw::GpuInfo& gpu) {
  Device d;
  d.name = GpuDeviceName(gpu.minor);
  d.attributes[kAttrType] = AttributeValue::String(kTypeGpu);
  d.attributes[kAttrUuid] = AttributeValue::String(gpu.uuid);
  DRA_RETURN_IF_ERROR(AddCommonAttributes(node, gpu, d));
  if (gpu.memoryBytes) {
    d.capacity[kCapMemory] = Quantity::Binary(static_cast<int64_t>(*gpu.memoryBytes));
  }
  return d;
}

const hw::MigProfile* FindProfile(const hw::GpuInfo& gpu, uint32_t id) {
  for (const auto& p : gpu.migProfiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

absl::StatusOr<Device> MigDevice(const hw::NodeInfo& node, const hw::GpuInfo& gpu,
                                 const hw::MigDeviceInfo& mig) {
  // Capacities come from the GI profile; the device's own numbers are the
  // fallback when the profile list lacks it.
  const hw::MigProfile* p = FindProfile(gpu, mig.profileId);
  std::string profile = p ? p->name : mig.profileName;
  Device d;
  d.name = MigDeviceName(gpu.minor, profile, mig.profileId, mig.placement.start);
  d.attributes[kAttrType] = AttributeValue::String(kTypeMig);
  d.attributes[kAttrUuid] = AttributeValue::String(mig.uuid);
  d.attributes[kAttrParentUuid] = AttributeValue::String(gpu.uuid);
  d.attributes[kAttrProfile] = AttributeValue::String(profile);
  DRA_RETURN_IF_ERROR(AddCommonAttributes(node, gpu, d));
  auto cap = [&d](const char* name, uint64_t v) {
    d.capacity[name] = Quantity::Decimal(static_cast<int64_t>(v));
  };
  cap(kCapMultiprocessors, p ? p->multiprocessors : mig.multiprocessors);
  cap(kCapCopyEngines, p ? p->copyEngines : mig.copyEngines);
  cap(kCapDecoders, p ? p->decoders : mig.decoders);
  cap(kCapEncoders, p ? p->encoders : mig.encoders);
  cap(kCapJpegEngines, p ? p->jpegEngines : mig.jpegEngines);
  cap(kCapOfaEngines, p ? p->ofaEngines : mig.ofaEngines);
  uint64_t mem_mb = p ? p->memoryMB : mig.memoryMB;
  d.capacity[kCapMemory] = Quantity::Binary(static_cast<int64_t>(mem_mb) * kMiB);
  for (uint32_t i = mig.placement.start; i < mig.placement.start + mig.placement.size; ++i) {
    d.capacity[std::string(kCapMemorySlicePrefix) + std::to_string(i)] = Quantity::Decimal(1);
  }
  return d;
}

}  // namespace

absl::StatusOr<BuildResult> BuildGpuDevices(const hw::NodeInfo& node) {
  BuildResult out;
  std::vector<const hw::GpuInfo*> gpus;
  for (const auto& g : node.gpus) gpus.push_back(&g);
  std::stable_sort(gpus.begin(), gpus.end(),
                   [](const hw::GpuInfo* a, const hw::GpuInfo* b) { return a->index < b->index; });
  for (const hw::GpuInfo* gpu : gpus) {
    if (!gpu->migEnabled) {
      DRA_ASSIGN_OR_RETURN(Device d, FullGpuDevice(node, *gpu));
      DRA_RETURN_IF_ERROR(Validate(d));
      out.devices.push_back(std::move(d));
      continue;
    }
    if (gpu->migDevices.empty()) {
      out.warnings.push_back("GPU " + gpu->uuid + " (minor " + std::to_string(gpu->minor) +
                             ") has MIG enabled but no MIG devices; its capacity is not "
                             "announced");
      continue;
    }
    std::vector<const hw::MigDeviceInfo*> migs;
    for (const auto& m : gpu->migDevices) migs.push_back(&m);
    std::stable_sort(migs.begin(), migs.end(),
                     [](const hw::MigDeviceInfo* a, const hw::MigDeviceInfo* b) {
                       return a->placement.start < b->placement.start;
                     });
    for (const hw::MigDeviceInfo* m : migs) {
      DRA_ASSIGN_OR_RETURN(Device d, MigDevice(node, *gpu, *m));
      DRA_RETURN_IF_ERROR(Validate(d));
      out.devices.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace devices

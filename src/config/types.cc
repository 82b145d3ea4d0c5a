// types.cc: see types.h.
#include "config/types.h"

#include <string>

namespace config {

int TimeSliceIntervalInt(std::string_view interval) {
  if (interval == kDefaultTimeSlice) return 0;
  if (interval == kShortTimeSlice) return 1;
  if (interval == kMediumTimeSlice) return 2;
  if (interval == kLongTimeSlice) return 3;
  return -1;
}

std::string_view KindOf(const AnyConfig& c) {
  struct Visitor {
    std::string_view operator()(const GpuConfig&) const { return kGpuConfigKind; }
    std::string_view operator()(const MigDeviceConfig&) const {
      return kMigDeviceConfigKind;
    }
    std::string_view operator()(const VfioDeviceConfig&) const {
      return kVfioDeviceConfigKind;
    }
    std::string_view operator()(const ComputeDomainChannelConfig&) const {
      return kComputeDomainChannelConfigKind;
    }
    std::string_view operator()(const ComputeDomainDaemonConfig&) const {
      return kComputeDomainDaemonConfigKind;
    }
    std::string_view operator()(const NonConfigObject& o) const { return o.kind; }
  };
  return std::visit(Visitor{}, c);
}

std::string GoTypeName(const AnyConfig& c) {
  return "*v1beta1." + std::string(KindOf(c));
}

}  // namespace config

// names.h: DRA device names of the GPU driver, in the reference scheme:
//   full GPU        gpu-<minor>
//   MIG device      gpu-<parentMinor>-mig-<profile>-<giProfileId>-<placementStart>
// where <profile> is the MIG profile with dots removed and cleaned up to an
// RFC 1123 label ("1g.5gb" -> "1g5gb", "1g.5gb+me" -> "1g5gb-me").
//
// Used by devices/gpu_devices.cc and, later, by the plugin to map a
// prepared device back to hardware. Pure functions; thread-safe.
#ifndef DRA_DEVICES_NAMES_H_
#define DRA_DEVICES_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace devices {

// "gpu-<minor>".
std::string GpuDeviceName(uint32_t minor);

// Profile part of a MIG device name: dots removed, lower case, characters
// outside [a-z0-9-.] replaced by '-', leading/trailing '-' trimmed.
std::string MigProfileNamePart(std::string_view profile);

// Full MIG device name.
std::string MigDeviceName(uint32_t parent_minor, std::string_view profile,
                          uint32_t gi_profile_id, uint32_t placement_start);

// True when `name` is a valid DNS label (what the API requires of a device
// name): 1..63 characters of [a-z0-9-], starting and ending alphanumeric.
bool IsDnsLabel(std::string_view name);

// The parts of a MIG device name, for mapping names back to hardware.
struct ParsedMigName {
  uint32_t parent_minor = 0;
  std::string profile_part;
  uint32_t gi_profile_id = 0;
  uint32_t placement_start = 0;
};
// Parses "gpu-<m>-mig-<profile>-<id>-<start>"; nullopt when it isn't one.
std::optional<ParsedMigName> ParseMigDeviceName(std::string_view name);

}  // namespace devices

#endif  // DRA_DEVICES_NAMES_H_

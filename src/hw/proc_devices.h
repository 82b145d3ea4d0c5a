// proc_devices.h: reads the character-device majors of the NVIDIA driver
// from <root>/proc/devices (the "Character devices:" section), e.g.
//   195 nvidia        238 nvidia-uvm
//   241 nvidia-caps   242 nvidia-caps-imex-channels
//
// Used by discovery users that build device nodes (CDI, the mock driver
// root, the ComputeDomain plugin for IMEX channels). Stateless; thread-safe.
#ifndef DRA_HW_PROC_DEVICES_H_
#define DRA_HW_PROC_DEVICES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace hw {

inline constexpr char kProcDevicesPath[] = "/proc/devices";

// The majors the driver needs; unset when the driver has not registered it.
struct DeviceMajors {
  // "nvidia-frontend" (older drivers) or else "nvidia": /dev/nvidia<N>,
  // /dev/nvidiactl.
  std::optional<uint32_t> nvidia;
  std::optional<uint32_t> nvidiaUvm;               // "nvidia-uvm"
  std::optional<uint32_t> nvidiaCaps;              // "nvidia-caps"
  std::optional<uint32_t> nvidiaCapsImexChannels;  // "nvidia-caps-imex-channels"
  // Every character device: name -> major (first occurrence wins).
  std::map<std::string, uint32_t> all;
};

// Parses the text of /proc/devices. Lines outside "Character devices:" are
// ignored. InvalidArgument for a malformed line inside that section (the
// message quotes it).
absl::StatusOr<DeviceMajors> ParseProcDevices(const std::string& text);

// Reads and parses <root>/proc/devices. NotFound when the file is missing.
absl::StatusOr<DeviceMajors> ReadProcDevices(const std::string& root);

}  // namespace hw

#endif  // DRA_HW_PROC_DEVICES_H_

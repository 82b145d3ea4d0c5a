// sysfs_pci.h: PCI facts from sysfs for one GPU, under an injected root:
//   - the PCIe root complex ("pci0000:00"), from the symlink
//     <root>/sys/bus/pci/devices/<busid> -> ../../../devices/pci0000:00/...
//     (the reference publishes it as resource.kubernetes.io/pcieRoot);
//   - the NUMA node, from <root>/sys/bus/pci/devices/<busid>/numa_node
//     ("-1" = none).
//
// Used by hw::Discover. A failure here is only an error the caller may
// ignore (the reference only warns). Stateless; thread-safe.
#ifndef DRA_HW_SYSFS_PCI_H_
#define DRA_HW_SYSFS_PCI_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace hw {

inline constexpr char kSysPciDevicesDir[] = "/sys/bus/pci/devices";

// "pci<domain>:<bus>" of the root complex above `bus_id` (sysfs form,
// "0000:00:06.0"). NotFound when the device entry is missing;
// InvalidArgument when the resolved path has no pci<dddd>:<bb> component.
absl::StatusOr<std::string> ReadPcieRoot(const std::string& sys_root,
                                         const std::string& bus_id);

// The NUMA node of `bus_id`; nullopt for -1. NotFound when the file is
// missing, InvalidArgument when it is not a number.
absl::StatusOr<std::optional<int>> ReadNumaNode(const std::string& sys_root,
                                                const std::string& bus_id);

}  // namespace hw

#endif  // DRA_HW_SYSFS_PCI_H_

// semver.h: turns the version strings NVIDIA tools print ("9.0",
// "580.159.04", "13.0") into the strict semantic versions a DRA `version`
// attribute must hold ("9.0.0", "580.159.4", "13.0.0"): missing minor/patch
// parts become 0 and leading zeros are dropped, as the reference driver's
// semver library does when it parses them.
//
// Used by devices/gpu_devices.cc. Pure; thread-safe.
#ifndef DRA_DEVICES_SEMVER_H_
#define DRA_DEVICES_SEMVER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace devices {

// InvalidArgument (naming the input) when `v` is not 1-3 dot-separated
// decimal numbers, optionally prefixed by "v" and followed by a
// "-prerelease" and/or "+build" suffix (kept as they are).
absl::StatusOr<std::string> ToSemver(std::string_view v);

}  // namespace devices

#endif  // DRA_DEVICES_SEMVER_H_

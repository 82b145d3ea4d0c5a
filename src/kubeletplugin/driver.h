// driver.h: the seam between the generic DRA kubelet-plugin runtime
// (kubeletplugin/: gRPC services, registration, claim fetch, slice
// publishing) and a driver proper (gpu/, later computedomain/).
//
// The runtime calls PrepareResourceClaims / UnprepareResourceClaims once per
// kubelet NodePrepareResources / NodeUnprepareResources call, with the
// claims the kubelet named. For Prepare, the runtime has already fetched
// each claim from the API server and checked its UID; claims it could not
// fetch never reach the driver (they get an error entry directly).
//
// Thread safety: the runtime may call both methods concurrently (two kubelet
// calls in flight); implementations serialise as they need.
#ifndef DRA_KUBELETPLUGIN_DRIVER_H_
#define DRA_KUBELETPLUGIN_DRIVER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "k8s/resource_types.h"

namespace kubeletplugin {

// What the kubelet sends to identify a claim.
struct ClaimRef {
  std::string uid;
  std::string namespace_;
  std::string name;
  bool operator==(const ClaimRef&) const = default;
};

// One device handed to the kubelet for a prepared claim (drapb.Device).
struct PreparedDevice {
  std::vector<std::string> request_names;
  std::string pool_name;
  std::string device_name;
  std::vector<std::string> cdi_device_ids;
  bool operator==(const PreparedDevice&) const = default;
};

// Per-claim outcome of Prepare: either an error or the devices.
struct PrepareResult {
  absl::Status status;  // !ok -> the kubelet gets status.message() as error
  std::vector<PreparedDevice> devices;
};

class DraDriver {
 public:
  virtual ~DraDriver() = default;

  // Keyed by claim UID; one entry for every claim passed in.
  virtual std::map<std::string, PrepareResult> PrepareResourceClaims(
      const std::vector<k8s::ResourceClaim>& claims) = 0;

  // Keyed by claim UID; one entry for every claim passed in. Must work
  // without the API server (only the kubelet's references are given).
  virtual std::map<std::string, absl::Status> UnprepareResourceClaims(
      const std::vector<ClaimRef>& claims) = 0;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_DRIVER_H_

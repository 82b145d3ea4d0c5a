// dra_service.h: the kubelet's DRA node calls (NodePrepareResources,
// NodeUnprepareResources) in two layers:
//
//  - ClaimHandler: the version-neutral logic (k8s-interfaces.md §2.4, §2.8).
//    Prepare GETs every claim the kubelet named through a ClaimGetter,
//    gives claims that cannot be fetched, were replaced (UID mismatch) or
//    are not allocated an error entry of their own, and passes the rest to
//    DraDriver::PrepareResourceClaims in one call. Unprepare passes the
//    kubelet's references straight to the driver. Both return exactly one
//    entry per requested claim UID.
//  - NewDraV1Service / NewDraV1beta1Service: thin gRPC adapters
//    (k8s.io.kubelet.pkg.apis.dra.{v1,v1beta1}.DRAPlugin) that convert the
//    messages once and call the shared ClaimHandler.
//
// Used by plugin_server.h. Thread-safe: calls run concurrently (the driver
// serialises as it needs); the ClaimGetter and DraDriver must be
// thread-safe and outlive the handler.
#ifndef DRA_KUBELETPLUGIN_DRA_SERVICE_H_
#define DRA_KUBELETPLUGIN_DRA_SERVICE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/impl/service_type.h"
#include "kubeletplugin/claim_getter.h"
#include "kubeletplugin/driver.h"

namespace kubeletplugin {

// What one finished kubelet call looked like, for metrics and logs.
struct CallInfo {
  std::string method;       // "NodePrepareResources" or "NodeUnprepareResources"
  std::string api_version;  // "v1" or "v1beta1"
  std::size_t claims = 0;         // claims in the request
  std::size_t failed_claims = 0;  // entries answered with an error
  absl::Duration duration;        // time spent in the handler
};

// Called once per kubelet call, after the response is built, on the gRPC
// thread that served it. Must be thread-safe.
using CallObserver = std::function<void(const CallInfo&)>;

class ClaimHandler {
 public:
  // Neither pointer is owned; both must outlive the handler.
  ClaimHandler(ClaimGetter* getter, DraDriver* driver) : getter_(getter), driver_(driver) {}
  ClaimHandler(const ClaimHandler&) = delete;
  ClaimHandler& operator=(const ClaimHandler&) = delete;

  // One entry per distinct claim UID in `claims`. Nothing is fetched and the
  // driver is not called when `claims` is empty.
  std::map<std::string, PrepareResult> Prepare(const std::vector<ClaimRef>& claims);

  // One entry per distinct claim UID in `claims`; no API server access.
  std::map<std::string, absl::Status> Unprepare(const std::vector<ClaimRef>& claims);

 private:
  ClaimGetter* const getter_;
  DraDriver* const driver_;
};

// "gpu" for "gpu/sub-0": the kubelet matches containers against main
// request names (subrequest suffixes are stripped).
std::string MainRequestName(const std::string& request_name);

// gRPC services on top of `handler` (not owned, must outlive the service).
// `observer` may be empty.
std::unique_ptr<grpc::Service> NewDraV1Service(ClaimHandler* handler, CallObserver observer);
std::unique_ptr<grpc::Service> NewDraV1beta1Service(ClaimHandler* handler,
                                                    CallObserver observer);

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_DRA_SERVICE_H_

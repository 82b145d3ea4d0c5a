// registration_service.h: the pluginregistration.Registration service the
// kubelet's plugin watcher calls on the registration socket
// (k8s-interfaces.md §1.1, §2.2, §2.3). GetInfo answers type "DRAPlugin",
// the driver name, the DRA socket path and the DRA services in preference
// order; NotifyRegistrationStatus records the kubelet's verdict (readable
// through RegistrationState, e.g. for health and logs) and answers OK for
// plugin_registered=true and a gRPC error otherwise.
//
// Used by plugin_server.h. Thread-safe.
#ifndef DRA_KUBELETPLUGIN_REGISTRATION_SERVICE_H_
#define DRA_KUBELETPLUGIN_REGISTRATION_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/impl/service_type.h"

namespace kubeletplugin {

inline constexpr char kDraPluginType[] = "DRAPlugin";
// The DRA services we serve, as advertised in supported_versions.
inline constexpr char kDraV1Service[] = "v1.DRAPlugin";
inline constexpr char kDraV1beta1Service[] = "v1beta1.DRAPlugin";

// The kubelet's last word on our registration.
struct RegistrationStatusSnapshot {
  bool notified = false;    // NotifyRegistrationStatus was called at least once
  bool registered = false;  // its last plugin_registered
  std::string error;        // its last error ("" on success)
  int notifications = 0;    // how many times it was called
};

class RegistrationState {
 public:
  void Record(bool registered, const std::string& error) ABSL_LOCKS_EXCLUDED(mu_);
  RegistrationStatusSnapshot Get() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  RegistrationStatusSnapshot status_ ABSL_GUARDED_BY(mu_);
};

struct RegistrationInfo {
  std::string driver_name;
  std::string endpoint;  // absolute path of the DRA socket
  std::vector<std::string> supported_versions = {kDraV1Service, kDraV1beta1Service};
};

// `state` is not owned and must outlive the service.
std::unique_ptr<grpc::Service> NewRegistrationService(RegistrationInfo info,
                                                      RegistrationState* state);

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_REGISTRATION_SERVICE_H_

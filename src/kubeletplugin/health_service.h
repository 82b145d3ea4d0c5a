// health_service.h: the plugin's liveness endpoint, a grpc.health.v1.Health
// server on TCP (--healthcheck-port; upstream-inventory.md §5 "Health
// endpoint"). Known services are "" and "liveness" (anything else is
// NOT_FOUND). Check answers SERVING only when the caller's check passes;
// PluginServer's check dials the plugin's own sockets like the kubelet
// would: GetInfo on the registration socket and an empty v1beta1
// NodePrepareResources on the DRA socket (ProbePluginSockets), and adds
// its optional conditions. Watch is UNIMPLEMENTED.
//
// Used by plugin_server.h. Thread-safe if the check function is.
#ifndef DRA_KUBELETPLUGIN_HEALTH_SERVICE_H_
#define DRA_KUBELETPLUGIN_HEALTH_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/impl/service_type.h"

namespace kubeletplugin {

inline constexpr char kLivenessService[] = "liveness";
inline constexpr char kReadinessService[] = "readiness";

// Returns OK when healthy, otherwise why not. `deadline` bounds the work.
// Called per Check with the service asked for ("" and kLivenessService
// mean liveness, kReadinessService readiness).
using HealthCheckFn = std::function<absl::Status(const std::string& service, absl::Time deadline)>;

// `timeout` caps each Check (the probe's own deadline, if earlier, wins).
std::unique_ptr<grpc::Service> NewHealthService(HealthCheckFn check, absl::Duration timeout);

// Calls GetInfo on the registration socket and an empty v1beta1
// NodePrepareResources on the DRA socket (absolute paths), each bounded by
// `deadline`. OK when both answer OK.
absl::Status ProbePluginSockets(const std::string& registration_socket,
                                const std::string& dra_socket, absl::Time deadline);

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_HEALTH_SERVICE_H_

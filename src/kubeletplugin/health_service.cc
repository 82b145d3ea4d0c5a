#include "kubeletplugin/health_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "kubeletplugin/proto/dra_v1beta1.grpc.pb.h"
#include "kubeletplugin/proto/health.grpc.pb.h"
#include "kubeletplugin/proto/pluginregistration.grpc.pb.h"

namespace kubeletplugin {
namespace {

namespace healthpb = ::grpc::health::v1;
namespace v1beta1pb = ::k8s::io::kubelet::pkg::apis::dra::v1beta1;

class HealthService final : public healthpb::Health::Service {
 public:
  HealthService(HealthCheckFn check, absl::Duration timeout)
      : check_(std::move(check)), timeout_(timeout) {}

  grpc::Status Check(grpc::ServerContext* ctx, const healthpb::HealthCheckRequest* req,
                     healthpb::HealthCheckResponse* resp) override {
    if (!req->service().empty() && req->service() != kLivenessService &&
        req->service() != kReadinessService) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service " + req->service());
    }
    absl::Time deadline = absl::Now() + timeout_;
    const absl::Time caller = absl::FromChrono(ctx->deadline());
    if (caller < deadline) deadline = caller;
    const bool ok = check_ ? check_(req->service(), deadline).ok() : true;
    resp->set_status(ok ? healthpb::HealthCheckResponse::SERVING
                        : healthpb::HealthCheckResponse::NOT_SERVING);
    return grpc::Status::OK;
  }

 private:
  const HealthCheckFn check_;
  const absl::Duration timeout_;
};

absl::Status FromGrpc(const std::string& what, const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

}  // namespace

std::unique_ptr<grpc::Service> NewHealthService(HealthCheckFn check, absl::Duration timeout) {
  return std::make_unique<HealthService>(std::move(check), timeout);
}

absl::Status ProbePluginSockets(const std::string& registration_socket,
                                const std::string& dra_socket, absl::Time deadline) {
  {
    auto channel = grpc::CreateChannel("unix:" + registration_socket,
                                       grpc::InsecureChannelCredentials());
    auto stub = pluginregistration::Registration::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(deadline));
    pluginregistration::InfoRequest req;
    pluginregistration::PluginInfo info;
    absl::Status s = FromGrpc("GetInfo on " + registration_socket, stub->GetInfo(&ctx, req, &info));
    if (!s.ok()) return s;
  }
  auto channel = grpc::CreateChannel("unix:" + dra_socket, grpc::InsecureChannelCredentials());
  auto stub = v1beta1pb::DRAPlugin::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(deadline));
  v1beta1pb::NodePrepareResourcesRequest req;
  v1beta1pb::NodePrepareResourcesResponse resp;
  return FromGrpc("NodePrepareResources on " + dra_socket,
                  stub->NodePrepareResources(&ctx, req, &resp));
}

}  // namespace kubeletplugin

#include "kubeletplugin/registration_service.h"

#include <utility>

#include "kubeletplugin/proto/pluginregistration.grpc.pb.h"

namespace kubeletplugin {
namespace {

namespace regpb = ::pluginregistration;

class RegistrationService final : public regpb::Registration::Service {
 public:
  RegistrationService(RegistrationInfo info, RegistrationState* state)
      : info_(std::move(info)), state_(state) {}

  grpc::Status GetInfo(grpc::ServerContext*, const regpb::InfoRequest*,
                       regpb::PluginInfo* resp) override {
    resp->set_type(kDraPluginType);
    resp->set_name(info_.driver_name);
    resp->set_endpoint(info_.endpoint);
    for (const std::string& v : info_.supported_versions) resp->add_supported_versions(v);
    return grpc::Status::OK;
  }

  grpc::Status NotifyRegistrationStatus(grpc::ServerContext*,
                                        const regpb::RegistrationStatus* req,
                                        regpb::RegistrationStatusResponse*) override {
    state_->Record(req->plugin_registered(), req->error());
    if (req->plugin_registered()) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "kubelet registration of DRA driver " + info_.driver_name +
                            " failed: " + req->error());
  }

 private:
  const RegistrationInfo info_;
  RegistrationState* const state_;
};

}  // namespace

void RegistrationState::Record(bool registered, const std::string& error) {
  absl::MutexLock lock(&mu_);
  status_.notified = true;
  status_.registered = registered;
  status_.error = error;
  ++status_.notifications;
}

RegistrationStatusSnapshot RegistrationState::Get() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

std::unique_ptr<grpc::Service> NewRegistrationService(RegistrationInfo info,
                                                      RegistrationState* state) {
  return std::make_unique<RegistrationService>(std::move(info), state);
}

}  // namespace kubeletplugin

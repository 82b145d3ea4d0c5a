#include "kubeletplugin/plugin_server.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "kubeletplugin/health_service.h"

namespace kubeletplugin {
namespace {

namespace fs = std::filesystem;

// Removes a leftover socket (or any non-directory) at `path`.
absl::Status RemoveStale(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(path, ec))) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is a directory"));
  }
  if (!fs::remove(path, ec) && ec) {
    return absl::InternalError(absl::StrCat("remove stale socket ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

void RemoveQuietly(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  fs::remove(path, ec);
}

std::unique_ptr<grpc::Server> ServeUnix(const std::string& path,
                                        std::initializer_list<grpc::Service*> services) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials());
  for (grpc::Service* s : services) builder.RegisterService(s);
  return builder.BuildAndStart();
}

}  // namespace

std::string PodUidFromEnv() {
  const char* uid = std::getenv("POD_UID");
  return uid != nullptr ? uid : "";
}

PluginServer::PluginServer(PluginServerOptions options, ClaimGetter* getter, DraDriver* driver)
    : options_(std::move(options)), handler_(getter, driver) {}

PluginServer::~PluginServer() { Stop(); }

absl::Status PluginServer::Start() {
  if (dra_server_ != nullptr) return absl::FailedPreconditionError("plugin server already started");
  absl::Status s = StartLocked();
  if (!s.ok()) Stop();
  return s;
}

absl::Status PluginServer::StartLocked() {
  if (options_.driver_name.empty() || options_.driver_name.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid driver name \"", options_.driver_name, "\""));
  }
  if (options_.node_name.empty()) return absl::InvalidArgumentError("node name is required");
  absl::StatusOr<std::string> dra =
      DraSocketPath(options_.plugins_dir, options_.driver_name, options_.pod_uid);
  if (!dra.ok()) return dra.status();
  absl::StatusOr<std::string> reg =
      RegistrationSocketPath(options_.registrar_dir, options_.driver_name, options_.pod_uid);
  if (!reg.ok()) return reg.status();
  if (!fs::path(*dra).is_absolute() || !fs::path(*reg).is_absolute()) {
    return absl::InvalidArgumentError("kubelet plugin and registrar directories must be absolute");
  }

  // The plugin's own data directory (0750).
  const std::string data_dir = PluginDataDir(options_.plugins_dir, options_.driver_name);
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("create ", data_dir, ": ", ec.message()));
  if (::chmod(data_dir.c_str(), 0750) != 0) {
    return absl::InternalError(absl::StrCat("chmod ", data_dir, ": ", std::strerror(errno)));
  }
  if (!fs::is_directory(options_.registrar_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("kubelet registrar directory ", options_.registrar_dir, " does not exist"));
  }

  // 1. DRA services.
  dra_v1_ = NewDraV1Service(&handler_, options_.observer);
  dra_v1beta1_ = NewDraV1beta1Service(&handler_, options_.observer);
  if (absl::Status s = RemoveStale(*dra); !s.ok()) return s;
  dra_server_ = ServeUnix(*dra, {dra_v1_.get(), dra_v1beta1_.get()});
  if (dra_server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve DRA gRPC on ", *dra));
  }
  dra_socket_ = *dra;

  // 2. Registration, only once the DRA socket is serving.
  registration_service_ = NewRegistrationService(
      RegistrationInfo{options_.driver_name, dra_socket_}, &registration_);
  if (absl::Status s = RemoveStale(*reg); !s.ok()) return s;
  registration_server_ = ServeUnix(*reg, {registration_service_.get()});
  if (registration_server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve plugin registration on ", *reg));
  }
  registration_socket_ = *reg;

  // 3. Optional health endpoint on TCP.
  if (options_.healthcheck_port >= 0) {
    health_service_ = NewHealthService(
        [this](const std::string& service, absl::Time deadline) {
          return service == kReadinessService ? CheckReadiness(deadline) : CheckHealth(deadline);
        },
        options_.health_check_timeout);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(absl::StrCat(options_.healthcheck_host, ":", options_.healthcheck_port),
                             grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(health_service_.get());
    health_server_ = builder.BuildAndStart();
    if (health_server_ == nullptr || port == 0) {
      return absl::UnavailableError(absl::StrCat("cannot serve gRPC health on ",
                                                 options_.healthcheck_host, ":",
                                                 options_.healthcheck_port));
    }
    health_port_ = port;
  }
  return absl::OkStatus();
}

void PluginServer::Stop() {
  // Registration goes first so the kubelet stops sending calls.
  for (auto* server : {&registration_server_, &health_server_, &dra_server_}) {
    if (*server != nullptr) {
      // In-flight calls get a moment; an idle kubelet connection must not
      // hold a restart (rolling update, crash tests) for long.
      (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      (*server)->Wait();
      server->reset();
    }
  }
  RemoveQuietly(registration_socket_);
  RemoveQuietly(dra_socket_);
  health_port_ = -1;
}

absl::Status PluginServer::CheckHealth(absl::Time deadline) const {
  if (registration_socket_.empty() || dra_socket_.empty()) {
    return absl::UnavailableError("plugin server not started");
  }
  if (options_.health_requires_registration) {
    RegistrationStatusSnapshot reg = registration_.Get();
    if (!reg.registered) {
      return absl::UnavailableError(
          reg.notified ? absl::StrCat("kubelet rejected the registration: ", reg.error)
                       : "kubelet has not confirmed the registration yet");
    }
  }
  return ProbePluginSockets(registration_socket_, dra_socket_, deadline);
}

absl::Status PluginServer::CheckReadiness(absl::Time deadline) const {
  absl::Status live = CheckHealth(deadline);
  if (!live.ok()) return live;
  if (options_.ready && !options_.ready()) return absl::UnavailableError("driver not ready");
  return absl::OkStatus();
}

}  // namespace kubeletplugin

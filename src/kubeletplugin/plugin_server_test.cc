// Tests of PluginServer through real gRPC clients on its Unix sockets, with
// a fake ClaimGetter and a fake DraDriver.
#include "kubeletplugin/plugin_server.h"

#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "kubeletplugin/proto/health.grpc.pb.h"
#include "kubeletplugin/proto/pluginregistration.grpc.pb.h"
#include "kubeletplugin/test_fakes.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

namespace fs = std::filesystem;
namespace healthpb = ::grpc::health::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing_util::StatusIs;

constexpr char kDriver[] = "gpu.nvidia.com";
constexpr char kPodUid[] = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

bool IsSocket(const std::string& path) {
  std::error_code ec;
  return fs::is_socket(fs::symlink_status(path, ec));
}

class PluginServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short paths: a Unix socket path must fit in kMaxSocketPathLength bytes.
    char tmpl[] = "/tmp/kp-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    reg_dir_ = root_ + "/reg";
    plugins_dir_ = root_ + "/plugins";
    fs::create_directories(reg_dir_);
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  PluginServerOptions Options() {
    PluginServerOptions o;
    o.driver_name = kDriver;
    o.node_name = "node-1";
    o.registrar_dir = reg_dir_;
    o.plugins_dir = plugins_dir_;
    return o;
  }
  absl::Status StartServer(PluginServerOptions o) {
    server_ = std::make_unique<PluginServer>(std::move(o), &getter_, &driver_);
    return server_->Start();
  }

  grpc::Status GetInfo(const std::string& socket, pluginregistration::PluginInfo* info) {
    auto stub = pluginregistration::Registration::NewStub(
        grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub->GetInfo(&ctx, pluginregistration::InfoRequest(), info);
  }
  grpc::Status Notify(bool registered, const std::string& error) {
    auto stub = pluginregistration::Registration::NewStub(grpc::CreateChannel(
        "unix:" + server_->registration_socket_path(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pluginregistration::RegistrationStatus req;
    req.set_plugin_registered(registered);
    req.set_error(error);
    pluginregistration::RegistrationStatusResponse resp;
    return stub->NotifyRegistrationStatus(&ctx, req, &resp);
  }
  grpc::Status Health(const std::string& service, healthpb::HealthCheckResponse* resp) {
    auto stub = healthpb::Health::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->health_port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    healthpb::HealthCheckRequest req;
    req.set_service(service);
    return stub->Check(&ctx, req, resp);
  }

  std::string root_, reg_dir_, plugins_dir_;
  FakeClaimGetter getter_;
  FakeDriver driver_;
  std::unique_ptr<PluginServer> server_;
};

TEST_F(PluginServerTest, GetInfoValues) {
  ASSERT_OK(StartServer(Options()));
  const std::string dra = plugins_dir_ + "/gpu.nvidia.com/dra.sock";
  const std::string reg = reg_dir_ + "/gpu.nvidia.com-reg.sock";
  EXPECT_EQ(server_->dra_socket_path(), dra);
  EXPECT_EQ(server_->registration_socket_path(), reg);
  EXPECT_TRUE(IsSocket(dra));
  EXPECT_TRUE(IsSocket(reg));
  EXPECT_EQ(fs::status(plugins_dir_ + "/gpu.nvidia.com").permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);

  pluginregistration::PluginInfo info;
  ASSERT_TRUE(GetInfo(reg, &info).ok());
  EXPECT_EQ(info.type(), "DRAPlugin");
  EXPECT_EQ(info.name(), "gpu.nvidia.com");
  EXPECT_EQ(info.endpoint(), dra);
  EXPECT_THAT(info.supported_versions(), ElementsAre("v1.DRAPlugin", "v1beta1.DRAPlugin"));
}

TEST_F(PluginServerTest, NotifyRegistrationStatusIsRecorded) {
  ASSERT_OK(StartServer(Options()));
  EXPECT_FALSE(server_->registration_status().notified);

  grpc::Status bad = Notify(false, "no handler registered for plugin type");
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.error_message(), HasSubstr("no handler registered"));
  RegistrationStatusSnapshot s = server_->registration_status();
  EXPECT_TRUE(s.notified);
  EXPECT_FALSE(s.registered);
  EXPECT_EQ(s.error, "no handler registered for plugin type");

  EXPECT_TRUE(Notify(true, "").ok());
  s = server_->registration_status();
  EXPECT_TRUE(s.registered);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.notifications, 2);
}

TEST_F(PluginServerTest, PodUidGivesUniqueSocketNames) {
  PluginServerOptions o = Options();
  o.pod_uid = kPodUid;
  ASSERT_OK(StartServer(o));
  const std::string dra = plugins_dir_ + "/gpu.nvidia.com/dra-" + kPodUid + ".sock";
  EXPECT_EQ(server_->dra_socket_path(), dra);
  EXPECT_EQ(server_->registration_socket_path(),
            reg_dir_ + "/gpu.nvidia.com-" + kPodUid + "-reg.sock");
  pluginregistration::PluginInfo info;
  ASSERT_TRUE(GetInfo(server_->registration_socket_path(), &info).ok());
  EXPECT_EQ(info.endpoint(), dra);
}

TEST_F(PluginServerTest, LongRegistrarDirUsesHashedName) {
  // Long enough that "<driver>-<uid>-reg.sock" is too long; the hashed
  // name (35 bytes) fits exactly.
  reg_dir_ = root_ + "/" + std::string(kMaxSocketPathLength - 35 - root_.size() - 2, 'r');
  fs::create_directories(reg_dir_);
  PluginServerOptions o = Options();
  o.pod_uid = kPodUid;
  ASSERT_OK(StartServer(o));
  const std::string want = reg_dir_ + "/gpu.nvidia.com-" + HashedName(kPodUid, 8) + "-reg.sock";
  EXPECT_EQ(server_->registration_socket_path(), want);
  EXPECT_EQ(want.size(), kMaxSocketPathLength);
  pluginregistration::PluginInfo info;
  ASSERT_TRUE(GetInfo(want, &info).ok());
  EXPECT_EQ(info.name(), kDriver);
}

TEST_F(PluginServerTest, StopRemovesSocketsAndStaleOnesAreReplaced) {
  // A stale file where the DRA socket goes (left by a crash).
  fs::create_directories(plugins_dir_ + "/gpu.nvidia.com");
  std::ofstream(plugins_dir_ + "/gpu.nvidia.com/dra.sock") << "stale";
  std::ofstream(reg_dir_ + "/gpu.nvidia.com-reg.sock") << "stale";
  ASSERT_OK(StartServer(Options()));
  const std::string dra = server_->dra_socket_path();
  const std::string reg = server_->registration_socket_path();
  EXPECT_TRUE(IsSocket(dra));
  EXPECT_TRUE(IsSocket(reg));
  server_->Stop();
  EXPECT_FALSE(fs::exists(dra));
  EXPECT_FALSE(fs::exists(reg));
  server_->Stop();  // idempotent
  pluginregistration::PluginInfo info;
  EXPECT_FALSE(GetInfo(reg, &info).ok());
}

TEST_F(PluginServerTest, DraSocketIsCreatedBeforeRegistrationSocket) {
  const std::string data_dir = plugins_dir_ + "/gpu.nvidia.com";
  fs::create_directories(data_dir);
  int fd = ::inotify_init1(IN_NONBLOCK);
  ASSERT_GE(fd, 0);
  ASSERT_GE(::inotify_add_watch(fd, data_dir.c_str(), IN_CREATE), 0);
  ASSERT_GE(::inotify_add_watch(fd, reg_dir_.c_str(), IN_CREATE), 0);
  ASSERT_OK(StartServer(Options()));
  std::vector<std::string> created;
  alignas(inotify_event) char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      if (ev->len > 0) created.push_back(ev->name);
      p += sizeof(inotify_event) + ev->len;
    }
  }
  ::close(fd);
  EXPECT_THAT(created, ElementsAre("dra.sock", "gpu.nvidia.com-reg.sock"));
}

TEST_F(PluginServerTest, StartErrors) {
  PluginServerOptions o = Options();
  o.driver_name = "";
  EXPECT_THAT(StartServer(o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("driver")));

  o = Options();
  o.registrar_dir = root_ + "/missing";
  EXPECT_THAT(StartServer(o),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("registrar directory")));
  // Nothing stays behind on failure.
  EXPECT_FALSE(fs::exists(plugins_dir_ + "/gpu.nvidia.com/dra.sock"));

  o = Options();
  o.plugins_dir = "/" + std::string(100, 'p');
  EXPECT_THAT(StartServer(o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("107")));

  ASSERT_OK(StartServer(Options()));
  EXPECT_THAT(server_->Start(), StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
}

TEST_F(PluginServerTest, LivenessFollowsRegistrationReadinessFollowsReady) {
  bool ready = false;
  PluginServerOptions o = Options();
  o.healthcheck_port = 0;
  o.health_requires_registration = true;
  o.ready = [&ready] { return ready; };
  ASSERT_OK(StartServer(o));
  ASSERT_GT(server_->health_port(), 0);

  healthpb::HealthCheckResponse resp;
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::NOT_SERVING);

  ASSERT_TRUE(Notify(true, "").ok());
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::SERVING);  // alive...
  ASSERT_TRUE(Health("readiness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::NOT_SERVING);  // ...not ready yet

  ready = true;
  ASSERT_TRUE(Health("readiness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::SERVING);
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::SERVING);
  ASSERT_TRUE(Health("", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::SERVING);
  // The probe's empty NodePrepareResources never reaches the driver.
  EXPECT_EQ(driver_.prepare_calls(), 0);

  grpc::Status unknown = Health("other", &resp);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);

  // The kubelet rejecting a later registration turns liveness off again.
  EXPECT_FALSE(Notify(false, "endpoint already registered").ok());
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::NOT_SERVING);
}

TEST_F(PluginServerTest, HealthByDefaultProbesTheSockets) {
  PluginServerOptions o = Options();
  o.healthcheck_port = 0;
  ASSERT_OK(StartServer(o));
  healthpb::HealthCheckResponse resp;
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::SERVING);

  // Without the registration socket the probe fails.
  fs::remove(server_->registration_socket_path());
  absl::Status s = server_->CheckHealth(absl::Now() + absl::Seconds(2));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("GetInfo"));
  ASSERT_TRUE(Health("liveness", &resp).ok());
  EXPECT_EQ(resp.status(), healthpb::HealthCheckResponse::NOT_SERVING);
}

TEST(PodUidFromEnvTest, ReadsPodUid) {
  ::setenv("POD_UID", kPodUid, 1);
  EXPECT_EQ(PodUidFromEnv(), kPodUid);
  ::unsetenv("POD_UID");
  EXPECT_EQ(PodUidFromEnv(), "");
}

TEST_F(PluginServerTest, HealthDisabledByDefault) {
  ASSERT_OK(StartServer(Options()));
  EXPECT_EQ(server_->health_port(), -1);
}

}  // namespace
}  // namespace kubeletplugin

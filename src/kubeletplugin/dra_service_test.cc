// NodePrepareResources / NodeUnprepareResources through real gRPC clients
// on the DRA socket, for both v1 and v1beta1 (typed tests), plus the
// version-neutral ClaimHandler.
#include "kubeletplugin/dra_service.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "kubeletplugin/plugin_server.h"
#include "kubeletplugin/proto/dra_v1.grpc.pb.h"
#include "kubeletplugin/proto/dra_v1beta1.grpc.pb.h"
#include "kubeletplugin/test_fakes.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

struct V1 {
  using Stub = ::k8s::io::kubelet::pkg::apis::dra::v1::DRAPlugin::Stub;
  using Pb = ::k8s::io::kubelet::pkg::apis::dra::v1::DRAPlugin;
  using PrepareRequest = ::k8s::io::kubelet::pkg::apis::dra::v1::NodePrepareResourcesRequest;
  using PrepareResponse = ::k8s::io::kubelet::pkg::apis::dra::v1::NodePrepareResourcesResponse;
  using UnprepareRequest = ::k8s::io::kubelet::pkg::apis::dra::v1::NodeUnprepareResourcesRequest;
  using UnprepareResponse =
      ::k8s::io::kubelet::pkg::apis::dra::v1::NodeUnprepareResourcesResponse;
  static constexpr char kName[] = "v1";
};
struct V1beta1 {
  using Stub = ::k8s::io::kubelet::pkg::apis::dra::v1beta1::DRAPlugin::Stub;
  using Pb = ::k8s::io::kubelet::pkg::apis::dra::v1beta1::DRAPlugin;
  using PrepareRequest = ::k8s::io::kubelet::pkg::apis::dra::v1beta1::NodePrepareResourcesRequest;
  using PrepareResponse =
      ::k8s::io::kubelet::pkg::apis::dra::v1beta1::NodePrepareResourcesResponse;
  using UnprepareRequest =
      ::k8s::io::kubelet::pkg::apis::dra::v1beta1::NodeUnprepareResourcesRequest;
  using UnprepareResponse =
      ::k8s::io::kubelet::pkg::apis::dra::v1beta1::NodeUnprepareResourcesResponse;
  static constexpr char kName[] = "v1beta1";
};

template <typename Api>
class DraServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kd-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ + "/reg");
    PluginServerOptions o;
    o.driver_name = "gpu.nvidia.com";
    o.node_name = "node-1";
    o.registrar_dir = root_ + "/reg";
    o.plugins_dir = root_ + "/plugins";
    o.observer = [this](const CallInfo& c) {
      absl::MutexLock l(&mu_);
      calls_.push_back(c);
    };
    server_ = std::make_unique<PluginServer>(o, &getter_, &driver_);
    ASSERT_OK(server_->Start());
    stub_ = Api::Pb::NewStub(grpc::CreateChannel("unix:" + server_->dra_socket_path(),
                                                 grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  static void AddClaim(typename Api::PrepareRequest* req, const std::string& uid,
                       const std::string& name) {
    auto* c = req->add_claims();
    c->set_uid(uid);
    c->set_namespace_("ns1");
    c->set_name(name);
  }
  grpc::Status Prepare(const typename Api::PrepareRequest& req,
                       typename Api::PrepareResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->NodePrepareResources(&ctx, req, resp);
  }
  std::vector<CallInfo> calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }

  std::string root_;
  FakeClaimGetter getter_;
  FakeDriver driver_;
  std::unique_ptr<PluginServer> server_;
  std::unique_ptr<typename Api::Stub> stub_;
  absl::Mutex mu_;
  std::vector<CallInfo> calls_;
};

using Versions = ::testing::Types<V1, V1beta1>;
TYPED_TEST_SUITE(DraServiceTest, Versions);

TYPED_TEST(DraServiceTest, PrepareMapsDriverResults) {
  this->getter_.AddClaim("ns1", "a", "uid-a");
  PrepareResult r;
  r.devices.push_back({{"gpu", "gpu/sub-1"}, "node-1", "gpu-0",
                       {"k8s.gpu.nvidia.com/device=gpu-0", "k8s.gpu.nvidia.com/claim=uid-a"}});
  r.devices.push_back({{}, "node-1", "gpu-1", {}});
  this->driver_.SetPrepare("uid-a", r);

  typename TypeParam::PrepareRequest req;
  this->AddClaim(&req, "uid-a", "a");
  typename TypeParam::PrepareResponse resp;
  ASSERT_TRUE(this->Prepare(req, &resp).ok());
  ASSERT_EQ(resp.claims_size(), 1);
  const auto& entry = resp.claims().at("uid-a");
  EXPECT_EQ(entry.error(), "");
  ASSERT_EQ(entry.devices_size(), 2);
  // Subrequest suffixes are stripped.
  EXPECT_THAT(entry.devices(0).request_names(), ElementsAre("gpu", "gpu"));
  EXPECT_EQ(entry.devices(0).pool_name(), "node-1");
  EXPECT_EQ(entry.devices(0).device_name(), "gpu-0");
  EXPECT_THAT(entry.devices(0).cdi_device_ids(),
              ElementsAre("k8s.gpu.nvidia.com/device=gpu-0", "k8s.gpu.nvidia.com/claim=uid-a"));
  EXPECT_THAT(entry.devices(1).request_names(), IsEmpty());
  EXPECT_EQ(entry.devices(1).device_name(), "gpu-1");
  EXPECT_THAT(this->getter_.gets(), ElementsAre("ns1/a"));

  std::vector<CallInfo> calls = this->calls();
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].method, "NodePrepareResources");
  EXPECT_EQ(calls[0].api_version, TypeParam::kName);
  EXPECT_EQ(calls[0].claims, 1u);
  EXPECT_EQ(calls[0].failed_claims, 0u);
}

TYPED_TEST(DraServiceTest, PrepareGivesEachClaimItsOwnEntry) {
  this->getter_.AddClaim("ns1", "ok", "uid-ok");
  this->getter_.AddClaim("ns1", "broken", "uid-broken");
  this->getter_.AddClaim("ns1", "replaced", "uid-new");  // kubelet asks for uid-old
  this->getter_.Set("ns1", "flaky", absl::UnavailableError("connection refused"));
  k8s::ResourceClaim unallocated;
  unallocated.metadata = {.name = "pending", .namespace_ = "ns1", .uid = "uid-pending"};
  this->getter_.Set("ns1", "pending", unallocated);
  PrepareResult bad;
  bad.status = absl::InternalError("MIG device creation failed");
  this->driver_.SetPrepare("uid-broken", bad);
  PrepareResult good;
  good.devices.push_back({{"gpu"}, "node-1", "gpu-3", {"k8s.gpu.nvidia.com/device=gpu-3"}});
  this->driver_.SetPrepare("uid-ok", good);

  typename TypeParam::PrepareRequest req;
  this->AddClaim(&req, "uid-ok", "ok");
  this->AddClaim(&req, "uid-broken", "broken");
  this->AddClaim(&req, "uid-old", "replaced");
  this->AddClaim(&req, "uid-flaky", "flaky");
  this->AddClaim(&req, "uid-missing", "missing");
  this->AddClaim(&req, "uid-pending", "pending");
  typename TypeParam::PrepareResponse resp;
  ASSERT_TRUE(this->Prepare(req, &resp).ok());
  ASSERT_EQ(resp.claims_size(), 6);

  EXPECT_EQ(resp.claims().at("uid-ok").error(), "");
  ASSERT_EQ(resp.claims().at("uid-ok").devices_size(), 1);
  EXPECT_EQ(resp.claims().at("uid-ok").devices(0).device_name(), "gpu-3");
  EXPECT_EQ(resp.claims().at("uid-broken").error(), "MIG device creation failed");
  EXPECT_EQ(resp.claims().at("uid-broken").devices_size(), 0);
  const std::string mismatch = resp.claims().at("uid-old").error();
  EXPECT_THAT(mismatch, HasSubstr("ns1/replaced"));
  EXPECT_THAT(mismatch, HasSubstr("UID mismatch"));
  EXPECT_THAT(mismatch, HasSubstr("uid-old"));
  EXPECT_THAT(mismatch, HasSubstr("uid-new"));
  EXPECT_THAT(resp.claims().at("uid-flaky").error(),
              HasSubstr("get ResourceClaim ns1/flaky: connection refused"));
  EXPECT_THAT(resp.claims().at("uid-missing").error(), HasSubstr("not found"));
  EXPECT_THAT(resp.claims().at("uid-pending").error(), HasSubstr("not allocated"));

  // One driver call with just the claims that could be fetched and matched.
  EXPECT_THAT(this->driver_.prepared(), ElementsAre(ElementsAre("uid-ok", "uid-broken")));
  std::vector<CallInfo> calls = this->calls();
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].claims, 6u);
  EXPECT_EQ(calls[0].failed_claims, 5u);
}

TYPED_TEST(DraServiceTest, UnpreparePassesReferencesWithoutApiCalls) {
  this->driver_.SetUnprepare("uid-2", absl::InternalError("device busy"));
  typename TypeParam::UnprepareRequest req;
  for (const char* id : {"1", "2"}) {
    auto* c = req.add_claims();
    c->set_uid(std::string("uid-") + id);
    c->set_namespace_("ns1");
    c->set_name(std::string("claim-") + id);
  }
  typename TypeParam::UnprepareResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(this->stub_->NodeUnprepareResources(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.claims_size(), 2);
  EXPECT_EQ(resp.claims().at("uid-1").error(), "");
  EXPECT_EQ(resp.claims().at("uid-2").error(), "device busy");
  EXPECT_THAT(this->driver_.unprepared(),
              ElementsAre(ElementsAre(ClaimRef{"uid-1", "ns1", "claim-1"},
                                      ClaimRef{"uid-2", "ns1", "claim-2"})));
  EXPECT_THAT(this->getter_.gets(), IsEmpty());
  std::vector<CallInfo> calls = this->calls();
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].method, "NodeUnprepareResources");
  EXPECT_EQ(calls[0].failed_claims, 1u);
}

TYPED_TEST(DraServiceTest, EmptyPrepareDoesNotCallTheDriver) {
  typename TypeParam::PrepareRequest req;
  typename TypeParam::PrepareResponse resp;
  ASSERT_TRUE(this->Prepare(req, &resp).ok());
  EXPECT_EQ(resp.claims_size(), 0);
  EXPECT_EQ(this->driver_.prepare_calls(), 0);
}

// A driver that forgets a claim or errs without a message.
class SloppyDriver : public FakeDriver {
 public:
  std::map<std::string, PrepareResult> PrepareResourceClaims(
      const std::vector<k8s::ResourceClaim>& claims) override {
    std::map<std::string, PrepareResult> out;
    out["uid-b"].status = absl::UnknownError("");
    out["uid-stranger"] = PrepareResult{};
    return out;
  }
  std::map<std::string, absl::Status> UnprepareResourceClaims(
      const std::vector<ClaimRef>& claims) override {
    return {};
  }
};

TEST(ClaimHandlerTest, MissingOrEmptyDriverAnswersBecomeErrors) {
  FakeClaimGetter getter;
  getter.AddClaim("ns", "a", "uid-a");
  getter.AddClaim("ns", "b", "uid-b");
  SloppyDriver driver;
  ClaimHandler handler(&getter, &driver);
  std::map<std::string, PrepareResult> got =
      handler.Prepare({{"uid-a", "ns", "a"}, {"uid-b", "ns", "b"}, {"uid-a", "ns", "a"}});
  ASSERT_EQ(got.size(), 2u);  // no entry for a UID nobody asked about
  EXPECT_THAT(std::string(got["uid-a"].status.message()), HasSubstr("no result"));
  EXPECT_EQ(got["uid-b"].status.code(), absl::StatusCode::kUnknown);

  std::map<std::string, absl::Status> un = handler.Unprepare({{"uid-x", "ns", "x"}});
  ASSERT_EQ(un.size(), 1u);
  EXPECT_THAT(std::string(un["uid-x"].message()), HasSubstr("no result"));
}

TEST(ClaimHandlerTest, MainRequestName) {
  EXPECT_EQ(MainRequestName("gpu"), "gpu");
  EXPECT_EQ(MainRequestName("gpu/large"), "gpu");
  EXPECT_EQ(MainRequestName(""), "");
}

}  // namespace
}  // namespace kubeletplugin

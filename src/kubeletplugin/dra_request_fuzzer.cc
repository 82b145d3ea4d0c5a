// libFuzzer target: arbitrary bytes as a kubelet DRA request (first byte:
// which of v1/v1beta1 prepare/unprepare; rest: the protobuf message) run
// through the real service adapters and ClaimHandler, with fakes that
// answer each claim by a property of its name. Checks that the answer has
// exactly one entry per distinct claim UID and that failed claims never
// carry an empty error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "grpcpp/server_context.h"
#include "kubeletplugin/dra_service.h"
#include "kubeletplugin/proto/dra_v1.grpc.pb.h"
#include "kubeletplugin/proto/dra_v1beta1.grpc.pb.h"
#include "kubeletplugin/test_fakes.h"

namespace {

using namespace kubeletplugin;  // NOLINT: fuzzer glue

// Claims named "ok..." exist with the asked UID, "swap..." with another
// UID, the rest are missing; UIDs starting with "e" fail in the driver.
class NameGetter : public ClaimGetter {
 public:
  absl::StatusOr<k8s::ResourceClaim> Get(const std::string& ns, const std::string& name) override {
    if (name.rfind("ok", 0) != 0 && name.rfind("swap", 0) != 0) {
      return absl::NotFoundError("not found");
    }
    k8s::ResourceClaim c;
    c.metadata.namespace_ = ns;
    c.metadata.name = name;
    c.metadata.uid = name.rfind("ok", 0) == 0 ? name.substr(2) : "other";
    c.status.allocation.emplace();
    return c;
  }
};

class UidDriver : public DraDriver {
 public:
  std::map<std::string, PrepareResult> PrepareResourceClaims(
      const std::vector<k8s::ResourceClaim>& claims) override {
    std::map<std::string, PrepareResult> out;
    for (const auto& c : claims) {
      PrepareResult& r = out[c.metadata.uid];
      if (!c.metadata.uid.empty() && c.metadata.uid[0] == 'e') {
        r.status = absl::InternalError("");
      } else {
        r.devices.push_back({{c.metadata.name + "/sub"}, "pool", "dev", {"v/c=d"}});
      }
    }
    return out;
  }
  std::map<std::string, absl::Status> UnprepareResourceClaims(
      const std::vector<ClaimRef>& claims) override {
    std::map<std::string, absl::Status> out;
    for (const auto& c : claims) {
      if (!c.uid.empty() && c.uid[0] == 'e') out[c.uid] = absl::InternalError("");
    }
    return out;
  }
};

template <typename Service, typename Req, typename Resp, typename Call>
void Run(grpc::Service* svc, const uint8_t* data, size_t size, Call call) {
  Req req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return;
  Resp resp;
  grpc::ServerContext ctx;
  grpc::Status s = (static_cast<Service*>(svc)->*call)(&ctx, &req, &resp);
  if (!s.ok()) std::abort();
  std::set<std::string> uids;
  for (const auto& c : req.claims()) uids.insert(c.uid());
  if (static_cast<size_t>(resp.claims_size()) != uids.size()) std::abort();
  for (const std::string& uid : uids) {
    auto it = resp.claims().find(uid);
    if (it == resp.claims().end()) std::abort();
    const bool must_fail = !uid.empty() && uid[0] == 'e';
    if (must_fail && it->second.error().empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  namespace v1 = ::k8s::io::kubelet::pkg::apis::dra::v1;
  namespace v1beta1 = ::k8s::io::kubelet::pkg::apis::dra::v1beta1;
  static NameGetter getter;
  static UidDriver driver;
  static ClaimHandler handler(&getter, &driver);
  static auto v1_svc = NewDraV1Service(&handler, nullptr);
  static auto v1beta1_svc = NewDraV1beta1Service(&handler, nullptr);
  const uint8_t* msg = data + 1;
  const size_t len = size - 1;
  switch (data[0] % 4) {
    case 0:
      Run<v1::DRAPlugin::Service, v1::NodePrepareResourcesRequest,
          v1::NodePrepareResourcesResponse>(v1_svc.get(), msg, len,
                                            &v1::DRAPlugin::Service::NodePrepareResources);
      break;
    case 1:
      Run<v1::DRAPlugin::Service, v1::NodeUnprepareResourcesRequest,
          v1::NodeUnprepareResourcesResponse>(v1_svc.get(), msg, len,
                                              &v1::DRAPlugin::Service::NodeUnprepareResources);
      break;
    case 2:
      Run<v1beta1::DRAPlugin::Service, v1beta1::NodePrepareResourcesRequest,
          v1beta1::NodePrepareResourcesResponse>(
          v1beta1_svc.get(), msg, len, &v1beta1::DRAPlugin::Service::NodePrepareResources);
      break;
    default:
      Run<v1beta1::DRAPlugin::Service, v1beta1::NodeUnprepareResourcesRequest,
          v1beta1::NodeUnprepareResourcesResponse>(
          v1beta1_svc.get(), msg, len, &v1beta1::DRAPlugin::Service::NodeUnprepareResources);
      break;
  }
  return 0;
}

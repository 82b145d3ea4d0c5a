#include "kubeletplugin/dra_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kubeletplugin/proto/dra_v1.grpc.pb.h"
#include "kubeletplugin/proto/dra_v1beta1.grpc.pb.h"

namespace kubeletplugin {
namespace {

namespace v1pb = ::k8s::io::kubelet::pkg::apis::dra::v1;
namespace v1beta1pb = ::k8s::io::kubelet::pkg::apis::dra::v1beta1;

std::string ClaimName(const ClaimRef& ref) { return absl::StrCat(ref.namespace_, "/", ref.name); }

// Checks a fetched claim against the kubelet's reference.
absl::Status CheckFetched(const ClaimRef& ref, const absl::StatusOr<k8s::ResourceClaim>& claim) {
  if (!claim.ok()) {
    return absl::Status(claim.status().code(),
                        absl::StrCat("get ResourceClaim ", ClaimName(ref), ": ",
                                     claim.status().message()));
  }
  if (claim->metadata.uid != ref.uid) {
    return absl::FailedPreconditionError(
        absl::StrCat("ResourceClaim ", ClaimName(ref), " UID mismatch: the kubelet asked for UID ",
                     ref.uid, " but the API server has UID ", claim->metadata.uid,
                     " (the claim was replaced)"));
  }
  if (!claim->status.allocation.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("ResourceClaim ", ClaimName(ref), " (UID ", ref.uid, ") is not allocated"));
  }
  return absl::OkStatus();
}

// The kubelet reads an empty error string as success, so an error status
// must never turn into "".
std::string ErrorText(const absl::Status& status) {
  if (!status.message().empty()) return std::string(status.message());
  return status.ToString();
}

// Message-shape generic conversion: v1 and v1beta1 have the same field
// names, so one template serves both.
template <typename Request>
std::vector<ClaimRef> RefsFrom(const Request& req) {
  std::vector<ClaimRef> refs;
  refs.reserve(req.claims_size());
  for (const auto& c : req.claims()) refs.push_back({c.uid(), c.namespace_(), c.name()});
  return refs;
}

template <typename Response>
std::size_t FillPrepare(const std::map<std::string, PrepareResult>& results, Response* resp) {
  std::size_t failed = 0;
  auto& out = *resp->mutable_claims();
  for (const auto& [uid, result] : results) {
    auto& entry = out[uid];
    if (!result.status.ok()) {
      ++failed;
      entry.set_error(ErrorText(result.status));
      continue;
    }
    for (const PreparedDevice& d : result.devices) {
      auto* dev = entry.add_devices();
      for (const std::string& r : d.request_names) dev->add_request_names(MainRequestName(r));
      dev->set_pool_name(d.pool_name);
      dev->set_device_name(d.device_name);
      for (const std::string& id : d.cdi_device_ids) dev->add_cdi_device_ids(id);
    }
  }
  return failed;
}

template <typename Response>
std::size_t FillUnprepare(const std::map<std::string, absl::Status>& results, Response* resp) {
  std::size_t failed = 0;
  auto& out = *resp->mutable_claims();
  for (const auto& [uid, status] : results) {
    auto& entry = out[uid];
    if (!status.ok()) {
      ++failed;
      entry.set_error(ErrorText(status));
    }
  }
  return failed;
}

// Traits naming one API version's generated types.
struct V1 {
  using Service = v1pb::DRAPlugin::Service;
  using PrepareRequest = v1pb::NodePrepareResourcesRequest;
  using PrepareResponse = v1pb::NodePrepareResourcesResponse;
  using UnprepareRequest = v1pb::NodeUnprepareResourcesRequest;
  using UnprepareResponse = v1pb::NodeUnprepareResourcesResponse;
  static constexpr char kName[] = "v1";
};
struct V1beta1 {
  using Service = v1beta1pb::DRAPlugin::Service;
  using PrepareRequest = v1beta1pb::NodePrepareResourcesRequest;
  using PrepareResponse = v1beta1pb::NodePrepareResourcesResponse;
  using UnprepareRequest = v1beta1pb::NodeUnprepareResourcesRequest;
  using UnprepareResponse = v1beta1pb::NodeUnprepareResourcesResponse;
  static constexpr char kName[] = "v1beta1";
};

template <typename Api>
class DraService final : public Api::Service {
 public:
  DraService(ClaimHandler* handler, CallObserver observer)
      : handler_(handler), observer_(std::move(observer)) {}

  grpc::Status NodePrepareResources(grpc::ServerContext*, const typename Api::PrepareRequest* req,
                                    typename Api::PrepareResponse* resp) override {
    const absl::Time start = absl::Now();
    const std::size_t failed = FillPrepare(handler_->Prepare(RefsFrom(*req)), resp);
    Observe("NodePrepareResources", req->claims_size(), failed, start);
    return grpc::Status::OK;
  }

  grpc::Status NodeUnprepareResources(grpc::ServerContext*,
                                      const typename Api::UnprepareRequest* req,
                                      typename Api::UnprepareResponse* resp) override {
    const absl::Time start = absl::Now();
    const std::size_t failed = FillUnprepare(handler_->Unprepare(RefsFrom(*req)), resp);
    Observe("NodeUnprepareResources", req->claims_size(), failed, start);
    return grpc::Status::OK;
  }

 private:
  void Observe(const char* method, int claims, std::size_t failed, absl::Time start) {
    if (!observer_) return;
    observer_(CallInfo{method, Api::kName, static_cast<std::size_t>(claims), failed,
                       absl::Now() - start});
  }

  ClaimHandler* const handler_;
  const CallObserver observer_;
};

}  // namespace

std::string MainRequestName(const std::string& request_name) {
  const std::size_t slash = request_name.find('/');
  return slash == std::string::npos ? request_name : request_name.substr(0, slash);
}

std::map<std::string, PrepareResult> ClaimHandler::Prepare(const std::vector<ClaimRef>& claims) {
  std::map<std::string, PrepareResult> results;
  std::vector<k8s::ResourceClaim> fetched;
  std::vector<std::string> fetched_uids;
  for (const ClaimRef& ref : claims) {
    if (results.count(ref.uid) > 0) continue;  // duplicate UID in the request
    absl::StatusOr<k8s::ResourceClaim> claim = getter_->Get(ref.namespace_, ref.name);
    absl::Status ok = CheckFetched(ref, claim);
    if (!ok.ok()) {
      results[ref.uid].status = std::move(ok);
      continue;
    }
    results[ref.uid];  // placeholder, filled from the driver's answer below
    fetched_uids.push_back(ref.uid);
    fetched.push_back(*std::move(claim));
  }
  if (fetched.empty()) return results;

  std::map<std::string, PrepareResult> prepared = driver_->PrepareResourceClaims(fetched);
  for (const std::string& uid : fetched_uids) {
    auto it = prepared.find(uid);
    if (it == prepared.end()) {
      results[uid].status =
          absl::InternalError(absl::StrCat("driver returned no result for claim UID ", uid));
    } else {
      results[uid] = std::move(it->second);
    }
  }
  return results;
}

std::map<std::string, absl::Status> ClaimHandler::Unprepare(const std::vector<ClaimRef>& claims) {
  std::map<std::string, absl::Status> results;
  if (claims.empty()) return results;
  std::map<std::string, absl::Status> done = driver_->UnprepareResourceClaims(claims);
  for (const ClaimRef& ref : claims) {
    auto it = done.find(ref.uid);
    results[ref.uid] = it != done.end() ? it->second
                                        : absl::InternalError(absl::StrCat(
                                              "driver returned no result for claim UID ", ref.uid));
  }
  return results;
}

std::unique_ptr<grpc::Service> NewDraV1Service(ClaimHandler* handler, CallObserver observer) {
  return std::make_unique<DraService<V1>>(handler, std::move(observer));
}

std::unique_ptr<grpc::Service> NewDraV1beta1Service(ClaimHandler* handler,
                                                    CallObserver observer) {
  return std::make_unique<DraService<V1beta1>>(handler, std::move(observer));
}

}  // namespace kubeletplugin

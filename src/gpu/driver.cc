#include "gpu/driver.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace gpu {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Driver::Driver(DeviceState* state, metrics::DriverMetrics* metrics,
               PrepareFailureHook on_failure)
    : state_(state), metrics_(metrics), on_failure_(std::move(on_failure)) {}

void Driver::SyncPreparedGauge() {
  if (metrics_ == nullptr) return;
  auto counts = state_->PreparedDeviceCounts();
  if (counts.ok()) metrics_->SetPreparedDevices(*counts);
}

std::map<std::string, kubeletplugin::PrepareResult> Driver::PrepareResourceClaims(
    const std::vector<k8s::ResourceClaim>& claims) {
  std::map<std::string, kubeletplugin::PrepareResult> out;
  for (const auto& claim : claims) {
    metrics::InflightGuard inflight(metrics_, metrics::kOperationPrepare);
    auto t0 = std::chrono::steady_clock::now();
    auto devices = state_->Prepare(claim);
    kubeletplugin::PrepareResult& r = out[claim.metadata.uid];
    if (devices.ok()) {
      r.devices = std::move(*devices);
      if (metrics_) metrics_->ObserveRequest(metrics::kOperationPrepare, SecondsSince(t0));
      VLOG(2) << "prepared claim " << claim.metadata.namespace_ << "/" << claim.metadata.name
              << " (" << claim.metadata.uid << "): " << r.devices.size() << " device(s)";
      continue;
    }
    r.status = absl::Status(devices.status().code(),
                            absl::StrCat("error preparing devices for claim ",
                                         claim.metadata.namespace_, "/", claim.metadata.name,
                                         ":", claim.metadata.uid, ": ",
                                         devices.status().message()));
    if (metrics_) {
      metrics_->PrepareError(devices.status().code() == absl::StatusCode::kDeadlineExceeded
                                 ? metrics::kErrorLockAcquire
                                 : metrics::kErrorPrepareDevices);
    }
    LOG(ERROR) << r.status.message();
    if (on_failure_) on_failure_(claim, r.status);
  }
  SyncPreparedGauge();
  return out;
}

std::map<std::string, absl::Status> Driver::UnprepareResourceClaims(
    const std::vector<kubeletplugin::ClaimRef>& claims) {
  std::map<std::string, absl::Status> out;
  for (const auto& ref : claims) {
    metrics::InflightGuard inflight(metrics_, metrics::kOperationUnprepare);
    auto t0 = std::chrono::steady_clock::now();
    absl::Status s = state_->Unprepare(ref.uid);
    if (s.ok()) {
      if (metrics_) metrics_->ObserveRequest(metrics::kOperationUnprepare, SecondsSince(t0));
      VLOG(2) << "unprepared claim " << ref.namespace_ << "/" << ref.name << " (" << ref.uid
              << ")";
    } else {
      s = absl::Status(s.code(), absl::StrCat("error unpreparing devices for claim ",
                                              ref.namespace_, "/", ref.name, ":", ref.uid,
                                              ": ", s.message()));
      if (metrics_) {
        metrics_->UnprepareError(s.code() == absl::StatusCode::kDeadlineExceeded
                                     ? metrics::kErrorLockAcquire
                                     : metrics::kErrorUnprepareDevices);
      }
      LOG(ERROR) << s.message();
    }
    out[ref.uid] = s;
  }
  SyncPreparedGauge();
  return out;
}

}  // namespace gpu

// driver_metrics.h: the kubelet plugins' Prometheus metrics, with the
// reference names and labels (upstream-inventory §9): requests_total,
// request_duration_seconds, requests_inflight, prepared_devices,
// node_prepare_errors_total and node_unprepare_errors_total, all under the
// `nvidia_dra_` prefix, in a registry the HTTP server exposes.
//
// Used by the gpu-kubelet-plugin binary (and later the ComputeDomain
// plugin). Thread-safe (prometheus-cpp metrics are atomic; the
// prepared-devices update takes a mutex).
#ifndef DRA_METRICS_DRIVER_METRICS_H_
#define DRA_METRICS_DRIVER_METRICS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace metrics {

inline constexpr char kOperationPrepare[] = "prepare";
inline constexpr char kOperationUnprepare[] = "unprepare";

// error_type label values of the node_(un)prepare_errors_total counters.
inline constexpr char kErrorLockAcquire[] = "lock_acquire";
inline constexpr char kErrorPrepareDevices[] = "prepare_devices";
inline constexpr char kErrorUnprepareDevices[] = "unprepare_devices";
inline constexpr char kErrorPublishResources[] = "publish_resources";

class DriverMetrics {
 public:
  DriverMetrics(std::string driver, std::string node);

  // A successful request, timed from lock acquisition start (reference).
  void ObserveRequest(const std::string& operation, double seconds);
  // RAII-free pair; callers use InflightGuard below.
  void InflightAdd(const std::string& operation, double delta);
  void PrepareError(const std::string& error_type);
  void UnprepareError(const std::string& error_type);
  // Replaces the prepared-devices gauge values: device_type -> count. Types
  // not in `counts` (but seen before) are set to 0.
  void SetPreparedDevices(const std::map<std::string, int>& counts);

  // ResourceSlice publishing (our addition, not in the reference): rejected
  // or failed writes by reason, and whether the slices are all published.
  void SlicePublishError(const std::string& reason);
  void SetSlicesReady(bool ready);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // The text exposition of the registry (what /metrics serves).
  std::string Render() const;

 private:
  std::string driver_, node_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* duration_;
  prometheus::Family<prometheus::Gauge>* inflight_;
  prometheus::Family<prometheus::Gauge>* prepared_;
  prometheus::Family<prometheus::Counter>* prepare_errors_;
  prometheus::Family<prometheus::Counter>* unprepare_errors_;
  prometheus::Family<prometheus::Counter>* slice_errors_;
  prometheus::Family<prometheus::Gauge>* slices_ready_;
  std::mutex mu_;
  std::map<std::string, int> prepared_seen_;
};

class InflightGuard {
 public:
  InflightGuard(DriverMetrics* m, std::string op) : m_(m), op_(std::move(op)) {
    if (m_) m_->InflightAdd(op_, 1);
  }
  ~InflightGuard() {
    if (m_) m_->InflightAdd(op_, -1);
  }
  InflightGuard(const InflightGuard&) = delete;
  InflightGuard& operator=(const InflightGuard&) = delete;

 private:
  DriverMetrics* m_;
  std::string op_;
};

}  // namespace metrics

#endif  // DRA_METRICS_DRIVER_METRICS_H_

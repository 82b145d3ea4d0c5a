#include "metrics/driver_metrics.h"

#include <utility>

#include "prometheus/text_serializer.h"

namespace metrics {
namespace {

// The reference buckets: 0.05 * 2^i for
// i = 0..8 (0.05 ... 12.8 s), nine buckets.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  prometheus::Histogram::BucketBoundaries b;
  double v = 0.05;
  for (int i = 0; i < 9; ++i, v *= 2) b.push_back(v);
  return b;
}

}  // namespace

DriverMetrics::DriverMetrics(std::string driver, std::string node)
    : driver_(std::move(driver)),
      node_(std::move(node)),
      registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("nvidia_dra_requests_total")
                   .Help("Total number of successful prepare/unprepare requests.")
                   .Register(*registry_);
  duration_ = &prometheus::BuildHistogram()
                   .Name("nvidia_dra_request_duration_seconds")
                   .Help("Duration of successful prepare/unprepare requests.")
                   .Register(*registry_);
  inflight_ = &prometheus::BuildGauge()
                   .Name("nvidia_dra_requests_inflight")
                   .Help("Prepare/unprepare requests in flight.")
                   .Register(*registry_);
  prepared_ = &prometheus::BuildGauge()
                   .Name("nvidia_dra_prepared_devices")
                   .Help("Devices prepared on this node, by device type.")
                   .Register(*registry_);
  prepare_errors_ = &prometheus::BuildCounter()
                         .Name("nvidia_dra_node_prepare_errors_total")
                         .Help("NodePrepareResources errors by type.")
                         .Register(*registry_);
  unprepare_errors_ = &prometheus::BuildCounter()
                           .Name("nvidia_dra_node_unprepare_errors_total")
                           .Help("NodeUnprepareResources errors by type.")
                           .Register(*registry_);
  slice_errors_ = &prometheus::BuildCounter()
                       .Name("nvidia_dra_resourceslice_publish_errors_total")
                       .Help("Failed ResourceSlice writes by API reason.")
                       .Register(*registry_);
  slices_ready_ = &prometheus::BuildGauge()
                       .Name("nvidia_dra_resourceslices_ready")
                       .Help("1 when every device is published in ResourceSlices.")
                       .Register(*registry_);
  slices_ready_->Add({{"driver", driver_}});
  // Series pre-created at zero (reference behaviour).
  for (const char* op : {kOperationPrepare, kOperationUnprepare}) {
    requests_->Add({{"driver", driver_}, {"operation", op}});
    duration_->Add({{"driver", driver_}, {"operation", op}}, DurationBuckets());
    inflight_->Add({{"driver", driver_}, {"operation", op}});
  }
}

void DriverMetrics::ObserveRequest(const std::string& operation, double seconds) {
  requests_->Add({{"driver", driver_}, {"operation", operation}}).Increment();
  duration_->Add({{"driver", driver_}, {"operation", operation}}, DurationBuckets())
      .Observe(seconds);
}

void DriverMetrics::InflightAdd(const std::string& operation, double delta) {
  inflight_->Add({{"driver", driver_}, {"operation", operation}}).Increment(delta);
}

void DriverMetrics::PrepareError(const std::string& error_type) {
  prepare_errors_->Add({{"driver", driver_}, {"error_type", error_type}}).Increment();
}

void DriverMetrics::UnprepareError(const std::string& error_type) {
  unprepare_errors_->Add({{"driver", driver_}, {"error_type", error_type}}).Increment();
}

void DriverMetrics::SlicePublishError(const std::string& reason) {
  slice_errors_->Add({{"driver", driver_}, {"reason", reason}}).Increment();
}

void DriverMetrics::SetSlicesReady(bool ready) {
  slices_ready_->Add({{"driver", driver_}}).Set(ready ? 1 : 0);
}

void DriverMetrics::SetPreparedDevices(const std::map<std::string, int>& counts) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [type, n] : prepared_seen_) n = 0;
  for (const auto& [type, n] : counts) prepared_seen_[type] = n;
  for (const auto& [type, n] : prepared_seen_) {
    prepared_->Add({{"node", node_}, {"driver", driver_}, {"device_type", type}})
        .Set(static_cast<double>(n));
  }
}

std::string DriverMetrics::Render() const {
  prometheus::TextSerializer s;
  return s.Serialize(registry_->Collect());
}

}  // namespace metrics

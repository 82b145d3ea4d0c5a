// http_server.h: serves a metrics registry over HTTP at `--http-endpoint`
// (host:port, ":port" meaning all addresses) and `--metrics-path`, with
// prometheus-cpp's exposer. Used by the plugin binaries. The returned
// object stops serving when destroyed. Thread-safe (the exposer's own
// threads read the registry).
#ifndef DRA_METRICS_HTTP_SERVER_H_
#define DRA_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace metrics {

// ":8080" -> "0.0.0.0:8080"; "host:port" unchanged; error if no port.
absl::StatusOr<std::string> BindAddress(const std::string& endpoint);

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> Serve(
    const std::string& endpoint, const std::string& path,
    std::shared_ptr<prometheus::Registry> registry);

}  // namespace metrics

#endif  // DRA_METRICS_HTTP_SERVER_H_

// http_server.h: serves a metrics registry over HTTP at `--http-endpoint`
// (host:port, ":port" meaning all addresses) and `--metrics-path`, in the
// Prometheus text format (prometheus-cpp's TextSerializer) from a
// cpp-httplib server: one listener thread and one worker thread. Used by
// the plugin binaries. Other paths and methods answer 404.
//
// Why not prometheus-cpp's Exposer: it brings civetweb and its own
// threads; the plugins already load cpp-httplib for the API client.
//
// Thread safety: the server's threads only read the registry (whose
// metrics are atomic); Port() may be called from any thread; the
// destructor stops serving and joins both threads.
#ifndef DRA_METRICS_HTTP_SERVER_H_
#define DRA_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

namespace metrics {

// ":8080" -> "0.0.0.0:8080"; "host:port" unchanged; error if no port.
absl::StatusOr<std::string> BindAddress(const std::string& endpoint);

class MetricsServer {
 public:
  virtual ~MetricsServer() = default;
  // The bound TCP port (the real one when the endpoint asked for port 0).
  virtual int Port() const = 0;
};

// Binds and starts serving; an error names the endpoint when the address
// is malformed or cannot be bound.
absl::StatusOr<std::unique_ptr<MetricsServer>> Serve(
    const std::string& endpoint, const std::string& path,
    std::shared_ptr<prometheus::Registry> registry);

}  // namespace metrics

#endif  // DRA_METRICS_HTTP_SERVER_H_

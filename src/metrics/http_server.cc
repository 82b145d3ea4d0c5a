#include "metrics/http_server.h"

#include <exception>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace metrics {

absl::StatusOr<std::string> BindAddress(const std::string& endpoint) {
  auto colon = endpoint.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(endpoint.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --http-endpoint \"", endpoint, "\": want [host]:port"));
  }
  if (colon == 0) return absl::StrCat("0.0.0.0", endpoint);
  return endpoint;
}

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> Serve(
    const std::string& endpoint, const std::string& path,
    std::shared_ptr<prometheus::Registry> registry) {
  auto bind = BindAddress(endpoint);
  if (!bind.ok()) return bind.status();
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(*bind);
    exposer->RegisterCollectable(registry, path.empty() ? "/metrics" : path);
    return exposer;
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics server on ", *bind, ": ", e.what()));
  }
}

}  // namespace metrics

// curl_transport.h: the real HttpTransport, on libcurl. TLS verification
// is on unless the config says insecure-skip-tls-verify; CA, client
// certificate and key come from files (re-read on each new connection, so
// rotated kubelet certificates are picked up) or from in-memory PEM blobs;
// the bearer token comes from a TokenSource (re-read token files). HTTP/2
// is used when the server offers it over TLS. Easy handles are pooled so
// connections are reused across requests.
//
// Created in main() from a RestConfig; handed to k8s::Client.
// Thread-safe: each request takes its own easy handle.
#ifndef DRA_K8S_CURL_TRANSPORT_H_
#define DRA_K8S_CURL_TRANSPORT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "k8s/clock.h"
#include "k8s/config.h"
#include "k8s/transport.h"

namespace k8s {

// InvalidArgument when the server URL is not http(s)://. `clock` (not
// owned) paces token-file re-reads.
absl::StatusOr<std::unique_ptr<HttpTransport>> NewCurlTransport(const RestConfig& config,
                                                                 Clock* clock = Clock::Real());

}  // namespace k8s

#endif  // DRA_K8S_CURL_TRANSPORT_H_

// http_transport.h: the real HttpTransport, HTTP/1.1 on cpp-httplib
// (Debian libcpp-httplib, over OpenSSL). TLS verification is on unless the
// config says insecure-skip-tls-verify; the server name checked is
// tls-server-name when set, else the server's host. CA, client certificate
// and key come from files or from in-memory PEM blobs; certificate and key
// files are stat'ed on every request and a change (a rotated kubelet
// certificate) retires the pooled connections, so the next request presents
// the new one. The bearer token comes from a TokenSource (re-read token
// files). Connections are kept alive and pooled (one request at a time on
// each); a request that fails on a reused connection before any answer is
// sent once more on a new one.
//
// Watches (Stream): a helper thread per stream ends it within ~50 ms of the
// cancel flag or the stream's deadline by shutting the socket down.
//
// The first NewHttpTransport makes the process ignore SIGPIPE (OpenSSL
// writes with write(2); a connection the server closed must fail the
// request, not end the process).
//
// Created in main() from a RestConfig; handed to k8s::Client.
// Thread-safe: concurrent calls each take their own connection.
#ifndef DRA_K8S_HTTP_TRANSPORT_H_
#define DRA_K8S_HTTP_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "k8s/clock.h"
#include "k8s/config.h"
#include "k8s/transport.h"

namespace k8s {

// The parts of a server URL ("https://host:port/prefix").
struct ServerUrl {
  bool tls = true;
  std::string host;  // without IPv6 brackets
  int port = 443;
  std::string path_prefix;  // "" or "/prefix" (no trailing slash)
};

// InvalidArgument naming the URL when it is not http(s)://host[:port][/path]
// or the port is not 1..65535.
absl::StatusOr<ServerUrl> ParseServerUrl(const std::string& url);

// InvalidArgument when the server URL is malformed, or a PEM blob or file of
// the config cannot be read (the message names which). `clock` (not owned)
// paces token-file re-reads.
absl::StatusOr<std::unique_ptr<HttpTransport>> NewHttpTransport(const RestConfig& config,
                                                                Clock* clock = Clock::Real());

}  // namespace k8s

#endif  // DRA_K8S_HTTP_TRANSPORT_H_

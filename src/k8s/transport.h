// transport.h: the HTTP seam between the k8s client and the API server.
// One request in, one response out (Do), or a streamed body delivered in
// chunks (Stream, for watches). The real implementation is
// http_transport.h; fake_apiserver.h is an in-memory API server for tests.
//
// Contract for implementations:
//   - Transport-level failures (connection refused or reset, TLS errors,
//     timeouts) are returned as a non-OK Status: Unavailable for "never got
//     a response", DeadlineExceeded for a timeout. Any HTTP response,
//     including 4xx/5xx, is an OK StatusOr<HttpResponse>.
//   - Authentication (client certificates, bearer token) is the
//     transport's job; callers never add an Authorization header.
// Thread safety: implementations are thread-safe; concurrent calls allowed.
#ifndef DRA_K8S_TRANSPORT_H_
#define DRA_K8S_TRANSPORT_H_

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace k8s {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  std::string path;            // absolute path plus query: "/api/v1/nodes?limit=500"
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Type
  std::string body;
  // Whole-request limit; for Stream, the limit on the whole stream.
  // ZeroDuration means none.
  absl::Duration timeout = absl::Seconds(30);
  // Stream only: when it becomes true the stream ends within ~100 ms and
  // Stream returns Cancelled. Not owned; may be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The header value, or "" (name in lower case).
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTransport {
 public:
  HttpTransport() = default;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;
  virtual ~HttpTransport() = default;

  // Sends one request and reads the whole response.
  virtual absl::StatusOr<HttpResponse> Do(const HttpRequest& req) = 0;

  // Sends one request. For a 2xx answer the body is passed to `on_chunk`
  // piece by piece as it arrives (chunk boundaries are arbitrary) and the
  // returned response has an empty body; for any other status the body is
  // collected into the response and `on_chunk` is not called. Returning
  // false from on_chunk ends the stream (the result is then OK). Returns
  // when the server closes the stream, on error, on timeout or on cancel
  // (Cancelled).
  virtual absl::StatusOr<HttpResponse> Stream(
      const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) = 0;
};

}  // namespace k8s

#endif  // DRA_K8S_TRANSPORT_H_

// k8s_server_url_fuzzer.cc: parses arbitrary bytes as the server URL of a
// kubeconfig (ParseServerUrl, http_transport.h). It must never crash;
// errors are InvalidArgument with a message; a success has a host, a port
// in 1..65535 and a path prefix that is empty or starts with '/' and has
// no trailing '/', and parsing the URL rebuilt from the parts gives the
// same parts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "k8s/http_transport.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string url(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<k8s::ServerUrl> u = k8s::ParseServerUrl(url);
  if (!u.ok()) {
    Check(u.status().code() == absl::StatusCode::kInvalidArgument);
    Check(!u.status().message().empty());
    return 0;
  }
  Check(!u->host.empty());
  Check(u->port >= 1 && u->port <= 65535);
  Check(u->path_prefix.empty() || (u->path_prefix[0] == '/' && u->path_prefix.back() != '/'));
  std::string host = u->host.find(':') != std::string::npos ? absl::StrCat("[", u->host, "]")
                                                            : u->host;
  absl::StatusOr<k8s::ServerUrl> again = k8s::ParseServerUrl(
      absl::StrCat(u->tls ? "https://" : "http://", host, ":", u->port, u->path_prefix));
  if (u->host.find_first_of("[]/") != std::string::npos) return 0;  // not rebuildable
  Check(again.ok());
  Check(again->tls == u->tls && again->host == u->host && again->port == u->port &&
        again->path_prefix == u->path_prefix);
  return 0;
}

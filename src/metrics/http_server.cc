#include "metrics/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "prometheus/text_serializer.h"

namespace metrics {
namespace {

constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

class HttplibMetricsServer : public MetricsServer {
 public:
  HttplibMetricsServer(std::string path, std::shared_ptr<prometheus::Registry> registry)
      : path_(std::move(path)), registry_(std::move(registry)) {
    // One worker: a scrape is a few kilobytes; a second scraper waits for
    // the first instead of costing a thread per pool slot.
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
    // A keep-alive connection must not hold the only worker between
    // scrapes, nor a silent client for long.
    server_.set_keep_alive_max_count(1);
    server_.set_read_timeout(2, 0);
    // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, with
    // which a second process binds the same port and takes half the scrapes.
    server_.set_socket_options([](int fd) {
      int yes = 1;
      (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    server_.Get(path_, [this](const httplib::Request&, httplib::Response& res) {
      std::ostringstream out;
      prometheus::TextSerializer().Serialize(out, registry_->Collect());
      res.set_content(out.str(), kContentType);
    });
    server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) res.set_content(absl::StrCat(res.status, "\n"), "text/plain");
    });
  }

  ~HttplibMetricsServer() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  absl::Status Start(const std::string& host, int port) {
    if (port == 0) {
      port_ = server_.bind_to_any_port(host);
    } else if (server_.bind_to_port(host, port)) {
      port_ = port;
    }
    if (port_ <= 0) {
      return absl::UnavailableError("cannot bind (address in use or not on this host)");
    }
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
    // stop() acts only on a running server: wait until the loop runs, so a
    // destructor right after Start() cannot miss it and hang in join().
    while (!server_.is_running() && !listen_returned_) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    if (!server_.is_running()) return absl::UnavailableError("cannot listen");
    return absl::OkStatus();
  }

  int Port() const override { return port_; }

 private:
  const std::string path_;
  const std::shared_ptr<prometheus::Registry> registry_;
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;  // last: started after everything it reads
};

}  // namespace

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

absl::StatusOr<std::unique_ptr<MetricsServer>> Serve(
    const std::string& endpoint, const std::string& path,
    std::shared_ptr<prometheus::Registry> registry) {
  absl::StatusOr<std::string> bind = BindAddress(endpoint);
  if (!bind.ok()) return bind.status();
  const auto colon = bind->rfind(':');
  std::string host = bind->substr(0, colon);
  int port = 0;
  (void)absl::SimpleAtoi(bind->substr(colon + 1), &port);  // checked by BindAddress
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // "[::]:8080"
  }
  auto server = std::make_unique<HttplibMetricsServer>(path.empty() ? "/metrics" : path,
                                                       std::move(registry));
  if (absl::Status s = server->Start(host, port); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("metrics server on ", *bind, ": ", s.message()));
  }
  return server;
}

}  // namespace metrics

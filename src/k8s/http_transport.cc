#include "k8s/http_transport.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "util/files.h"
#include "util/status_macros.h"

namespace k8s {
namespace {

using Conn = httplib::ClientImpl;

// See NewConn: a CA directory with no certificates (/nonexistent is by
// convention never created).
constexpr char kNoExtraCaDir[] = "/nonexistent/k8s-no-extra-ca";

// Ends a stream from the side: every 50 ms checks the cancel flag and the
// deadline, and once either is hit shuts the connection's socket down
// (ClientImpl::stop is safe against the request in flight) until the
// request returns.
class StreamWatchdog {
 public:
  StreamWatchdog(Conn* conn, const std::atomic<bool>* cancel, absl::Time deadline)
      : conn_(conn), cancel_(cancel), deadline_(deadline), thread_([this] { Run(); }) {}
  ~StreamWatchdog() {
    {
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool cancelled() const { return cancelled_.load(); }
  bool expired() const { return expired_.load(); }

 private:
  void Run() {
    std::unique_lock<std::mutex> l(mu_);
    while (!cv_.wait_for(l, std::chrono::milliseconds(50), [this] { return done_; })) {
      if (cancel_ != nullptr && cancel_->load()) cancelled_ = true;
      if (absl::Now() >= deadline_) expired_ = true;
      // Repeated: a request that had not opened its socket yet is caught
      // on the next round.
      if (cancelled_ || expired_) conn_->stop();
    }
  }

  Conn* const conn_;
  const std::atomic<bool>* const cancel_;
  const absl::Time deadline_;
  std::atomic<bool> cancelled_{false}, expired_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it reads
};

struct PemMaterial {
  std::string ca, cert, key;  // PEM text; "" = not configured
};

absl::StatusOr<std::string> BlobOrFile(const std::string& data, const std::string& file,
                                       const char* what) {
  if (!data.empty()) return data;
  if (file.empty()) return std::string();
  absl::StatusOr<std::string> s = util::ReadFile(file);
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the ", what, " file ", file, ": ", s.status().message()));
  }
  return s;
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
Bio MemBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// Every certificate of `pem` in a new store (caller owns it).
absl::StatusOr<X509_STORE*> CaStore(const std::string& pem) {
  Bio bio = MemBio(pem);
  X509_STORE* store = X509_STORE_new();
  int n = 0;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, c);
    X509_free(c);
    ++n;
  }
  if (n == 0) {
    X509_STORE_free(store);
    return absl::InvalidArgumentError("the certificate-authority data holds no PEM certificate");
  }
  return store;
}

class HttplibTransport : public HttpTransport {
 public:
  HttplibTransport(const RestConfig& c, ServerUrl url, Clock* clock)
      : config_(c), url_(std::move(url)), tokens_(c, clock) {}

  // Builds the first connection (so that bad TLS material fails creation)
  // and keeps it for the first request.
  absl::Status Prime() {
    std::string stamp = FileStamp();
    absl::StatusOr<std::unique_ptr<Conn>> c = NewConn();
    if (!c.ok()) return c.status();
    absl::MutexLock l(&mu_);
    stamp_ = std::move(stamp);
    pool_.push_back(*std::move(c));
    return absl::OkStatus();
  }

  absl::StatusOr<HttpResponse> Do(const HttpRequest& req) override { return Perform(req, nullptr); }
  absl::StatusOr<HttpResponse> Stream(
      const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) override {
    return Perform(req, &on_chunk);
  }

 private:
  absl::StatusOr<PemMaterial> ReadMaterial() const {
    PemMaterial m;
    DRA_ASSIGN_OR_RETURN(m.ca, BlobOrFile(config_.ca_data, config_.ca_file, "certificate-authority"));
    DRA_ASSIGN_OR_RETURN(m.cert, BlobOrFile(config_.cert_data, config_.cert_file, "client-certificate"));
    DRA_ASSIGN_OR_RETURN(m.key, BlobOrFile(config_.key_data, config_.key_file, "client-key"));
    return m;
  }

  absl::StatusOr<std::unique_ptr<Conn>> NewConn() const {
    std::unique_ptr<Conn> conn;
    if (!url_.tls) {
      conn = std::make_unique<Conn>(url_.host, url_.port);
    } else {
      absl::StatusOr<PemMaterial> m = ReadMaterial();
      if (!m.ok()) return m.status();
      // The name the certificate must carry; connect to the URL's host.
      const std::string& name = config_.tls_server_name.empty() ? url_.host : config_.tls_server_name;
      std::unique_ptr<httplib::SSLClient> ssl;
      if (!m->cert.empty() || !m->key.empty()) {
        Bio cb = MemBio(m->cert), kb = MemBio(m->key);
        X509* cert = PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr);
        EVP_PKEY* key = PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr);
        if (cert != nullptr && key != nullptr) ssl = std::make_unique<httplib::SSLClient>(name, url_.port, cert, key);
        X509_free(cert);
        EVP_PKEY_free(key);
        if (cert == nullptr) return absl::InvalidArgumentError("the client-certificate is not a PEM certificate");
        if (key == nullptr) return absl::InvalidArgumentError("the client-key is not a PEM private key");
      } else {
        ssl = std::make_unique<httplib::SSLClient>(name, url_.port);
      }
      if (!ssl->is_valid()) return absl::InvalidArgumentError("the client certificate and key do not match");
      if (name != url_.host) ssl->set_hostname_addr_map({{name, url_.host}});
      if (config_.insecure_skip_tls_verify) {
        ssl->enable_server_certificate_verification(false);
      } else if (!m->ca.empty()) {
        absl::StatusOr<X509_STORE*> store = CaStore(m->ca);
        if (!store.ok()) return store.status();
        ssl->set_ca_cert_store(*store);  // owns it
        // Trust that store only: without a CA path cpp-httplib also loads
        // the system's default CAs into it at the first connection (any
        // public CA would then vouch for the API server, and the bundle
        // costs about a MiB of heap per connection). A hashed-directory
        // lookup on a path that never exists adds nothing.
        ssl->set_ca_cert_path("", kNoExtraCaDir);
      }  // else the system's CAs
      conn = std::move(ssl);
    }
    conn->set_keep_alive(true);
    conn->set_url_encode(false);  // k8s::Client encodes paths itself
    conn->set_connection_timeout(10, 0);
    conn->set_tcp_nodelay(true);
    return conn;
  }

  // mtime/size/inode of the certificate, key and CA files: a change retires
  // the pooled connections (they hold the old certificate).
  std::string FileStamp() const {
    std::string s;
    for (const std::string* f : {&config_.cert_file, &config_.key_file, &config_.ca_file}) {
      struct stat st {};
      if (f->empty() || ::stat(f->c_str(), &st) != 0) continue;
      absl::StrAppend(&s, st.st_ino, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec, ";");
    }
    return s;
  }

  absl::StatusOr<std::unique_ptr<Conn>> Acquire() {
    std::string stamp = FileStamp();
    {
      absl::MutexLock l(&mu_);
      if (stamp != stamp_) {
        pool_.clear();
        stamp_ = stamp;
      }
      if (!pool_.empty()) {
        std::unique_ptr<Conn> c = std::move(pool_.back());
        pool_.pop_back();
        return c;
      }
    }
    return NewConn();
  }
  void Release(std::unique_ptr<Conn> c) {
    absl::MutexLock l(&mu_);
    if (pool_.size() < 16) pool_.push_back(std::move(c));
  }

  absl::StatusOr<HttpResponse> Perform(const HttpRequest& req,
                                       const std::function<bool(std::string_view)>* on_chunk);

  const RestConfig config_;
  const ServerUrl url_;
  TokenSource tokens_;
  absl::Mutex mu_;
  std::string stamp_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Conn>> pool_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<HttpResponse> HttplibTransport::Perform(
    const HttpRequest& req, const std::function<bool(std::string_view)>* on_chunk) {
  auto where = [&] { return absl::StrCat(req.method, " ", config_.server, req.path); };
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::unique_ptr<Conn>> conn = Acquire();
    if (!conn.ok()) return conn.status();
    Conn& c = **conn;
    const bool reused = c.is_socket_open() > 0;
    const absl::Time start = absl::Now();
    // A per-read limit: the request's, or a day for a stream without one.
    absl::Duration io = req.timeout > absl::ZeroDuration() ? req.timeout : absl::Hours(24);
    int64_t io_us = absl::ToInt64Microseconds(io);
    c.set_read_timeout(io_us / 1000000, io_us % 1000000);
    c.set_write_timeout(io_us / 1000000, io_us % 1000000);

    httplib::Request hr;
    hr.method = req.method;
    hr.path = url_.path_prefix + req.path;
    for (const auto& [k, v] : req.headers) hr.headers.emplace(k, v);
    std::string token = tokens_.Token();
    if (!token.empty()) hr.headers.emplace("Authorization", absl::StrCat("Bearer ", token));
    hr.body = req.body;
    if (!req.body.empty() && !hr.has_header("Content-Type")) {
      hr.headers.emplace("Content-Type", "application/json");
    }
    HttpResponse resp;
    bool stopped_by_callback = false, got_data = false;
    if (on_chunk != nullptr) {
      hr.response_handler = [&](const httplib::Response& r) {
        resp.status = r.status;
        return true;
      };
      hr.content_receiver = [&](const char* d, size_t n, uint64_t, uint64_t) {
        got_data = true;
        if (resp.status >= 200 && resp.status < 300) {
          if (!(*on_chunk)(std::string_view(d, n))) {
            stopped_by_callback = true;
            return false;
          }
          return true;
        }
        resp.body.append(d, n);
        return true;
      };
    }
    httplib::Response hres;
    httplib::Error err = httplib::Error::Success;
    bool ok, cancelled = false, expired = false;
    if (on_chunk != nullptr && (req.cancel != nullptr || req.timeout > absl::ZeroDuration())) {
      StreamWatchdog dog(&c, req.cancel,
                         req.timeout > absl::ZeroDuration() ? start + req.timeout : absl::InfiniteFuture());
      ok = c.send(hr, hres, err);
      cancelled = dog.cancelled();
      expired = dog.expired();
    } else {
      ok = c.send(hr, hres, err);
    }
    if (ok) {
      if (on_chunk == nullptr) {
        resp.status = hres.status;
        resp.body = std::move(hres.body);
      }
      for (const auto& [k, v] : hres.headers) resp.headers[absl::AsciiStrToLower(k)] = v;
      if (resp.status == 401) tokens_.Invalidate();
      Release(std::move(*conn));
      return resp;
    }
    // The connection is not reused after an error.
    if (stopped_by_callback) return resp;
    if (cancelled) return absl::CancelledError("request cancelled");
    if (expired || (err == httplib::Error::Read && absl::Now() - start >= io)) {
      // A watch that ran to its limit ended normally.
      if (on_chunk != nullptr && resp.status >= 200 && resp.status < 300) return resp;
      return absl::DeadlineExceededError(absl::StrCat(where(), ": timed out"));
    }
    // No status line seen (Do: hres, Stream: resp) and no body byte.
    const bool never_answered = hres.status <= 0 && resp.status <= 0 && !got_data;
    if (reused && never_answered && attempt == 0 &&
        (err == httplib::Error::Read || err == httplib::Error::Write ||
         err == httplib::Error::SSLConnection)) {
      continue;  // the server had closed the kept-alive connection
    }
    return absl::UnavailableError(absl::StrCat(where(), ": ", httplib::to_string(err)));
  }
}

}  // namespace

absl::StatusOr<ServerUrl> ParseServerUrl(const std::string& url) {
  ServerUrl u;
  absl::string_view rest(url);
  if (absl::ConsumePrefix(&rest, "https://")) {
    u.tls = true;
    u.port = 443;
  } else if (absl::ConsumePrefix(&rest, "http://")) {
    u.tls = false;
    u.port = 80;
  } else {
    return absl::InvalidArgumentError("server URL must start with https:// or http://: " + url);
  }
  size_t slash = rest.find('/');
  absl::string_view hostport = rest.substr(0, slash);
  if (slash != absl::string_view::npos) {
    u.path_prefix = std::string(rest.substr(slash));
    while (absl::EndsWith(u.path_prefix, "/")) u.path_prefix.pop_back();
  }
  absl::string_view port;
  if (absl::StartsWith(hostport, "[")) {
    size_t close = hostport.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("server URL: unclosed [ in " + url);
    u.host = std::string(hostport.substr(1, close - 1));
    absl::string_view after = hostport.substr(close + 1);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) {
      return absl::InvalidArgumentError("server URL: junk after ] in " + url);
    }
    port = after;
  } else {
    size_t colon = hostport.rfind(':');
    u.host = std::string(hostport.substr(0, colon));
    if (colon != absl::string_view::npos) port = hostport.substr(colon + 1);
  }
  if (u.host.empty()) return absl::InvalidArgumentError("server URL has no host: " + url);
  if (!port.empty()) {
    int p = 0;
    if (!absl::SimpleAtoi(port, &p) || p < 1 || p > 65535) {
      return absl::InvalidArgumentError("server URL has a bad port: " + url);
    }
    u.port = p;
  }
  return u;
}

absl::StatusOr<std::unique_ptr<HttpTransport>> NewHttpTransport(const RestConfig& config,
                                                                Clock* clock) {
  absl::StatusOr<ServerUrl> url = ParseServerUrl(config.server);
  if (!url.ok()) return url.status();
  // OpenSSL writes to the socket with write(2): a connection the server has
  // closed must fail the request (EPIPE), not kill the process.
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
  auto t = std::make_unique<HttplibTransport>(config, *url, clock);
  if (absl::Status s = t->Prime(); !s.ok()) return s;
  return std::unique_ptr<HttpTransport>(std::move(t));
}

}  // namespace k8s

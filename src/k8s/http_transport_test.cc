// Tests of the cpp-httplib transport against cpp-httplib servers on
// loopback: plain HTTP for the request/response contract, HTTPS with
// certificates made by the openssl CLI for verification, client
// certificates, tls-server-name and certificate rotation.
#include "k8s/http_transport.h"

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "util/files.h"

namespace k8s {
namespace {

using Ms = std::chrono::milliseconds;

// A server on a free loopback port, listening on its own thread.
class TestServer {
 public:
  explicit TestServer(std::unique_ptr<httplib::Server> s) : server_(std::move(s)) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before the accept loop runs would be missed.
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    stop_.store(true);
    server_->stop();
    thread_.join();
  }
  httplib::Server& operator*() { return *server_; }
  int port() const { return port_; }
  const std::atomic<bool>& stopping() const { return stop_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

RestConfig Plain(int port) {
  RestConfig c;
  c.server = absl::StrCat("http://127.0.0.1:", port);
  return c;
}

std::unique_ptr<HttpTransport> Must(const RestConfig& c) {
  auto t = NewHttpTransport(c);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(*t) : nullptr;
}

TEST(ParseServerUrlTest, SchemesHostsPortsAndPrefixes) {
  auto a = ParseServerUrl("https://10.0.0.1");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "10.0.0.1");
  EXPECT_EQ(a->port, 443);
  auto b = ParseServerUrl("http://[fd00::1]:8080/k8s/");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->host, "fd00::1");
  EXPECT_EQ(b->port, 8080);
  EXPECT_EQ(b->path_prefix, "/k8s");
  EXPECT_EQ(ParseServerUrl("ftp://x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseServerUrl("https://x:0").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseServerUrl("https://x:http").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseServerUrl("https://[::1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseServerUrl("https://:6443").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HttpTransportTest, RequestAndResponseAsSent) {
  TestServer srv(std::make_unique<httplib::Server>());
  (*srv).Post("/apis/x", [](const httplib::Request& r, httplib::Response& w) {
    w.status = 201;
    w.set_header("X-Seen-Auth", r.get_header_value("Authorization"));
    w.set_content(absl::StrCat(r.method, " ", r.get_header_value("Content-Type"), " ", r.body),
                  "text/plain");
  });
  RestConfig c = Plain(srv.port());
  c.bearer_token = "tok";
  auto t = Must(c);
  HttpRequest req;
  req.method = "POST";
  req.path = "/apis/x";
  req.headers = {{"Content-Type", "application/merge-patch+json"}};
  req.body = "{\"a\":1}";
  for (int i = 0; i < 3; ++i) {  // the kept-alive connection serves again
    auto r = t->Do(req);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "POST application/merge-patch+json {\"a\":1}");
    EXPECT_EQ(r->Header("x-seen-auth"), "Bearer tok");
  }
}

// The server closes every connection after one request: each request
// after the first finds its pooled connection closed and must still work.
TEST(HttpTransportTest, AConnectionTheServerClosedIsReplaced) {
  auto server = std::make_unique<httplib::Server>();
  server->set_keep_alive_max_count(1);
  std::atomic<int> served{0};
  server->Get("/n", [&](const httplib::Request&, httplib::Response& w) {
    w.set_content(std::to_string(++served), "text/plain");
  });
  TestServer srv(std::move(server));
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/n";
  for (int i = 1; i <= 5; ++i) {
    auto r = t->Do(req);
    ASSERT_TRUE(r.ok()) << "request " << i << ": " << r.status();
    EXPECT_EQ(r->body, std::to_string(i));
  }
}

// A loopback listener driven by hand, for what a real server does only in
// races: answer one request on a kept-alive connection, then drop the next
// one. Serve() runs `script` on a thread; the destructor joins it.
class RawServer {
 public:
  RawServer() {
    ls_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ok_ = ls_ >= 0 && ::bind(ls_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
          ::listen(ls_, 4) == 0 &&
          ::getsockname(ls_, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    port_ = ntohs(a.sin_port);
  }
  ~RawServer() {
    if (thread_.joinable()) thread_.join();
    if (ls_ >= 0) ::close(ls_);
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  void Serve(std::function<void(RawServer&)> script) {
    thread_ = std::thread([this, script = std::move(script)] { script(*this); });
  }
  void Join() { thread_.join(); }

  // The next connection, or -1 when none comes within `wait_ms`.
  int Accept(int wait_ms) {
    pollfd p{ls_, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) != 1) return -1;
    ++connections_;
    return ::accept(ls_, nullptr, nullptr);
  }
  // Reads up to the end of one request's head; false at EOF.
  static bool ReadRequest(int fd) {
    std::string in;
    char buf[512];
    while (in.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return false;
      in.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  // A 200 announcing `length` body bytes (default: all of `body`).
  static void Answer(int fd, const std::string& body, size_t length = std::string::npos) {
    std::string out = "HTTP/1.1 200 OK\r\nContent-Length: " +
                      std::to_string(length == std::string::npos ? body.size() : length) +
                      "\r\nConnection: keep-alive\r\n\r\n" + body;
    (void)!::write(fd, out.data(), out.size());
  }

 private:
  int ls_ = -1;
  int port_ = 0;
  bool ok_ = false;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// A kept-alive connection that the server drops after reading the next
// request, without answering (the race of an idle-timeout close): the
// request goes once more on a new connection.
TEST(HttpTransportTest, ARequestDroppedOnAReusedConnectionIsSentAgain) {
  RawServer srv;
  ASSERT_TRUE(srv.ok());
  srv.Serve([](RawServer& s) {
    int c1 = s.Accept(3000);
    if (RawServer::ReadRequest(c1)) RawServer::Answer(c1, "first");
    RawServer::ReadRequest(c1);  // the second request ...
    ::close(c1);                 // ... is dropped unanswered
    int c2 = s.Accept(3000);
    if (c2 < 0) return;  // no second connection came
    if (RawServer::ReadRequest(c2)) RawServer::Answer(c2, "second");
    ::close(c2);
  });
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/x";
  auto r1 = t->Do(req);
  auto r2 = t->Do(req);
  srv.Join();
  ASSERT_TRUE(r1.ok()) << r1.status();
  EXPECT_EQ(r1->body, "first");
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->body, "second");
  EXPECT_EQ(srv.connections(), 2);
}

// A response that broke off after its head was received may have been
// acted on: it is an error, not sent again.
TEST(HttpTransportTest, ARequestAnsweredInPartIsNotSentAgain) {
  RawServer srv;
  ASSERT_TRUE(srv.ok());
  srv.Serve([](RawServer& s) {
    int c1 = s.Accept(3000);
    if (RawServer::ReadRequest(c1)) RawServer::Answer(c1, "first");
    if (RawServer::ReadRequest(c1)) RawServer::Answer(c1, "sec", 6);  // 3 of 6 bytes
    ::close(c1);
    int c2 = s.Accept(1000);  // a resend would connect again
    if (c2 >= 0) ::close(c2);
  });
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/x";
  req.timeout = absl::Seconds(3);
  auto r1 = t->Do(req);
  auto r2 = t->Do(req);
  srv.Join();
  ASSERT_TRUE(r1.ok()) << r1.status();
  EXPECT_EQ(r2.status().code(), absl::StatusCode::kUnavailable) << r2.status();
  EXPECT_EQ(srv.connections(), 1);
}

TEST(HttpTransportTest, ServerErrorsAreResponsesAndRefusalIsUnavailable) {
  TestServer srv(std::make_unique<httplib::Server>());
  (*srv).Get("/missing", [](const httplib::Request&, httplib::Response& w) {
    w.status = 404;
    w.set_content("{\"reason\":\"NotFound\"}", "application/json");
  });
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/missing";
  auto r = t->Do(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "{\"reason\":\"NotFound\"}");
  // A non-2xx stream: the body is collected and on_chunk never called.
  bool called = false;
  auto s = t->Stream(req, [&](std::string_view) { return called = true; });
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->status, 404);
  EXPECT_EQ(s->body, "{\"reason\":\"NotFound\"}");
  EXPECT_FALSE(called);

  int port = 0;
  {
    TestServer closed(std::make_unique<httplib::Server>());
    port = closed.port();
  }  // nothing listens there any more
  auto gone = Must(Plain(port))->Do(req);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kUnavailable) << gone.status();
}

// A watch-like endpoint: `lines` chunks, then idles until the server stops.
void ServeWatch(TestServer& srv, int lines) {
  (*srv).Get("/watch", [&srv, lines](const httplib::Request&, httplib::Response& w) {
    w.set_chunked_content_provider("application/json", [&srv, lines, n = 0](
                                                           size_t, httplib::DataSink& sink) mutable {
      if (n < lines) {
        std::string line = absl::StrCat("{\"n\":", n++, "}\n");
        sink.write(line.data(), line.size());
        return true;
      }
      for (int i = 0; i < 100 && !srv.stopping().load(); ++i) std::this_thread::sleep_for(Ms(50));
      sink.done();
      return true;
    });
  });
}

TEST(HttpTransportTest, StreamDeliversChunksAndStopsWhenTheCallbackSaysSo) {
  TestServer srv(std::make_unique<httplib::Server>());
  ServeWatch(srv, 3);
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/watch";
  std::string got;
  auto r = t->Stream(req, [&](std::string_view d) {
    got.append(d);
    return got.find("{\"n\":2}\n") == std::string::npos;
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(got, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  EXPECT_TRUE(r->body.empty());
}

TEST(HttpTransportTest, CancelEndsAnIdleStreamPromptly) {
  TestServer srv(std::make_unique<httplib::Server>());
  ServeWatch(srv, 1);
  auto t = Must(Plain(srv.port()));
  std::atomic<bool> cancel{false};
  HttpRequest req;
  req.path = "/watch";
  req.timeout = absl::ZeroDuration();
  req.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(Ms(300));
    cancel.store(true);
  });
  auto t0 = std::chrono::steady_clock::now();
  int chunks = 0;
  auto r = t->Stream(req, [&](std::string_view) { return ++chunks > 0; });
  auto took = std::chrono::steady_clock::now() - t0;
  canceller.join();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled) << r.status();
  EXPECT_EQ(chunks, 1);
  EXPECT_LT(took, Ms(1500));  // the server would idle 5 s
}

TEST(HttpTransportTest, AStreamThatRunsToItsLimitEndsNormally) {
  TestServer srv(std::make_unique<httplib::Server>());
  ServeWatch(srv, 1);
  auto t = Must(Plain(srv.port()));
  HttpRequest req;
  req.path = "/watch";
  req.timeout = absl::Milliseconds(400);
  auto t0 = std::chrono::steady_clock::now();
  auto r = t->Stream(req, [](std::string_view) { return true; });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(2000));
}

// --- TLS ---

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_util::UniqueTempDir();
    Sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
       "-keyout ca.key -out ca.crt -subj /CN=ca -days 2");
    Sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
       "-keyout other-ca.key -out other-ca.crt -subj /CN=other-ca -days 2");
    Issue("srv", "ca", "subjectAltName=IP:127.0.0.1");
    Issue("named", "ca", "subjectAltName=DNS:api.cluster.test");
    Issue("osrv", "other-ca", "subjectAltName=IP:127.0.0.1");
    Issue("alice", "ca", "extendedKeyUsage=clientAuth");
    Issue("bob", "ca", "extendedKeyUsage=clientAuth");
  }
  void Sh(const std::string& cmd) {
    std::string full = absl::StrCat("cd '", dir_, "' && ", cmd, " >/dev/null 2>&1");
    ASSERT_EQ(std::system(full.c_str()), 0) << cmd;
  }
  void Issue(const std::string& name, const std::string& ca, const std::string& ext) {
    std::ofstream(absl::StrCat(dir_, "/", name, ".ext")) << ext << "\n";
    Sh(absl::StrCat("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ",
                    name, ".key -out ", name, ".csr -subj /CN=", name));
    Sh(absl::StrCat("openssl x509 -req -in ", name, ".csr -CA ", ca, ".crt -CAkey ", ca,
                    ".key -CAcreateserial -days 2 -out ", name, ".crt -extfile ", name, ".ext"));
  }
  std::string P(const std::string& f) const { return absl::StrCat(dir_, "/", f); }
  std::string Pem(const std::string& f) const { return *util::ReadFile(P(f)); }

  // A server presenting `cert`, requiring client certificates of "ca";
  // GET /who answers the client certificate's CN.
  std::unique_ptr<TestServer> Serve(const std::string& cert) {
    auto s = std::make_unique<httplib::SSLServer>(P(cert + ".crt").c_str(),
                                                  P(cert + ".key").c_str(), P("ca.crt").c_str());
    EXPECT_TRUE(s->is_valid());
    s->Get("/who", [](const httplib::Request& r, httplib::Response& w) {
      std::string cn = "none";
      if (X509* peer = SSL_get_peer_certificate(const_cast<SSL*>(r.ssl))) {
        char buf[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buf, sizeof buf);
        cn = buf;
        X509_free(peer);
      }
      w.set_content(cn, "text/plain");
    });
    return std::make_unique<TestServer>(std::move(s));
  }
  RestConfig Config(int port, const std::string& ca = "ca.crt") const {
    RestConfig c;
    c.server = absl::StrCat("https://127.0.0.1:", port);
    c.ca_data = Pem(ca);
    c.cert_file = P("client.crt");
    c.key_file = P("client.key");
    return c;
  }
  // Installs `who`'s certificate and key as client.crt/.key (by rename).
  void UseClient(const std::string& who) {
    std::filesystem::copy_file(P(who + ".crt"), P("tmp.crt"),
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(P(who + ".key"), P("tmp.key"),
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(P("tmp.crt"), P("client.crt"));
    std::filesystem::rename(P("tmp.key"), P("client.key"));
  }
  static absl::StatusOr<HttpResponse> Who(HttpTransport& t) {
    HttpRequest req;
    req.path = "/who";
    return t.Do(req);
  }
  // The server saw the client certificate of `cn`.
  static void ExpectClient(HttpTransport& t, const std::string& cn) {
    auto r = Who(t);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->body, cn);
  }

  std::string dir_;
};

TEST_F(TlsTest, VerifiedServerAndClientCertificate) {
  UseClient("alice");
  auto srv = Serve("srv");
  ExpectClient(*Must(Config(srv->port())), "alice");
}

TEST_F(TlsTest, OnlyTheConfiguredCaIsTrusted) {
  UseClient("alice");
  auto srv = Serve("srv");
  auto r = Who(*Must(Config(srv->port(), "other-ca.crt")));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  // insecure-skip-tls-verify accepts it.
  RestConfig c = Config(srv->port(), "other-ca.crt");
  c.insecure_skip_tls_verify = true;
  ExpectClient(*Must(c), "alice");
}

// The system's CAs (here: SSL_CERT_FILE, which OpenSSL's default paths
// read) vouch for nothing once the config names a CA.
TEST_F(TlsTest, TheSystemCasAreNotAddedToTheConfiguredOne) {
  UseClient("alice");
  auto srv = Serve("osrv");  // issued by other-ca
  ::setenv("SSL_CERT_FILE", P("other-ca.crt").c_str(), 1);
  RestConfig system_only = Config(srv->port());
  system_only.ca_data.clear();
  auto control = Who(*Must(system_only));
  auto r = Who(*Must(Config(srv->port())));
  ::unsetenv("SSL_CERT_FILE");
  ASSERT_TRUE(control.ok()) << control.status();  // the system store is honoured alone
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST_F(TlsTest, TlsServerNameIsTheNameChecked) {
  UseClient("alice");
  auto srv = Serve("named");  // SAN DNS:api.cluster.test only
  EXPECT_EQ(Who(*Must(Config(srv->port()))).status().code(), absl::StatusCode::kUnavailable);
  RestConfig c = Config(srv->port());
  c.tls_server_name = "api.cluster.test";
  ExpectClient(*Must(c), "alice");
}

TEST_F(TlsTest, ARotatedClientCertificateIsUsedForTheNextRequest) {
  UseClient("alice");
  auto srv = Serve("srv");
  auto t = Must(Config(srv->port()));
  ExpectClient(*t, "alice");
  UseClient("bob");
  ExpectClient(*t, "bob");
}

TEST_F(TlsTest, BadMaterialIsNamedAtCreation) {
  RestConfig c = Config(1);
  c.cert_file = P("missing.crt");
  auto t = NewHttpTransport(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("client-certificate file"), std::string::npos) << t.status();
  c = Config(1);
  c.ca_data = "not pem";
  c.cert_file = P("alice.crt");
  c.key_file = P("alice.key");
  t = NewHttpTransport(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("certificate-authority"), std::string::npos) << t.status();
  c = Config(1);
  c.cert_file = P("alice.crt");
  c.key_file = P("bob.key");
  t = NewHttpTransport(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("do not match"), std::string::npos) << t.status();
}

}  // namespace
}  // namespace k8s

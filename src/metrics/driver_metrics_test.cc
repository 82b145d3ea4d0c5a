#include "metrics/driver_metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/http_server.h"

namespace metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DriverMetrics, SeriesPrecreatedAtZero) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr(
      "nvidia_dra_requests_total{driver=\"gpu.nvidia.com\",operation=\"prepare\"} 0"));
  EXPECT_THAT(text, HasSubstr(
      "nvidia_dra_requests_total{driver=\"gpu.nvidia.com\",operation=\"unprepare\"} 0"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_requests_inflight{driver=\"gpu.nvidia.com\","
                              "operation=\"prepare\"} 0"));
  // Reference buckets 0.05 * 2^i up to 12.8 s.
  EXPECT_THAT(text, HasSubstr("le=\"0.05\""));
  EXPECT_THAT(text, HasSubstr("le=\"12.8\""));
  EXPECT_THAT(text, Not(HasSubstr("le=\"25.6\"")));
}

TEST(DriverMetrics, CountsAndGauges) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  m.ObserveRequest(kOperationPrepare, 0.2);
  m.ObserveRequest(kOperationPrepare, 0.3);
  m.PrepareError(kErrorPrepareDevices);
  m.UnprepareError(kErrorLockAcquire);
  {
    InflightGuard g(&m, kOperationUnprepare);
    EXPECT_THAT(m.Render(), HasSubstr("nvidia_dra_requests_inflight{driver=\"gpu.nvidia.com\","
                                      "operation=\"unprepare\"} 1"));
  }
  m.SlicePublishError("Invalid");
  m.SetSlicesReady(true);
  m.SetPreparedDevices({{"gpu", 2}, {"mig", 3}});
  m.SetPreparedDevices({{"gpu", 1}});
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr(
      "nvidia_dra_requests_total{driver=\"gpu.nvidia.com\",operation=\"prepare\"} 2"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_request_duration_seconds_count{driver=\"gpu.nvidia."
                              "com\",operation=\"prepare\"} 2"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_node_prepare_errors_total{driver=\"gpu.nvidia.com\","
                              "error_type=\"prepare_devices\"} 1"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_node_unprepare_errors_total{driver=\"gpu.nvidia."
                              "com\",error_type=\"lock_acquire\"} 1"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_requests_inflight{driver=\"gpu.nvidia.com\","
                              "operation=\"unprepare\"} 0"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_resourceslice_publish_errors_total{driver=\"gpu."
                              "nvidia.com\",reason=\"Invalid\"} 1"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_resourceslices_ready{driver=\"gpu.nvidia.com\"} 1"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_prepared_devices{device_type=\"gpu\",driver=\"gpu."
                              "nvidia.com\",node=\"node-a\"} 1"));
  EXPECT_THAT(text, HasSubstr("nvidia_dra_prepared_devices{device_type=\"mig\",driver=\"gpu."
                              "nvidia.com\",node=\"node-a\"} 0"));
}

TEST(HttpServer, BindAddress) {
  EXPECT_EQ(*BindAddress(":8080"), "0.0.0.0:8080");
  EXPECT_EQ(*BindAddress("127.0.0.1:9"), "127.0.0.1:9");
  EXPECT_FALSE(BindAddress("8080x").ok());
  EXPECT_FALSE(BindAddress("").ok());
  EXPECT_THAT(std::string(BindAddress("host:abc").status().message()),
              HasSubstr("--http-endpoint"));
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST(HttpServer, ServesRegistryOnPath) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  auto server = Serve("127.0.0.1:0", "/custom-metrics", m.registry());
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->Port();
  ASSERT_GT(port, 0);
  std::string body = HttpGet(port, "/custom-metrics");
  EXPECT_THAT(body, HasSubstr("200 OK"));
  EXPECT_THAT(body, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(body, HasSubstr("nvidia_dra_requests_total"));
  std::string other = HttpGet(port, "/metrics");
  EXPECT_THAT(other, HasSubstr("404"));
  EXPECT_THAT(other, Not(HasSubstr("nvidia_dra_requests_total")));
}

TEST(HttpServer, EachScrapeSeesTheCurrentValues) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  auto server = Serve("127.0.0.1:0", "", m.registry());  // empty path: /metrics
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string series =
      "nvidia_dra_resourceslice_publish_errors_total{driver=\"gpu.nvidia.com\",reason=\"Invalid\"}";
  EXPECT_THAT(HttpGet((*server)->Port(), "/metrics"), Not(HasSubstr(series + " 1")));
  m.SlicePublishError("Invalid");
  // Scrapes one after another on new connections, as the one worker closes
  // each after its answer.
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(HttpGet((*server)->Port(), "/metrics"), HasSubstr(series + " 1")) << i;
  }
}

TEST(HttpServer, AnAddressInUseIsAnErrorNamingTheEndpoint) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  auto first = Serve("127.0.0.1:0", "/metrics", m.registry());
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string endpoint = "127.0.0.1:" + std::to_string((*first)->Port());
  auto second = Serve(endpoint, "/metrics", m.registry());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(endpoint));
}

TEST(HttpServer, StopsServingWhenDestroyed) {
  DriverMetrics m("gpu.nvidia.com", "node-a");
  auto server = Serve("127.0.0.1:0", "/metrics", m.registry());
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->Port();
  ASSERT_THAT(HttpGet(port, "/metrics"), HasSubstr("200 OK"));
  server->reset();
  EXPECT_EQ(HttpGet(port, "/metrics"), "");  // connection refused
}

}  // namespace
}  // namespace metrics

// Integration test of the ResourceSlice publisher against a real
// kube-apiserver + etcd, started privately by src/k8s/testdata/
// own-apiserver.sh from the hack/cluster binary cache (DRA_CLUSTER_CACHE,
// default /var/cache/dra-cluster) on random free loopback ports. Every test
// FAILS (never skips) when the binaries are missing or the server does not
// come up. ctest label: apiserver.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "devices/gpu_devices.h"
#include "devices/json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/api_error.h"
#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/event_recorder.h"
#include "k8s/http_transport.h"
#include "k8s/resource.h"
#include "kubeletplugin/slice_publisher.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kDriver[] = "gpu.nvidia.com";

bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::string Cache() {
  const char* c = std::getenv("DRA_CLUSTER_CACHE");
  return c && *c ? c : "/var/cache/dra-cluster";
}

std::string Script() { return std::string(DRA_SOURCE_DIR) + "/src/k8s/testdata/own-apiserver.sh"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The private API server, shared by the tests of this file. Ports are
// picked at random below the ephemeral range and checked free, so parallel
// runs (of this or other tests using own-apiserver.sh) do not collide; a
// start that still loses a race is retried on other ports.
struct Server {
  std::string dir, kubeconfig, error;

  void Start() {
    for (const std::string& bin : {Cache() + "/v1.37.2/bin/kube-apiserver",
                                   Cache() + "/etcd-v3.6.16/bin/etcd"}) {
      if (!std::filesystem::exists(bin)) {
        error = bin + " is missing (build the hack/cluster binary cache)";
        return;
      }
    }
    std::mt19937 rng(static_cast<uint32_t>(::getpid() ^ ::time(nullptr)));
    for (int attempt = 0; attempt < 3; ++attempt) {
      int base = 0;
      for (int i = 0; i < 200 && base == 0; ++i) {
        int b = 20000 + static_cast<int>(rng() % 12000);
        if (PortFree(b) && PortFree(b + 1) && PortFree(b + 2)) base = b;
      }
      if (base == 0) {
        error = "no free loopback ports found";
        return;
      }
      if (TryStart(base)) return;
      bool busy = error.find("address already in use") != std::string::npos;
      Stop();
      if (!busy) return;
    }
  }

  bool TryStart(int base) {
    char tmpl[] = "/tmp/slice-publisher-apiserver-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      error = "mkdtemp failed";
      return false;
    }
    dir = tmpl;
    std::string env = absl::StrCat("OWN_APISERVER_ETCD_PORT=", base, " OWN_APISERVER_ETCD_PEER_PORT=",
                                   base + 1, " OWN_APISERVER_PORT=", base + 2, " ");
    FILE* p = ::popen((env + Script() + " " + dir + " 2>&1").c_str(), "r");
    std::string out;
    char buf[512];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    int rc = p ? ::pclose(p) : -1;
    auto pos = out.rfind("KUBECONFIG=");
    if (rc != 0 || pos == std::string::npos) {
      error = "own-apiserver.sh failed (rc " + std::to_string(rc) + "): " + out;
      for (const char* log : {"/apiserver.log", "/etcd.log"}) {
        std::string text = ReadFile(dir + log);
        error += absl::StrCat("\n--- tail of ", log, ":\n",
                              text.substr(text.size() > 1500 ? text.size() - 1500 : 0));
      }
      return false;
    }
    error.clear();
    kubeconfig = out.substr(pos + 11);
    while (!kubeconfig.empty() && kubeconfig.back() == '\n') kubeconfig.pop_back();
    return true;
  }

  // Stops both processes (by the pids the script recorded), waiting for
  // them to exit, and removes the directory.
  void Stop() {
    if (dir.empty()) return;
    std::vector<pid_t> pids;
    for (const char* f : {"/apiserver.pid", "/etcd.pid"}) {
      int pid = std::atoi(ReadFile(dir + f).c_str());
      if (pid > 0) pids.push_back(pid);
    }
    int rc = std::system((Script() + " " + dir + " stop").c_str());
    (void)rc;
    for (pid_t pid : pids) {
      for (int i = 0; i < 300 && ::kill(pid, 0) == 0; ++i) absl::SleepFor(absl::Milliseconds(100));
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    dir.clear();
  }
};

Server* server = nullptr;

class SlicePublisherApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new Server;
    server->Start();
  }
  static void TearDownTestSuite() {
    server->Stop();
    delete server;
    server = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server->error.empty()) << server->error;
    absl::StatusOr<k8s::RestConfig> config = k8s::LoadKubeconfig(server->kubeconfig);
    ASSERT_OK(config);
    absl::StatusOr<std::unique_ptr<k8s::HttpTransport>> t = k8s::NewHttpTransport(*config);
    ASSERT_OK(t);
    transport_ = std::move(*t);
    k8s::ClientOptions o;
    o.qps = 50;
    o.burst = 100;
    client_ = std::make_unique<k8s::Client>(transport_.get(), o);
  }

  // Creates a Node object (no kubelet behind it) and returns its uid.
  std::string MakeNode(const std::string& name) {
    auto n = client_->Create(k8s::Nodes(), "", {{"apiVersion", "v1"}, {"kind", "Node"},
                                                {"metadata", {{"name", name}}}});
    EXPECT_OK(n);
    return n.ok() ? (*n)["metadata"]["uid"].get<std::string>() : "";
  }

  // This driver's slices on `node`, by a raw GET of the collection.
  std::vector<json> RawSlices(const std::string& version, const std::string& node) {
    auto got = client_->GetPath(absl::StrCat(
        "/apis/resource.k8s.io/", version, "/resourceslices?fieldSelector=",
        k8s::QueryEscape(absl::StrCat("spec.driver=", kDriver, ",spec.nodeName=", node))));
    EXPECT_OK(got);
    std::vector<json> out;
    if (got.ok()) {
      for (const json& i : (*got)["items"]) out.push_back(i);
    }
    return out;
  }

  std::unique_ptr<k8s::HttpTransport> transport_;
  std::unique_ptr<k8s::Client> client_;
};

// An 8-GPU DGX A100 (40 GB) in the mig-parted "half-balanced" layout:
// GPUs 0-3 with MIG on (2x 1g.5gb, 1x 2g.10gb, 1x 3g.20gb), 4-7 full.
hw::NodeInfo DgxA100HalfBalanced() {
  auto profile = [](uint32_t id, const std::string& name, uint32_t slices, uint32_t sms,
                    uint32_t ce, uint32_t dec, uint64_t mem, std::vector<uint32_t> starts,
                    uint32_t size) {
    hw::MigProfile p;
    p.id = id;
    p.name = name;
    p.slices = slices;
    p.multiprocessors = sms;
    p.copyEngines = ce;
    p.decoders = dec;
    p.memoryMB = mem;
    for (uint32_t s : starts) p.placements.push_back({s, size});
    return p;
  };
  const char* bus[] = {"0000:07:00.0", "0000:0f:00.0", "0000:47:00.0", "0000:4e:00.0",
                       "0000:87:00.0", "0000:90:00.0", "0000:b7:00.0", "0000:bd:00.0"};
  hw::NodeInfo n;
  n.driverVersion = "580.159.04";
  n.cudaDriverVersion = "13.0";
  for (uint32_t i = 0; i < 8; ++i) {
    hw::GpuInfo g;
    g.index = g.minor = i;
    g.uuid = absl::StrCat("GPU-a100a100-0000-4000-8000-00000000000", i);
    g.name = "NVIDIA A100-SXM4-40GB";
    g.brand = "Nvidia";
    g.architecture = "Ampere";
    g.cudaComputeCapability = "8.0";
    g.pciBusID = bus[i];
    g.memoryBytes = 42949672960ULL;
    g.migCapable = true;
    g.migProfiles = {profile(19, "1g.5gb", 1, 14, 1, 0, 4864, {0, 1, 2, 3, 4, 5, 6}, 1),
                     profile(14, "2g.10gb", 2, 28, 2, 1, 9856, {0, 2, 4}, 2),
                     profile(9, "3g.20gb", 3, 42, 3, 2, 19968, {0, 4}, 4)};
    if (i < 4) {
      g.migEnabled = true;
      const struct { uint32_t profile, start, size; const char* name; } mig[] = {
          {19, 0, 1, "1g.5gb"}, {19, 1, 1, "1g.5gb"}, {14, 2, 2, "2g.10gb"}, {9, 4, 4, "3g.20gb"}};
      uint32_t k = 0;
      for (const auto& m : mig) {
        hw::MigDeviceInfo d;
        d.uuid = absl::StrCat("MIG-a100a100-000", i, "-4000-8000-00000000000", k);
        d.index = k;
        d.gpuInstanceId = ++k;
        d.profileId = m.profile;
        d.profileName = m.name;
        d.placement = {m.start, m.size};
        g.migDevices.push_back(d);
      }
    }
    n.gpus.push_back(g);
  }
  return n;
}

TEST_F(SlicePublisherApiServerTest, PublishesRecreatesAndReportsRejections) {
  const std::string node = "sp-node-" + std::to_string(::getpid());
  const std::string uid = MakeNode(node);
  ASSERT_FALSE(uid.empty());
  absl::StatusOr<devices::BuildResult> built = devices::BuildGpuDevices(DgxA100HalfBalanced());
  ASSERT_OK(built);
  ASSERT_EQ(built->devices.size(), 20u);  // 4 x 4 MIG devices + 4 full GPUs

  k8s::EventRecorder events(client_.get(), {"gpu.nvidia.com/kubelet-plugin", node});
  SlicePublisherOptions o;
  o.driver_name = kDriver;
  o.node_name = node;  // the uid is looked up
  o.backoff = {absl::Milliseconds(50), 2.0, absl::Seconds(1), 0.2, 0};
  SlicePublisher p(client_.get(), o, &events);

  absl::Time t0 = absl::Now();
  ASSERT_OK(p.Publish(built->devices));
  p.Start();
  ASSERT_TRUE(p.WaitUntilReady(absl::Seconds(30))) << p.LastError();
  absl::Duration publish = absl::Now() - t0;
  std::printf("[ timing ] Start() to %zu devices published: %.1f ms\n", built->devices.size(),
              absl::ToDoubleMilliseconds(publish));
  EXPECT_EQ(p.ResourceVersion(), "v1");

  std::vector<json> got = RawSlices("v1", node);
  ASSERT_EQ(got.size(), 1u);
  const json& s = got[0];
  EXPECT_EQ(s["spec"]["pool"],
            (json{{"name", node}, {"generation", 1}, {"resourceSliceCount", 1}}));
  EXPECT_EQ(s["spec"]["nodeName"], node);
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["uid"], uid);
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["kind"], "Node");
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["controller"], true);
  std::vector<devices::Device> sorted = built->devices;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  json want = json::array();
  for (const devices::Device& d : sorted) want.push_back(devices::DeviceToJson(d));
  EXPECT_EQ(s["spec"]["devices"], want);

  // Deleted behind its back (as the kubelet does on restart): recreated.
  const std::string old_name = s["metadata"]["name"];
  t0 = absl::Now();
  ASSERT_OK(client_->Delete(k8s::ResourceSlices("v1"), "", old_name));
  std::vector<json> again;
  // Resync is minutes away: a recreation within this wait is watch-driven.
  for (int i = 0; i < 2000; ++i) {
    again = RawSlices("v1", node);
    if (again.size() == 1 && again[0]["metadata"]["name"] != old_name) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  absl::Duration recreate = absl::Now() - t0;
  std::printf("[ timing ] deleted slice recreated after %.1f ms\n",
              absl::ToDoubleMilliseconds(recreate));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0]["metadata"]["name"], old_name);
  EXPECT_EQ(again[0]["spec"]["devices"], want);
  ASSERT_TRUE(p.WaitUntilReady(absl::Seconds(10)));

  // A device the real server refuses (a four-part version).
  std::vector<devices::Device> bad = built->devices;
  bad[0].attributes["driverVersion"] = devices::AttributeValue::Version("31.40.1.2");
  ASSERT_OK(p.Publish(bad));
  for (int i = 0; i < 500 && p.LastError().ok(); ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_FALSE(p.Ready());
  EXPECT_EQ(k8s::HttpCodeOf(p.LastError()), 422) << p.LastError();
  EXPECT_THAT(std::string(p.LastError().message()), HasSubstr("driverVersion"));
  EXPECT_GE(p.Counters().publish_errors_total["Invalid"], 1);
  // The Event is written right after the error is recorded.
  absl::StatusOr<json> evs;
  json event;
  for (int i = 0; i < 500 && event.is_null(); ++i) {
    evs = client_->List(k8s::Events(), "default",
                        {.field_selector = "reason=" + std::string(kReasonSliceRejected)});
    ASSERT_OK(evs);
    for (const json& e : (*evs)["items"]) {
      if (e["regarding"].value("name", "") == node) event = e;
    }
    if (event.is_null()) absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_FALSE(event.is_null()) << evs->dump();
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["regarding"]["kind"], "Node");
  EXPECT_EQ(event["regarding"]["uid"], uid);
  EXPECT_THAT(event.value("note", ""), HasSubstr("driverVersion"));
  // The previous, valid slice stays; a corrected publish recovers.
  EXPECT_EQ(RawSlices("v1", node).size(), 1u);
  ASSERT_OK(p.Publish(built->devices));
  ASSERT_TRUE(p.WaitUntilReady(absl::Seconds(10))) << p.LastError();
  EXPECT_OK(p.LastError());
  p.Stop();

  for (const json& sl : RawSlices("v1", node)) {
    EXPECT_OK(client_->Delete(k8s::ResourceSlices("v1"), "", sl["metadata"]["name"]));
  }
  EXPECT_OK(client_->Delete(k8s::Nodes(), "", node));
}

TEST_F(SlicePublisherApiServerTest, SplitsAcrossSlicesInV1beta1) {
  const std::string node = "sp-beta-" + std::to_string(::getpid());
  SlicePublisherOptions o;
  o.driver_name = kDriver;
  o.node_name = node;
  o.node_uid = MakeNode(node);
  o.resource_version = "v1beta1";
  o.max_devices_per_slice = 8;
  SlicePublisher p(client_.get(), o);
  std::vector<devices::Device> devs;
  for (int i = 0; i < 20; ++i) {
    devices::Device d;
    d.name = absl::StrCat("gpu-", i);
    d.attributes["index"] = devices::AttributeValue::Int(i);
    devs.push_back(d);
  }
  ASSERT_OK(p.Publish(devs));
  absl::Time t0 = absl::Now();
  p.Start();
  ASSERT_TRUE(p.WaitUntilReady(absl::Seconds(30))) << p.LastError();
  std::printf("[ timing ] Start() to 3 v1beta1 slices published: %.1f ms\n",
              absl::ToDoubleMilliseconds(absl::Now() - t0));
  EXPECT_EQ(p.ResourceVersion(), "v1beta1");
  std::vector<json> got = RawSlices("v1beta1", node);
  ASSERT_EQ(got.size(), 3u);
  size_t n = 0;
  for (const json& s : got) {
    EXPECT_EQ(s["spec"]["pool"]["resourceSliceCount"], 3);
    EXPECT_EQ(s["spec"]["pool"]["generation"], 1);
    n += s["spec"]["devices"].size();
    EXPECT_TRUE(s["spec"]["devices"][0].contains("basic"));
  }
  EXPECT_EQ(n, 20u);
  p.Stop();
  for (const json& sl : got) {
    EXPECT_OK(client_->Delete(k8s::ResourceSlices("v1beta1"), "", sl["metadata"]["name"]));
  }
  EXPECT_OK(client_->Delete(k8s::Nodes(), "", node));
}

}  // namespace
}  // namespace kubeletplugin

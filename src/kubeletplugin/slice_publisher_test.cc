#include "kubeletplugin/slice_publisher.h"

#include <cstdio>
#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "devices/json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "k8s/resource.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr char kDriver[] = "gpu.nvidia.com";
constexpr char kNode[] = "node1";
const char kSlices[] = "/apis/resource.k8s.io/v1/resourceslices";

bool WaitFor(const std::function<bool()>& f, absl::Duration limit = absl::Seconds(30)) {
  absl::Time end = absl::Now() + limit;
  while (absl::Now() < end) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return f();
}

std::vector<devices::Device> Devs(int n, const std::string& model = "A100") {
  std::vector<devices::Device> v;
  for (int i = 0; i < n; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "gpu-%d", i);
    devices::Device d;
    d.name = buf;
    d.attributes["productName"] = devices::AttributeValue::String(model);
    d.attributes["index"] = devices::AttributeValue::Int(i);
    d.capacity["memory"] = k8s::Quantity::Binary(int64_t{40} << 30);
    v.push_back(d);
  }
  return v;
}

class RecordingObserver : public SlicePublisherObserver {
 public:
  void OnSliceWritten(const std::string& op) override {
    absl::MutexLock l(&mu);
    ++writes[op];
  }
  void OnPublishError(const std::string& reason, const absl::Status&) override {
    absl::MutexLock l(&mu);
    ++errors[reason];
  }
  absl::Mutex mu;
  std::map<std::string, int> writes, errors;
};

class SlicePublisherTest : public ::testing::Test {
 protected:
  SlicePublisherTest() : client_(&server_, Opts()), events_(&client_, {"gpu.nvidia.com/kubelet-plugin", kNode}) {
    node_uid_ = server_.Seed("/api/v1/nodes", {{"apiVersion", "v1"}, {"kind", "Node"},
                                               {"metadata", {{"name", kNode}}}})["metadata"]["uid"];
  }
  static k8s::ClientOptions Opts() {
    k8s::ClientOptions o;
    o.qps = 0;
    o.retry.max_attempts = 1;
    return o;
  }
  std::unique_ptr<SlicePublisher> Make(SlicePublisherOptions o = {}) {
    o.driver_name = kDriver;
    o.node_name = kNode;
    o.backoff = {absl::Milliseconds(20), 2.0, absl::Milliseconds(200), 0.0, 0};
    o.clock = &clock_;
    return std::make_unique<SlicePublisher>(&client_, o, &events_, &observer_);
  }
  // This driver's slices on kNode, sorted by name.
  std::vector<json> Ours(const std::string& version = "v1") {
    auto list = client_.List(k8s::ResourceSlices(version), "",
                             {.field_selector = "spec.driver=gpu.nvidia.com,spec.nodeName=node1"});
    EXPECT_OK(list);
    std::vector<json> out;
    if (list.ok()) {
      for (const json& i : (*list)["items"]) out.push_back(i);
    }
    std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
      return a["metadata"]["name"] < b["metadata"]["name"];
    });
    return out;
  }
  size_t DeviceCount(const std::vector<json>& slices) {
    size_t n = 0;
    for (const json& s : slices) n += s["spec"].value("devices", json::array()).size();
    return n;
  }

  k8s::FakeApiServer server_;
  k8s::Client client_;
  k8s::EventRecorder events_;
  RecordingObserver observer_;
  k8s::FakeClock clock_;
  std::string node_uid_;
};

TEST_F(SlicePublisherTest, FirstPublishCreatesOneSliceWithExactFields) {
  auto p = Make();
  std::vector<devices::Device> devs = Devs(3);
  std::reverse(devs.begin(), devs.end());
  ASSERT_OK(p->Publish(devs));
  EXPECT_FALSE(p->Ready());
  p->Start();
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30))) << p->LastError();
  EXPECT_OK(p->LastError());
  EXPECT_EQ(p->ResourceVersion(), "v1");
  std::vector<json> got = Ours();
  ASSERT_EQ(got.size(), 1u);
  const json& s = got[0];
  EXPECT_THAT(s["metadata"]["name"].get<std::string>(), StartsWith("node1-gpu.nvidia.com-"));
  EXPECT_EQ(s["metadata"]["generateName"], "node1-gpu.nvidia.com-");
  EXPECT_FALSE(s["metadata"].contains("labels"));
  EXPECT_EQ(s["metadata"]["ownerReferences"],
            json::array({{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "node1"},
                          {"uid", node_uid_}, {"controller", true}}}));
  EXPECT_EQ(s["spec"]["driver"], kDriver);
  EXPECT_EQ(s["spec"]["nodeName"], kNode);
  EXPECT_EQ(s["spec"]["pool"],
            (json{{"name", "node1"}, {"generation", 1}, {"resourceSliceCount", 1}}));
  json want = json::array();
  for (const devices::Device& d : Devs(3)) want.push_back(devices::DeviceToJson(d));
  EXPECT_EQ(s["spec"]["devices"], want);
  EXPECT_EQ(p->Counters().slices_published_total, 1);
  EXPECT_EQ(p->Counters().publish_errors_total.size(), 0u);
  EXPECT_EQ(p->LastSuccess(), clock_.Now());
  p->Stop();
}

TEST_F(SlicePublisherTest, ThreeHundredDevicesMakeThreeSlicesOfOneGeneration) {
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(300)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30))) << p->LastError();
  std::vector<json> got = Ours();
  ASSERT_EQ(got.size(), 3u);
  std::vector<size_t> sizes;
  for (const json& s : got) {
    sizes.push_back(s["spec"]["devices"].size());
    EXPECT_EQ(s["spec"]["pool"]["generation"], 1);
    EXPECT_EQ(s["spec"]["pool"]["resourceSliceCount"], 3);
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{44, 128, 128}));
}

TEST_F(SlicePublisherTest, ChangingDevicesBumpsGenerationAndUpdatesInPlace) {
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(2)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  std::string name = Ours()[0]["metadata"]["name"];
  ASSERT_OK(p->Publish(Devs(4, "H100")));
  EXPECT_FALSE(p->Ready());
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  std::vector<json> got = Ours();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["metadata"]["name"], name);
  EXPECT_EQ(got[0]["spec"]["pool"]["generation"], 2);
  EXPECT_EQ(got[0]["spec"]["devices"].size(), 4u);
  EXPECT_EQ(got[0]["spec"]["devices"][0]["attributes"]["productName"]["string"], "H100");
  // Publishing the same content again writes nothing.
  int64_t before = p->Counters().slices_published_total;
  ASSERT_OK(p->Publish(Devs(4, "H100")));
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(p->Counters().slices_published_total, before);
  EXPECT_EQ(Ours()[0]["spec"]["pool"]["generation"], 2);
}

TEST_F(SlicePublisherTest, ShrinkingDeletesSurplusSlices) {
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(300)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  ASSERT_OK(p->Publish(Devs(10)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  std::vector<json> got = Ours();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["spec"]["pool"], (json{{"name", "node1"}, {"generation", 2}, {"resourceSliceCount", 1}}));
  EXPECT_EQ(p->Counters().slices_deleted_total, 2);
}

// The resync period is minutes: a recreation within the wait below comes
// from the watch. (How fast is measured in bench/, not asserted here.)
TEST_F(SlicePublisherTest, ExternallyDeletedSlicesAreRecreatedByTheWatch) {
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(300)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  std::string victim = Ours()[1]["metadata"]["name"];
  ASSERT_OK(client_.Delete(k8s::ResourceSlices("v1"), "", victim));
  ASSERT_TRUE(WaitFor([&] { return Ours().size() == 3 && p->Ready(); }, absl::Seconds(20)));
  std::vector<json> got = Ours();
  EXPECT_EQ(DeviceCount(got), 300u);
  for (const json& s : got) EXPECT_EQ(s["spec"]["pool"]["generation"], 1);
  // As the kubelet does on restart: all slices of the node go.
  for (const json& s : got) {
    ASSERT_OK(client_.Delete(k8s::ResourceSlices("v1"), "", s["metadata"]["name"]));
  }
  ASSERT_TRUE(WaitFor([&] { return Ours().size() == 3 && p->Ready(); }, absl::Seconds(20)));
  EXPECT_EQ(DeviceCount(Ours()), 300u);
}

json Slice(const std::string& name, const std::string& driver, const std::string& node,
           const std::string& pool, int64_t gen) {
  return {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceSlice"},
          {"metadata", {{"name", name}}},
          {"spec", {{"driver", driver}, {"nodeName", node},
                    {"pool", {{"name", pool}, {"generation", gen}, {"resourceSliceCount", 1}}},
                    {"devices", json::array({{{"name", "gpu-0"}}})}}}};
}

TEST_F(SlicePublisherTest, ForeignSlicesAreNotTouched) {
  json other_driver = server_.Seed(kSlices, Slice("a", "other.example.com", kNode, kNode, 7));
  json other_node = server_.Seed(kSlices, Slice("b", kDriver, "node2", "node2", 7));
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(1)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  for (const json& want : {other_driver, other_node}) {
    auto got = client_.Get(k8s::ResourceSlices("v1"), "", want["metadata"]["name"]);
    ASSERT_OK(got);
    EXPECT_EQ(*got, want);
  }
  EXPECT_EQ(Ours().size(), 1u);
}

TEST_F(SlicePublisherTest, StaleSlicesOfThePoolAndOtherPoolsAreDeleted) {
  server_.Seed(kSlices, Slice("old", kDriver, kNode, kNode, 3));
  server_.Seed(kSlices, Slice("newest", kDriver, kNode, kNode, 5));
  server_.Seed(kSlices, Slice("elsewhere", kDriver, kNode, "another-pool", 9));
  auto p = Make();
  p->Start();
  ASSERT_OK(p->Publish(Devs(2)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  std::vector<json> got = Ours();
  ASSERT_EQ(got.size(), 1u);
  // The newest slice was reused and superseded by generation 6.
  EXPECT_EQ(got[0]["metadata"]["name"], "newest");
  EXPECT_EQ(got[0]["spec"]["pool"]["generation"], 6);
  EXPECT_EQ(got[0]["spec"]["devices"].size(), 2u);
  EXPECT_EQ(p->Counters().slices_deleted_total, 2);
}

TEST_F(SlicePublisherTest, RejectedSliceIsLoudAndRecovers) {
  server_.set_validator([](const std::string& resource, const json& obj) {
    if (resource != "resourceslices") return absl::OkStatus();
    for (const json& d : obj["spec"].value("devices", json::array())) {
      if (d["attributes"].contains("driverVersion")) {
        return absl::InvalidArgumentError(
            "spec.devices[0].attributes[driverVersion].version: Invalid value: \"31.40.1.2\": "
            "must be a semantic version");
      }
    }
    return absl::OkStatus();
  });
  auto p = Make();
  p->Start();
  std::vector<devices::Device> bad = Devs(2);
  bad[0].attributes["driverVersion"] = devices::AttributeValue::Version("31.40.1.2");
  ASSERT_OK(p->Publish(bad));
  ASSERT_TRUE(WaitFor([&] { return !p->LastError().ok(); }));
  EXPECT_FALSE(p->Ready());
  EXPECT_THAT(std::string(p->LastError().message()), HasSubstr("must be a semantic version"));
  EXPECT_THAT(std::string(p->LastError().message()), HasSubstr("create ResourceSlice"));
  EXPECT_GE(p->Counters().publish_errors_total["Invalid"], 1);
  {
    absl::MutexLock l(&observer_.mu);
    EXPECT_GE(observer_.errors["Invalid"], 1);
  }
  absl::StatusOr<json> events;
  ASSERT_TRUE(WaitFor([&] {
    events = client_.List(k8s::Events(), "default");
    return events.ok() && !(*events)["items"].empty();
  }));
  const json& e = (*events)["items"][0];
  EXPECT_EQ(e["reason"], kReasonSliceRejected);
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["regarding"]["kind"], "Node");
  EXPECT_EQ(e["regarding"]["name"], kNode);
  EXPECT_THAT(e["note"].get<std::string>(), HasSubstr("must be a semantic version"));
  EXPECT_TRUE(Ours().empty());
  // Retries back off instead of spinning: ~20 ms doubling to a 200 ms cap.
  server_.ClearRequests();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_LT(server_.requests().size(), 20u);
  // A corrected publish goes through.
  ASSERT_OK(p->Publish(Devs(2)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30)));
  EXPECT_OK(p->LastError());
  EXPECT_EQ(Ours().size(), 1u);
}

TEST_F(SlicePublisherTest, TransientErrorsAreRetried) {
  auto p = Make();
  ASSERT_OK(p->Publish(Devs(1)));
  server_.FailNext(3, 503, "ServiceUnavailable");
  p->Start();
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30))) << p->LastError();
  EXPECT_EQ(Ours().size(), 1u);
  EXPECT_GE(p->Counters().publish_errors_total["ServiceUnavailable"], 1);
}

TEST_F(SlicePublisherTest, InvalidContentIsRefusedLocally) {
  auto p = Make();
  std::vector<devices::Device> dup = Devs(2);
  dup[1].name = dup[0].name;
  EXPECT_THAT(p->Publish(dup), testing_util::StatusIs(absl::StatusCode::kInvalidArgument,
                                                      HasSubstr("duplicate device name")));
  EXPECT_EQ(p->Counters().publish_errors_total["Local"], 1);
}

TEST_F(SlicePublisherTest, FallsBackToV1beta1) {
  server_.set_resource_versions({"v1beta1"});
  SlicePublisherOptions o;
  o.node_uid = "given-uid";
  auto p = Make(o);
  p->Start();
  ASSERT_OK(p->Publish(Devs(2)));
  ASSERT_TRUE(p->WaitUntilReady(absl::Seconds(30))) << p->LastError();
  EXPECT_EQ(p->ResourceVersion(), "v1beta1");
  std::vector<json> got = Ours("v1beta1");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["spec"]["devices"][0]["basic"]["attributes"]["index"]["int"], 0);
  EXPECT_EQ(got[0]["metadata"]["ownerReferences"][0]["uid"], "given-uid");
  for (const auto& r : server_.requests()) {
    EXPECT_FALSE(absl::StrContains(r.path, "/resource.k8s.io/v1/")) << r.path;
  }
}

TEST_F(SlicePublisherTest, StopsPromptlyWithoutPublish) {
  auto p = Make();
  p->Start();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_TRUE(Ours().empty());
  absl::Time t0 = absl::Now();
  p->Stop();
  p->Stop();
  EXPECT_LT(absl::Now() - t0, absl::Seconds(10));
}

}  // namespace
}  // namespace kubeletplugin

#include "k8s/informer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using json = nlohmann::json;

bool WaitFor(const std::function<bool()>& f) {
  for (int i = 0; i < 3000; ++i) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

json Slice(const std::string& name, const std::string& pool) {
  return {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceSlice"},
          {"metadata", {{"name", name}}},
          {"spec", {{"driver", "gpu.nvidia.com"}, {"pool", {{"name", pool}}}}}};
}

TEST(InformerTest, CacheIndexesAndHandlers) {
  FakeApiServer server;
  ClientOptions o;
  o.qps = 0;
  Client client(&server, o);
  const std::string coll = "/apis/resource.k8s.io/v1/resourceslices";
  server.Seed(coll, Slice("s1", "node1"));
  Informer inf(&client, ResourceSlices("v1"));
  inf.AddIndexer("pool", &Informer::IndexByPoolName);
  absl::Mutex mu;
  std::vector<std::string> seen;
  inf.AddHandlers({[&](const json& j) {
                     absl::MutexLock l(&mu);
                     seen.push_back("add " + Informer::KeyOf(j));
                   },
                   [&](const json&, const json& j) {
                     absl::MutexLock l(&mu);
                     seen.push_back("update " + Informer::KeyOf(j));
                   },
                   [&](const json& j) {
                     absl::MutexLock l(&mu);
                     seen.push_back("delete " + Informer::KeyOf(j));
                   }});
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(absl::Seconds(5)));
  ASSERT_TRUE(WaitFor([&] { return server.open_watches() == 1; }));
  ASSERT_OK(client.Create(ResourceSlices("v1"), "", Slice("s2", "node1")));
  ASSERT_OK(client.Create(ResourceSlices("v1"), "", Slice("s3", "node2")));
  ASSERT_OK(client.MergePatch(ResourceSlices("v1"), "", "s1", {{"spec", {{"pool", {{"generation", 2}}}}}}));
  ASSERT_OK(client.Delete(ResourceSlices("v1"), "", "s2"));
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock l(&mu);
    return seen.size() == 5;
  }));
  EXPECT_THAT(seen, ::testing::ElementsAre("add s1", "add s2", "add s3", "update s1", "delete s2"));
  EXPECT_EQ(inf.List().size(), 2u);
  EXPECT_EQ((*inf.Get("s1"))["spec"]["pool"]["generation"], 2);
  EXPECT_FALSE(inf.Get("s2").has_value());
  EXPECT_EQ(inf.ByIndex("pool", "node1").size(), 1u);
  EXPECT_EQ(inf.ByIndex("pool", "node2")[0]["metadata"]["name"], "s3");

  // A relist after 410 turns into the right add/delete calls.
  server.Compact();
  server.set_drop_watch_after_n_events(1);
  ASSERT_OK(client.Delete(ResourceSlices("v1"), "", "s3"));
  server.Compact();
  ASSERT_OK(client.Create(ResourceSlices("v1"), "", Slice("s4", "node2")));
  server.Compact();
  server.CloseWatches();
  ASSERT_TRUE(WaitFor([&] { return inf.Get("s4").has_value() && !inf.Get("s3").has_value(); }));
  inf.Stop();
  EXPECT_EQ(inf.ByIndex("pool", "node2")[0]["metadata"]["name"], "s4");
}

}  // namespace
}  // namespace k8s

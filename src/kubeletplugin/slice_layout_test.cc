#include "kubeletplugin/slice_layout.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kubeletplugin {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

devices::Device Dev(const std::string& name) {
  devices::Device d;
  d.name = name;
  d.attributes["type"] = devices::AttributeValue::String("gpu");
  return d;
}

std::vector<devices::Device> Devs(int n) {
  std::vector<devices::Device> v;
  for (int i = n - 1; i >= 0; --i) {  // reverse order on purpose
    char buf[16];
    std::snprintf(buf, sizeof buf, "gpu-%03d", i);
    v.push_back(Dev(buf));
  }
  return v;
}

TEST(SliceLayoutTest, SortsAndSplitsAt128) {
  auto got = LayoutSlices(Devs(300), {});
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].devices.size(), 128u);
  EXPECT_EQ((*got)[1].devices.size(), 128u);
  EXPECT_EQ((*got)[2].devices.size(), 44u);
  EXPECT_EQ((*got)[0].devices.front().name, "gpu-000");
  EXPECT_EQ((*got)[1].devices.front().name, "gpu-128");
  EXPECT_EQ((*got)[2].devices.back().name, "gpu-299");
}

TEST(SliceLayoutTest, EmptyPoolHasOneEmptySlice) {
  auto got = LayoutSlices({}, {});
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE((*got)[0].devices.empty());
}

TEST(SliceLayoutTest, AdvancedFeaturesLowerTheLimitTo64) {
  std::vector<devices::Device> v = Devs(100);
  v[5].extra["taints"] = nlohmann::json::array({{{"key", "k"}, {"effect", "NoSchedule"}}});
  EXPECT_TRUE(UsesAdvancedFeatures(v[5]));
  EXPECT_FALSE(UsesAdvancedFeatures(v[4]));
  EXPECT_EQ(DeviceLimit(v, 0), 64);
  EXPECT_EQ(DeviceLimit(v, 10), 10);
  auto got = LayoutSlices(v, {});
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].devices.size(), 64u);
  EXPECT_EQ((*got)[1].devices.size(), 36u);
}

TEST(SliceLayoutTest, CountersGetTheirOwnSlicesFirst) {
  std::vector<k8s::CounterSet> sets;
  for (int i = 9; i >= 0; --i) {
    k8s::CounterSet cs;
    cs.name = "gpu-" + std::to_string(i) + "-counter-set";
    cs.counters["memory"] = k8s::Quantity::Binary(1 << 30);
    sets.push_back(cs);
  }
  std::vector<devices::Device> v = Devs(2);
  v[0].extra["consumesCounters"] = {{{"counterSet", "gpu-1-counter-set"},
                                     {"counters", {{"memory", {{"value", "1Gi"}}}}}}};
  auto got = LayoutSlices(v, sets);
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].shared_counters.size(), 8u);
  EXPECT_TRUE((*got)[0].devices.empty());
  EXPECT_EQ((*got)[0].shared_counters[0].name, "gpu-0-counter-set");
  EXPECT_EQ((*got)[1].shared_counters.size(), 2u);
  EXPECT_EQ((*got)[2].devices.size(), 2u);
  EXPECT_TRUE((*got)[2].shared_counters.empty());
}

TEST(SliceLayoutTest, RejectsDuplicatesAndUnknownCounters) {
  std::vector<devices::Device> v = Devs(3);
  v.push_back(Dev("gpu-001"));
  EXPECT_THAT(LayoutSlices(v, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate device name \"gpu-001\"")));
  EXPECT_THAT(LayoutSlices({Dev("")}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty name")));
  k8s::CounterSet cs;
  cs.name = "a";
  cs.counters["memory"] = k8s::Quantity::Decimal(1);
  EXPECT_THAT(LayoutSlices({}, {cs, cs}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate counter set")));
  std::vector<devices::Device> w = Devs(1);
  w[0].extra["consumesCounters"] = {{{"counterSet", "b"}, {"counters", nlohmann::json::object()}}};
  EXPECT_THAT(LayoutSlices(w, {cs}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown set \"b\"")));
  w[0].extra["consumesCounters"] = {{{"counterSet", "a"}, {"counters", {{"cores", {{"value", "1"}}}}}}};
  EXPECT_THAT(LayoutSlices(w, {cs}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown counter \"cores\"")));
}

TEST(SliceLayoutTest, SpecAndContentRoundTrip) {
  auto got = LayoutSlices(Devs(2), {});
  ASSERT_OK(got);
  k8s::ResourceSliceSpec spec = MakeSliceSpec((*got)[0], "gpu.nvidia.com", "node1", {"node1", 3, 1});
  EXPECT_EQ(spec.driver, "gpu.nvidia.com");
  EXPECT_EQ(spec.node_name, "node1");
  EXPECT_EQ(spec.pool, (k8s::ResourcePool{"node1", 3, 1}));
  EXPECT_FALSE(HasForeignPlacement(spec));
  EXPECT_EQ(ContentOf(spec), (*got)[0]);
  spec.all_nodes = true;
  EXPECT_TRUE(HasForeignPlacement(spec));
  EXPECT_EQ(ContentKey((*got)[0]), ContentKey(ContentOf(spec)));
  EXPECT_NE(ContentKey((*got)[0]), ContentKey(DesiredSlice{}));
}

}  // namespace
}  // namespace kubeletplugin

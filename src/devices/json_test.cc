#include "devices/json.h"

#include "gtest/gtest.h"

namespace devices {
namespace {

Device Sample() {
  Device d;
  d.name = "gpu-0";
  d.attributes["type"] = AttributeValue::String("gpu");
  d.attributes["driverVersion"] = AttributeValue::Version("580.159.4");
  d.attributes["count"] = AttributeValue::Int(3);
  d.attributes["ok"] = AttributeValue::Bool(true);
  d.capacity["memory"] = Quantity::Binary(85520809984);
  return d;
}

TEST(JsonTest, V1IsFlat) {
  nlohmann::json j = DeviceToJson(Sample());
  EXPECT_EQ(j.dump(),
            R"({"attributes":{"count":{"int":3},"driverVersion":{"version":"580.159.4"},)"
            R"("ok":{"bool":true},"type":{"string":"gpu"}},"capacity":{"memory":{"value":"81559Mi"}},)"
            R"("name":"gpu-0"})");
}

TEST(JsonTest, V1beta1NestsUnderBasic) {
  nlohmann::json j = DeviceToJson(Sample(), ApiVersion::kV1beta1);
  ASSERT_TRUE(j.contains("basic"));
  EXPECT_FALSE(j.contains("attributes"));
  EXPECT_EQ(j["basic"]["capacity"]["memory"]["value"], "81559Mi");
  EXPECT_EQ(j["name"], "gpu-0");
}

}  // namespace
}  // namespace devices

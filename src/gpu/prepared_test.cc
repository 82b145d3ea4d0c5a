#include "gpu/prepared.h"

#include "devices/attributes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpu {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::ordered_json;

TEST(Prepared, RoundTripInReferenceLayout) {
  PreparedEntry g;
  g.device.type = devices::kTypeGpu;
  g.device.uuid = "GPU-1";
  g.device.minor = 4;
  g.device.pci_bus_id = "0000:07:00.0";
  g.result = {{"r0"}, "node-a", "gpu-4", {"k8s.gpu.nvidia.com/claim=u-gpu-4"}};
  PreparedEntry m;
  m.device.type = devices::kTypeMig;
  m.device.uuid = "MIG-2";
  m.device.parent_uuid = "GPU-0";
  m.device.minor = 0;
  m.device.gi_id = 3;
  m.device.ci_id = 0;
  m.result = {{"r1"}, "node-a", "gpu-0-mig-1g5gb-19-0", {"k8s.gpu.nvidia.com/claim=u-x"}};
  json j = EncodePreparedDevices({g, m});
  EXPECT_EQ(j[0]["devices"][0]["gpu"]["info"]["uuid"], "GPU-1");
  EXPECT_EQ(j[0]["devices"][0]["gpu"]["device"]["DeviceName"], "gpu-4");
  EXPECT_EQ(j[0]["devices"][0]["gpu"]["device"]["CDIDeviceIDs"][0],
            "k8s.gpu.nvidia.com/claim=u-gpu-4");
  EXPECT_EQ(j[0]["devices"][1]["mig"]["concrete"]["giId"], 3);
  EXPECT_EQ(j[0]["devices"][1]["mig"]["concrete"]["migUUID"], "MIG-2");
  EXPECT_TRUE(j[0]["configState"].is_object());
  auto back = DecodePreparedDevices(j);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].result, g.result);
  EXPECT_EQ((*back)[0].device.minor, 4u);
  EXPECT_EQ((*back)[1].result, m.result);
  EXPECT_EQ((*back)[1].device.gi_id, 3u);
  EXPECT_EQ((*back)[1].device.name, "gpu-0-mig-1g5gb-19-0");
}

TEST(Prepared, MalformedIsNamed) {
  EXPECT_THAT(std::string(DecodePreparedDevices(json::object()).status().message()),
              HasSubstr("not an array"));
  EXPECT_THAT(std::string(DecodePreparedDevices(json::parse(R"([{"devices":[{"vfio":{}}]}])"))
                              .status().message()),
              HasSubstr("preparedDevices[0].devices[0]: neither a gpu nor a mig device"));
  EXPECT_THAT(std::string(DecodePreparedDevices(
                              json::parse(R"([{"devices":[{"gpu":{"device":{"DeviceName":5}}}]}])"))
                              .status().message()),
              HasSubstr("preparedDevices[0].devices[0]"));
  EXPECT_THAT(std::string(DecodePreparedDevices(
                              json::parse(R"([{"devices":[{"gpu":{"device":{}}}]}])"))
                              .status().message()),
              HasSubstr("DeviceName is empty"));
}

}  // namespace
}  // namespace gpu

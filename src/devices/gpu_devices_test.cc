#include "devices/gpu_devices.h"

#include "devices/json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

hw::MigProfile Profile(uint32_t id, const char* name, uint32_t slices, uint32_t sms, uint32_t ce,
                       uint32_t dec, uint32_t jpeg, uint32_t ofa, uint64_t mem_mb) {
  hw::MigProfile p;
  p.id = id;
  p.name = name;
  p.slices = slices;
  p.multiprocessors = sms;
  p.copyEngines = ce;
  p.decoders = dec;
  p.jpegEngines = jpeg;
  p.ofaEngines = ofa;
  p.memoryMB = mem_mb;
  return p;
}

// The captured H100 node (fixtures/h100-pcie-vm).
hw::NodeInfo H100Node() {
  hw::NodeInfo n;
  n.driverVersion = "580.159.04";
  n.cudaDriverVersion = "13.0";
  hw::GpuInfo g;
  g.index = 0;
  g.minor = 0;
  g.uuid = "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd";
  g.name = "NVIDIA H100 80GB HBM3";
  g.brand = "Nvidia";
  g.architecture = "Hopper";
  g.cudaComputeCapability = "9.0";
  g.pciBusID = "0000:00:06.0";
  g.pcieRoot = "pci0000:00";
  g.addressingMode = "None";
  g.memoryBytes = 85520809984ULL;
  g.migCapable = true;
  n.gpus.push_back(g);
  return n;
}

// One A100 with MIG on and two MIG devices, one A100 with MIG off.
hw::NodeInfo A100MigNode() {
  hw::NodeInfo n;
  n.driverVersion = "550.54.15";
  n.cudaDriverVersion = "12.4";
  for (uint32_t i = 0; i < 2; ++i) {
    hw::GpuInfo g;
    g.index = i;
    g.minor = i;
    g.uuid = "GPU-a100000" + std::to_string(i);
    g.name = "NVIDIA A100-SXM4-40GB";
    g.brand = "Nvidia";
    g.architecture = "Ampere";
    g.cudaComputeCapability = "8.0";
    g.pciBusID = i == 0 ? "0000:07:00.0" : "0000:0f:00.0";
    g.memoryBytes = 42949672960ULL;
    g.migCapable = true;
    g.migProfiles = {Profile(19, "1g.5gb", 1, 14, 1, 0, 0, 0, 4864),
                     Profile(14, "2g.10gb", 2, 28, 2, 1, 0, 0, 9856),
                     Profile(20, "1g.5gb+me", 1, 14, 1, 1, 1, 1, 4864)};
    n.gpus.push_back(g);
  }
  auto& g0 = n.gpus[0];
  g0.migEnabled = true;
  hw::MigDeviceInfo a;
  a.uuid = "MIG-aaaa";
  a.profileId = 14;
  a.placement = {0, 2};
  hw::MigDeviceInfo b;
  b.uuid = "MIG-bbbb";
  b.profileId = 20;
  b.placement = {6, 1};
  g0.migDevices = {b, a};  // out of order on purpose
  return n;
}

TEST(GpuDevicesTest, FullGpuMatchesReferenceShape) {
  auto got = BuildGpuDevices(H100Node());
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->devices.size(), 1u);
  nlohmann::json j = DeviceToJson(got->devices[0]);
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "name": "gpu-0",
    "attributes": {
      "type": {"string": "gpu"},
      "uuid": {"string": "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd"},
      "productName": {"string": "NVIDIA H100 80GB HBM3"},
      "brand": {"string": "Nvidia"},
      "architecture": {"string": "Hopper"},
      "addressingMode": {"string": "None"},
      "cudaComputeCapability": {"version": "9.0.0"},
      "driverVersion": {"version": "580.159.4"},
      "cudaDriverVersion": {"version": "13.0.0"},
      "resource.kubernetes.io/pciBusID": {"string": "0000:00:06.0"},
      "resource.kubernetes.io/pcieRoot": {"string": "pci0000:00"}
    },
    "capacity": {"memory": {"value": "81559Mi"}}
  })"));
  EXPECT_TRUE(got->warnings.empty());
}

TEST(GpuDevicesTest, NoMemoryCapacityOnUmaSystems) {
  auto node = H100Node();
  node.gpus[0].memoryBytes.reset();
  node.gpus[0].pcieRoot.reset();
  auto got = BuildGpuDevices(node);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->devices[0].capacity.empty());
  EXPECT_EQ(got->devices[0].attributes.count("resource.kubernetes.io/pcieRoot"), 0u);
}

TEST(GpuDevicesTest, MigEnabledParentIsReplacedByItsMigDevices) {
  auto got = BuildGpuDevices(A100MigNode());
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<std::string> names;
  for (const auto& d : got->devices) names.push_back(d.name);
  EXPECT_THAT(names, ElementsAre("gpu-0-mig-2g10gb-14-0", "gpu-0-mig-1g5gb-me-20-6", "gpu-1"));
  const Device& mig = got->devices[0];
  EXPECT_EQ(mig.attributes.at("type").string_value, "mig");
  EXPECT_EQ(mig.attributes.at("uuid").string_value, "MIG-aaaa");
  EXPECT_EQ(mig.attributes.at("parentUUID").string_value, "GPU-a1000000");
  EXPECT_EQ(mig.attributes.at("profile").string_value, "2g.10gb");
  EXPECT_EQ(mig.attributes.at("resource.kubernetes.io/pciBusID").string_value, "0000:07:00.0");
  EXPECT_EQ(mig.capacity.at("multiprocessors").ToString(), "28");
  EXPECT_EQ(mig.capacity.at("copyEngines").ToString(), "2");
  EXPECT_EQ(mig.capacity.at("decoders").ToString(), "1");
  EXPECT_EQ(mig.capacity.at("encoders").ToString(), "0");
  EXPECT_EQ(mig.capacity.at("memory").ToString(), "9856Mi");
  EXPECT_EQ(mig.capacity.at("memorySlice0").ToString(), "1");
  EXPECT_EQ(mig.capacity.at("memorySlice1").ToString(), "1");
  EXPECT_EQ(mig.capacity.count("memorySlice2"), 0u);
  EXPECT_EQ(mig.attributes.size() + mig.capacity.size(), 11u + 7u + 2u);
  const Device& me = got->devices[1];
  EXPECT_EQ(me.capacity.at("ofaEngines").ToString(), "1");
  EXPECT_EQ(me.capacity.at("memorySlice6").ToString(), "1");
}

TEST(GpuDevicesTest, MigEnabledWithoutMigDevicesWarns) {
  auto node = A100MigNode();
  node.gpus[0].migDevices.clear();
  auto got = BuildGpuDevices(node);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->devices.size(), 1u);
  EXPECT_EQ(got->devices[0].name, "gpu-1");
  ASSERT_EQ(got->warnings.size(), 1u);
  EXPECT_THAT(got->warnings[0], HasSubstr("GPU-a1000000"));
}

TEST(GpuDevicesTest, BadVersionFailsNamingTheValue) {
  auto node = H100Node();
  node.driverVersion = "five-eighty";
  auto got = BuildGpuDevices(node);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("five-eighty"));
}

TEST(GpuDevicesTest, OverlongStringAttributeIsRejected) {
  auto node = H100Node();
  node.gpus[0].name = std::string(65, 'x');
  auto got = BuildGpuDevices(node);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("productName"));
}

}  // namespace
}  // namespace devices

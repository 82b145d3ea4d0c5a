#include "hw/node_info_codec.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/status_matchers.h"

namespace hw {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

// A node with every field set to a distinct value, optionals present on
// the first GPU and absent on the second.
NodeInfo Full() {
  NodeInfo n;
  n.driverVersion = "580.159.04";
  n.cudaDriverVersion = "13.0";
  n.nvmlVersion = "13.580.159.04";
  n.warnings = {"pcieRoot of 0000:00:06.0 unreadable", "second"};
  GpuInfo g;
  g.index = 1;
  g.minor = 3;
  g.uuid = "GPU-9f3a6f2b-2634-1256-d954-27a69d574f5b";
  g.name = "NVIDIA A100-SXM4-40GB";
  g.brand = "Nvidia";
  g.architecture = "Ampere";
  g.architectureCode = 7;
  g.cudaComputeCapability = "8.0";
  g.pciBusID = "0000:07:00.0";
  g.pciDeviceID = 0x20b010de;
  g.memoryBytes = 42949672960ULL;
  g.addressingMode = "HMM";
  g.pcieRoot = "pci0000:00";
  g.numaNode = -1;
  g.virtualizationMode = 1;
  g.migCapable = true;
  g.migEnabled = true;
  MigProfile p;
  p.id = 19;
  p.index = 0;
  p.name = "1g.5gb";
  p.slices = 1;
  p.instances = 7;
  p.multiprocessors = 14;
  p.copyEngines = 1;
  p.decoders = 2;
  p.encoders = 3;
  p.jpegEngines = 4;
  p.ofaEngines = 5;
  p.memoryMB = 4864;
  p.placements = {{0, 1}, {6, 1}};
  g.migProfiles = {p};
  MigDeviceInfo m;
  m.uuid = "MIG-0e1f";
  m.index = 2;
  m.gpuInstanceId = 7;
  m.computeInstanceId = 1;
  m.profileId = 19;
  m.profileName = "1g.5gb";
  m.placement = {6, 1};
  m.multiprocessors = 14;
  m.copyEngines = 11;
  m.decoders = 12;
  m.encoders = 13;
  m.jpegEngines = 14;
  m.ofaEngines = 15;
  m.memoryMB = 4864;
  m.gpuInstanceSlices = 2;
  m.computeInstanceSlices = 1;
  g.migDevices = {m};
  g.fabric = FabricInfo{"00000000-0000-0000-0000-0000000000ab", 5, 3, 0, 1};
  n.gpus.push_back(g);
  GpuInfo bare;
  bare.uuid = "GPU-bare";
  bare.index = 2;
  n.gpus.push_back(bare);
  return n;
}

TEST(NodeInfoCodecTest, RoundTripKeepsEveryField) {
  const NodeInfo n = Full();
  const std::string text = EncodeNodeInfo(n);
  auto back = DecodeNodeInfo(text);
  ASSERT_OK(back);
  EXPECT_EQ(EncodeNodeInfo(*back), text);
  const GpuInfo& g = back->gpus.at(0);
  EXPECT_EQ(g.numaNode, -1);
  EXPECT_EQ(g.memoryBytes, 42949672960ULL);
  EXPECT_EQ(g.pciDeviceID, 0x20b010deu);
  ASSERT_TRUE(g.fabric.has_value());
  EXPECT_EQ(g.fabric->CliqueKey(), "00000000-0000-0000-0000-0000000000ab.5");
  EXPECT_EQ(g.migDevices.at(0).computeInstanceSlices, 1u);
  EXPECT_EQ(g.migProfiles.at(0).placements.at(1).start, 6u);
  EXPECT_EQ(back->warnings.at(1), "second");
  const GpuInfo& bare = back->gpus.at(1);
  EXPECT_FALSE(bare.memoryBytes.has_value());
  EXPECT_FALSE(bare.numaNode.has_value());
  EXPECT_FALSE(bare.fabric.has_value());
  EXPECT_FALSE(bare.addressingMode.has_value());
}

TEST(NodeInfoCodecTest, EveryStructFieldIsWritten) {
  // One key per field of gpu_info.h's structs: a field added there and
  // not to the codec's lists fails here (the counts are of gpu_info.h).
  nlohmann::json j = nlohmann::json::parse(EncodeNodeInfo(Full()));
  EXPECT_EQ(j.size(), 5u);
  EXPECT_EQ(j["gpus"][0].size(), 20u);
  EXPECT_EQ(j["gpus"][0]["migProfiles"][0].size(), 13u);
  EXPECT_EQ(j["gpus"][0]["migDevices"][0].size(), 16u);
  EXPECT_EQ(j["gpus"][0]["fabric"].size(), 5u);
  EXPECT_EQ(j["gpus"][1].size(), 15u);  // the five optionals absent
}

TEST(NodeInfoCodecTest, ErrorsNameThePath) {
  nlohmann::json j = nlohmann::json::parse(EncodeNodeInfo(Full()));
  auto with = [&](auto edit) {
    nlohmann::json c = j;
    edit(c);
    return DecodeNodeInfo(c.dump());
  };
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["migProfiles"][0]["slices"] = "one"; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("gpus[0].migProfiles[0].slices: want an integer")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][1].erase("uuid"); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[1].uuid: missing")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["fabric"]["colour"] = 1; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("gpus[0].fabric.colour: unknown field")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["minor"] = -1; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[0].minor: want a number >= 0")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["minor"] = 4294967296ULL; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[0].minor: want a smaller")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["numaNode"] = 2.5; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[0].numaNode: want an integer")));
  EXPECT_THAT(with([](auto& c) { c["gpus"][0]["migEnabled"] = 1; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[0].migEnabled: want true or false")));
  EXPECT_THAT(with([](auto& c) { c["warnings"] = "x"; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("warnings: want an array")));
  EXPECT_THAT(DecodeNodeInfo("[]"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("want an object")));
  EXPECT_THAT(DecodeNodeInfo("{\"driverVersion\":"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not JSON")));
  EXPECT_THAT(DecodeNodeInfo(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not JSON")));
}

TEST(NodeInfoCodecTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  EXPECT_THAT(DecodeNodeInfo(deep), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("want an object")));
  std::string deep_gpus =
      "{\"driverVersion\":\"\",\"cudaDriverVersion\":\"\",\"nvmlVersion\":\"\",\"gpus\":" + deep + "}";
  EXPECT_THAT(DecodeNodeInfo(deep_gpus), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[0]: want an object")));
}

}  // namespace
}  // namespace hw

#include "cmd/gpu-inventory/report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace inventory {
namespace {

using ::testing::HasSubstr;

hw::NodeInfo Node() {
  hw::NodeInfo n;
  n.driverVersion = "580.159.04";
  n.cudaDriverVersion = "13.0";
  hw::GpuInfo g;
  g.uuid = "GPU-1";
  g.name = "NVIDIA H100 80GB HBM3";
  g.pciBusID = "0000:00:06.0";
  g.memoryBytes = 85520809984ULL;
  g.architecture = "Hopper";
  g.cudaComputeCapability = "9.0";
  g.migCapable = true;
  hw::MigProfile p;
  p.id = 15;
  p.name = "1g.20gb";
  p.slices = 1;
  p.memoryMB = 20096;
  p.placements = {{0, 2}, {2, 2}, {4, 2}, {6, 2}};
  g.migProfiles.push_back(p);
  n.gpus.push_back(g);
  return n;
}

TEST(ReportTest, JsonHasTheDocumentedShape) {
  devices::BuildResult built;
  devices::Device d;
  d.name = "gpu-0";
  built.devices.push_back(d);
  nlohmann::json j = ReportJson(Node(), built);
  EXPECT_EQ(j["driverVersion"], "580.159.04");
  EXPECT_EQ(j["cudaDriverVersion"], "13.0");
  ASSERT_EQ(j["gpus"].size(), 1u);
  const auto& g = j["gpus"][0];
  for (const char* key : {"index", "minor", "uuid", "name", "pciBusID", "memoryBytes",
                          "architecture", "brand", "cudaComputeCapability", "migCapable",
                          "migEnabled", "migProfiles", "migDevices"}) {
    EXPECT_TRUE(g.contains(key)) << key;
  }
  EXPECT_EQ(g["memoryBytes"], 85520809984ULL);
  const auto& p = g["migProfiles"][0];
  EXPECT_EQ(p["id"], 15);
  EXPECT_EQ(p["name"], "1g.20gb");
  EXPECT_EQ(p["slices"], 1);
  EXPECT_EQ(p["memoryMB"], 20096);
  EXPECT_EQ(p["placements"][3], nlohmann::json({{"start", 6}, {"size", 2}}));
  EXPECT_EQ(j["devices"][0]["name"], "gpu-0");
  EXPECT_FALSE(j.contains("warnings"));
}

TEST(ReportTest, TableShowsGpuProfilesAndPlacements) {
  devices::BuildResult built;
  built.warnings.push_back("stranded");
  std::string t = ReportTable(Node(), built);
  EXPECT_THAT(t, HasSubstr("NVIDIA H100 80GB HBM3"));
  EXPECT_THAT(t, HasSubstr("81559"));
  EXPECT_THAT(t, HasSubstr("{0,2,4,6}:2"));
  EXPECT_THAT(t, HasSubstr("warning: stranded"));
}

}  // namespace
}  // namespace inventory

// topology_test.cc: a malformed topology makes nvmlInit fail cleanly (no
// crash) with "<file>:<line>: <what>" in nvmlMockLastError() and in the
// $NVML_MOCK_LOG file; every shipped topology loads.
#include <algorithm>

#include "gmock/gmock.h"
#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

const char* kGood = R"(driverVersion: "580.159.04"
cudaDriverVersion: 13000
gpus:
  - name: Test GPU
    uuid: GPU-00000000-0000-4000-8000-000000000001
    pci: {busId: "0000:01:00.0", deviceId: 0x20B010DE}
    memory: {total: 1000}
    brand: nvidia
    architecture: ampere
    computeCapability: "8.0"
)";

class BadTopologyTest : public MockTest {
 protected:
  // Writes `text`, expects init to fail and returns the error message.
  std::string Fails(const std::string& text) {
    std::string path = dir_ + "/topo.yaml";
    WriteText(path, text);
    UseTopology(path);
    EXPECT_EQ(Init(), NVML_ERROR_UNKNOWN);
    unsigned n = 0;
    EXPECT_EQ(Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n), NVML_ERROR_UNINITIALIZED);
    return Call<const char*()>("nvmlMockLastError");
  }
  std::string At(int line) { return dir_ + "/topo.yaml:" + std::to_string(line) + ": "; }
};

TEST_F(BadTopologyTest, GoodOneLoads) {
  std::string path = dir_ + "/topo.yaml";
  WriteText(path, kGood);
  UseTopology(path);
  ASSERT_EQ(Init(), NVML_SUCCESS);
}

TEST_F(BadTopologyTest, YamlSyntaxError) {
  std::string text = kGood;
  text.replace(text.find("brand: nvidia"), 13, "brand: [nvidia");
  EXPECT_THAT(Fails(text), ::testing::StartsWith(dir_ + "/topo.yaml:"));
}

TEST_F(BadTopologyTest, WrongType) {
  std::string text = kGood;
  text.replace(text.find("{total: 1000}"), 13, "{total: lots}");
  std::string msg = Fails(text);
  EXPECT_THAT(msg, ::testing::StartsWith(At(7)));
  EXPECT_THAT(msg, ::testing::HasSubstr("memory.total"));
}

TEST_F(BadTopologyTest, MissingKey) {
  std::string text = kGood;
  text.erase(text.find("    uuid:"), text.find("    pci:") - text.find("    uuid:"));
  std::string msg = Fails(text);
  EXPECT_THAT(msg, ::testing::StartsWith(At(4)));
  EXPECT_THAT(msg, ::testing::HasSubstr("missing required key 'uuid'"));
}

TEST_F(BadTopologyTest, UnknownArchitecture) {
  std::string text = kGood;
  text.replace(text.find("ampere"), 6, "fermi2");
  std::string msg = Fails(text);
  EXPECT_THAT(msg, ::testing::StartsWith(At(9)));
  EXPECT_THAT(msg, ::testing::HasSubstr("architecture"));
}

TEST_F(BadTopologyTest, NotAMapping) { EXPECT_THAT(Fails("- just\n- a list\n"), ::testing::StartsWith(At(1))); }

TEST_F(BadTopologyTest, OverlappingPrecreatedInstances) {
  std::string text = ReadText(TopologyPath("dgx-a100-half-balanced"));
  text += "  - {gpus: [0], profileId: 19, start: 4}\n";
  int line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  EXPECT_THAT(Fails(text), ::testing::StartsWith(At(line)));
}

TEST_F(BadTopologyTest, LogFileGetsTheMessage) {
  std::string log = dir_ + "/mock.log";
  ::setenv("NVML_MOCK_LOG", log.c_str(), 1);
  std::string msg = Fails("gpus: 3\n");
  EXPECT_THAT(ReadText(log), ::testing::HasSubstr(msg));
}

TEST_F(MockTest, MissingTopologyFile) {
  UseTopology(dir_ + "/nope.yaml");
  EXPECT_EQ(Init(), NVML_ERROR_UNKNOWN);
  EXPECT_THAT(std::string(Call<const char*()>("nvmlMockLastError")), ::testing::HasSubstr("nope.yaml"));
}

TEST_F(MockTest, ShippedTopologiesLoad) {
  for (const char* t : {"h100-pcie-vm", "dgx-a100", "dgx-a100-half-balanced", "dgx-h100", "gb200-nvl72-tray", "l4", "t4"}) {
    UseTopology(t);
    ::setenv("NVML_MOCK_STATE", (dir_ + "/" + t + ".json").c_str(), 1);
    ASSERT_EQ(Init(), NVML_SUCCESS) << t << ": " << Call<const char*()>("nvmlMockLastError");
    ASSERT_EQ(Call<nvmlReturn_t()>("nvmlShutdown"), NVML_SUCCESS);
  }
}

}  // namespace
}  // namespace nvml_mock_test

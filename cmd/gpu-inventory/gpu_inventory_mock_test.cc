// End-to-end tests of gpu-inventory on the NVML mock: the binary is run as
// a user would, through testing/nvml-mock/run-with-mock, and its JSON is
// compared with the facts of the captured H100 node and of the DGX A100
// half-balanced MIG layout.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command, capturing stdout (and stderr when asked).
RunResult Shell(const std::string& cmd, bool with_stderr = false) {
  RunResult r;
  std::string full = cmd + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string Inventory() { return std::string(DRA_BINARY_DIR) + "/bin/gpu-inventory"; }

std::string WithMock(const std::string& topology, const std::string& cmd) {
  return "NVML_MOCK_BUILD_DIR=" DRA_BINARY_DIR " " DRA_SOURCE_DIR
         "/testing/nvml-mock/run-with-mock " + topology + " -- " + cmd;
}

nlohmann::json InventoryJson(const std::string& topology) {
  RunResult r = Shell(WithMock(topology, Inventory() + " --json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

TEST(GpuInventoryMockTest, H100ReproducesTheCapturedNode) {
  nlohmann::json j = InventoryJson("h100-pcie-vm");
  EXPECT_EQ(j["driverVersion"], "580.159.04");
  EXPECT_EQ(j["cudaDriverVersion"], "13.0");
  ASSERT_EQ(j["gpus"].size(), 1u);
  const auto& g = j["gpus"][0];
  EXPECT_EQ(g["name"], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(g["uuid"], "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  EXPECT_EQ(g["minor"], 0);
  EXPECT_EQ(g["index"], 0);
  EXPECT_EQ(g["pciBusID"], "0000:00:06.0");
  EXPECT_EQ(g["memoryBytes"], 85520809984ULL);
  EXPECT_EQ(g["cudaComputeCapability"], "9.0");
  EXPECT_EQ(g["architecture"], "Hopper");
  EXPECT_EQ(g["migCapable"], true);
  EXPECT_EQ(g["migEnabled"], false);
  EXPECT_TRUE(g["migDevices"].empty());

  // `nvidia-smi mig -lgip` / `-lgipp` of the real machine (recon.txt).
  struct Want {
    int id;
    const char* name;
    int slices;
    int sms;
    int mem_mb;
    std::vector<int> starts;
    int size;
  };
  const std::vector<Want> want = {
      {19, "1g.10gb", 1, 16, 9984, {0, 1, 2, 3, 4, 5, 6}, 1},
      {20, "1g.10gb+me", 1, 16, 9984, {0, 1, 2, 3, 4, 5, 6}, 1},
      {15, "1g.20gb", 1, 26, 20096, {0, 2, 4, 6}, 2},
      {14, "2g.20gb", 2, 32, 20096, {0, 2, 4}, 2},
      {9, "3g.40gb", 3, 60, 40448, {0, 4}, 4},
      {5, "4g.40gb", 4, 64, 40448, {0}, 4},
      {0, "7g.80gb", 7, 132, 81152, {0}, 8},
  };
  const auto& profiles = g["migProfiles"];
  ASSERT_EQ(profiles.size(), want.size()) << profiles.dump();
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(profiles[i]["id"], want[i].id);
    EXPECT_EQ(profiles[i]["name"], want[i].name);
    EXPECT_EQ(profiles[i]["slices"], want[i].slices);
    EXPECT_EQ(profiles[i]["multiprocessors"], want[i].sms);
    EXPECT_EQ(profiles[i]["memoryMB"], want[i].mem_mb);
    std::vector<int> starts;
    for (const auto& p : profiles[i]["placements"]) {
      starts.push_back(p["start"]);
      EXPECT_EQ(p["size"], want[i].size);
    }
    EXPECT_EQ(starts, want[i].starts);
  }

  // The one DRA device the plugin would publish.
  ASSERT_EQ(j["devices"].size(), 1u);
  const auto& d = j["devices"][0];
  EXPECT_EQ(d["name"], "gpu-0");
  EXPECT_EQ(d["attributes"]["type"]["string"], "gpu");
  EXPECT_EQ(d["attributes"]["uuid"]["string"], "GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd");
  EXPECT_EQ(d["attributes"]["productName"]["string"], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(d["attributes"]["architecture"]["string"], "Hopper");
  EXPECT_EQ(d["attributes"]["cudaComputeCapability"]["version"], "9.0.0");
  EXPECT_EQ(d["attributes"]["driverVersion"]["version"], "580.159.4");
  EXPECT_EQ(d["attributes"]["cudaDriverVersion"]["version"], "13.0.0");
  EXPECT_EQ(d["attributes"]["resource.kubernetes.io/pciBusID"]["string"], "0000:00:06.0");
  EXPECT_EQ(d["attributes"]["resource.kubernetes.io/pcieRoot"]["string"], "pci0000:00");
  EXPECT_EQ(d["attributes"]["addressingMode"]["string"], "None");
  EXPECT_EQ(d["attributes"]["brand"]["string"], "Nvidia");
  EXPECT_EQ(d["capacity"]["memory"]["value"], "81559Mi");
  // Exactly the attribute set the reference driver's e2e suite expects.
  std::vector<std::string> keys;
  for (const auto& [k, v] : d["attributes"].items()) keys.push_back(k);
  EXPECT_THAT(keys, ElementsAre("addressingMode", "architecture", "brand", "cudaComputeCapability",
                                "cudaDriverVersion", "driverVersion", "productName",
                                "resource.kubernetes.io/pciBusID",
                                "resource.kubernetes.io/pcieRoot", "type", "uuid"));
  EXPECT_FALSE(j.contains("warnings")) << j["warnings"].dump();
}

TEST(GpuInventoryMockTest, HalfBalancedA100ShowsMigDevicesOnGpus0To3) {
  nlohmann::json j = InventoryJson("dgx-a100-half-balanced");
  ASSERT_EQ(j["gpus"].size(), 8u);
  for (int i = 0; i < 8; ++i) {
    SCOPED_TRACE(i);
    const auto& g = j["gpus"][i];
    EXPECT_EQ(g["name"], "NVIDIA A100-SXM4-40GB");
    EXPECT_EQ(g["migEnabled"], i < 4);
    std::vector<std::string> profiles;
    for (const auto& m : g["migDevices"]) profiles.push_back(m["profile"]);
    std::sort(profiles.begin(), profiles.end());
    if (i < 4) {
      EXPECT_THAT(profiles, ElementsAre("1g.5gb", "1g.5gb", "2g.10gb", "3g.20gb"));
    } else {
      EXPECT_TRUE(profiles.empty());
    }
  }
  // Devices: 4 MIG devices on each of GPUs 0-3 (no parent), full GPUs 4-7.
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& d : j["devices"]) by_name[d["name"]] = d;
  EXPECT_EQ(by_name.size(), 4u * 4u + 4u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(by_name.count("gpu-" + std::to_string(i)), i < 4 ? 0u : 1u) << i;
  }
  int mig = 0;
  for (const auto& [name, d] : by_name) {
    if (d["attributes"]["type"]["string"] != "mig") continue;
    ++mig;
    EXPECT_THAT(name, ::testing::MatchesRegex("gpu-[0-3]-mig-(1g5gb-19|2g10gb-14|3g20gb-9)-[0-6]"));
    EXPECT_TRUE(d["attributes"].contains("parentUUID"));
    EXPECT_EQ(d["attributes"]["uuid"]["string"].get<std::string>().rfind("MIG-", 0), 0u);
  }
  EXPECT_EQ(mig, 16);
  // The 3g.20gb device of GPU 0 carries the A100 profile capacities.
  const nlohmann::json* three = nullptr;
  for (const auto& [name, d] : by_name) {
    if (name.rfind("gpu-0-mig-3g20gb-9-", 0) == 0) three = &d;
  }
  ASSERT_NE(three, nullptr);
  EXPECT_EQ((*three)["capacity"]["multiprocessors"]["value"], "42");
  EXPECT_EQ((*three)["capacity"]["memory"]["value"], "19968Mi");
}

TEST(GpuInventoryMockTest, BadFlagIsOneLineAndExit2) {
  RunResult r = Shell(Inventory() + " --no-such-flag", /*with_stderr=*/true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("no-such-flag"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(GpuInventoryMockTest, MissingDriverNamesThePathsTried) {
  RunResult r = Shell("env -u LD_LIBRARY_PATH " + Inventory() + " --driver-root /nonexistent-driver-root",
                /*with_stderr=*/true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("libnvidia-ml.so.1"));
  EXPECT_THAT(r.out, HasSubstr("/nonexistent-driver-root/usr/lib64"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

}  // namespace

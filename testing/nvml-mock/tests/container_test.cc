// container_test.cc: the mock inside a simulated container that received
// the driver files by CDI, the way the GPU kubelet plugin mounts them: only
// lib64/libnvidia-ml.so.<ver> (+ libyaml-cpp), the device nodes of its
// devices, no topology yaml, no state file, no NVML_MOCK_* variables. The
// host side is a driver root made by make-driver-root for
// dgx-a100-half-balanced (GPUs 0-3 MIG enabled, 4 MIG devices each).
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

#include "gmock/gmock.h"
#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kDriver[] = "580.159.04";
constexpr char kGpu2Line[] = "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-a100a100-0000-4000-8000-000000000002)";
// GPU 2 (minor 2), its 3g.20gb instance: GI 2 (second half), CI 0. Minors
// per mig-minors: 3 + 135*2 + 9*2 = 291 (GI), 292 (CI).
constexpr unsigned kGiMinor = 291, kCiMinor = 292;

// Runs `cmd` through the shell, returns its stdout; *rc gets the status.
std::string Capture(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class ContainerTest : public MockTest {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/nvml-mock-host.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::string cmd = std::string(NVML_MOCK_MAKE_ROOT) + " --build-dir " + NVML_MOCK_BUILD_DIR +
                      " " + root_ + " " + TopologyPath("dgx-a100-half-balanced");
    ASSERT_EQ(Shell(cmd), 0) << cmd;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Lays out <dir>/c/lib64 like the CDI mounts and <dir>/c/dev with `nodes`.
  std::string MakeContainer(const std::vector<std::string>& nodes) {
    std::string c = dir_ + "/c";
    fs::create_directories(c + "/lib64");
    fs::create_directories(c + "/dev/nvidia-caps");
    std::string lib = std::string("libnvidia-ml.so.") + kDriver;
    fs::copy_file(root_ + "/lib64/" + lib, c + "/lib64/" + lib);
    fs::copy_file(root_ + "/lib64/libyaml-cpp.so.0.7", c + "/lib64/libyaml-cpp.so.0.7");
    fs::create_symlink(lib, c + "/lib64/libnvidia-ml.so.1");
    for (const std::string& n : {std::string("nvidiactl"), std::string("nvidia-uvm")}) {
      WriteText(c + "/dev/" + n, "");
    }
    for (const std::string& n : nodes) WriteText(c + "/dev/" + n, "");
    return c;
  }

  // `nvidia-smi -L` inside container dir `c`: a clean environment.
  std::string ContainerSmi(const std::string& c) {
    int rc = -1;
    std::string out = Capture("env -i LD_LIBRARY_PATH=" + c + "/lib64 NVML_MOCK_DEV_DIR=" + c +
                              "/dev " + NVML_MOCK_SMI + " -L", &rc);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }

  // `nvidia-smi -L` on the host, with the driver root's state and devices.
  std::string HostSmi() {
    int rc = -1;
    std::string out = Capture("env -i LD_LIBRARY_PATH=" + root_ + "/lib64 NVML_MOCK_ROOT=" + root_ +
                              " NVML_MOCK_DEV_DIR=" + root_ + "/dev " +
                              "NVML_MOCK_TOPOLOGY=" + root_ + "/lib64/nvml-mock-topology.yaml " +
                              NVML_MOCK_SMI + " -L", &rc);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }

  // The host's MIG line of `profile` under GPU `gpu`, "" if none.
  std::string HostMigLine(unsigned gpu, const std::string& profile) {
    bool in = false;
    for (const std::string& l : Lines(HostSmi())) {
      if (l.rfind("GPU ", 0) == 0) in = l.rfind("GPU " + std::to_string(gpu) + ":", 0) == 0;
      if (in && l.find("MIG " + profile + " ") != std::string::npos) return l;
    }
    return "";
  }

  static std::string root_;
};

std::string ContainerTest::root_;

std::string UuidOf(const std::string& line) {
  size_t at = line.find("(UUID: ");
  return at == std::string::npos ? "" : line.substr(at + 7, line.size() - at - 8);
}

TEST_F(ContainerTest, HostSeesEveryMigDeviceAndCapsMinorsMatch) {
  std::string host = HostSmi();
  std::vector<std::string> lines = Lines(host);
  EXPECT_EQ(lines.size(), 8u + 16u) << host;
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.rfind("  MIG ", 0) == 0; }),
            16);
  std::string access = ReadText(root_ + "/proc/driver/nvidia/capabilities/gpu2/mig/gi2/ci0/access");
  EXPECT_THAT(access, HasSubstr("DeviceFileMinor: " + std::to_string(kCiMinor) + "\n"));
  std::string minors = ReadText(root_ + "/proc/driver/nvidia-caps/mig-minors");
  EXPECT_THAT(minors, HasSubstr("gpu2/gi2/access " + std::to_string(kGiMinor) + "\n"));
  EXPECT_THAT(minors, HasSubstr("gpu2/gi2/ci0/access " + std::to_string(kCiMinor) + "\n"));
  EXPECT_TRUE(fs::exists(root_ + "/dev/nvidia-caps/nvidia-cap" + std::to_string(kCiMinor)));
}

TEST_F(ContainerTest, OneMigDeviceOfGpu2) {
  std::string want = HostMigLine(2, "3g.20gb");
  ASSERT_THAT(want, HasSubstr("(UUID: MIG-"));
  std::string c = MakeContainer({"nvidia2", "nvidia-caps/nvidia-cap" + std::to_string(kGiMinor),
                                 "nvidia-caps/nvidia-cap" + std::to_string(kCiMinor)});
  std::string out = ContainerSmi(c);
  ASSERT_EQ(Lines(out).size(), 2u) << out;
  EXPECT_EQ(Lines(out)[0], kGpu2Line);
  EXPECT_EQ(Lines(out)[1], "  MIG 3g.20gb     Device  0: (UUID: " + UuidOf(want) + ")");
}

TEST_F(ContainerTest, NoCapsNodesShowsGpuOnly) {
  std::string out = ContainerSmi(MakeContainer({"nvidia2"}));
  EXPECT_EQ(out, std::string(kGpu2Line) + "\n");
}

TEST_F(ContainerTest, GiNodeWithoutCiNodeShowsGpuOnly) {
  std::string out =
      ContainerSmi(MakeContainer({"nvidia2", "nvidia-caps/nvidia-cap" + std::to_string(kGiMinor)}));
  EXPECT_EQ(out, std::string(kGpu2Line) + "\n");
}

TEST_F(ContainerTest, CapsNodesWithoutGpuNodeShowNothing) {
  std::string out = ContainerSmi(MakeContainer(
      {"nvidia-caps/nvidia-cap" + std::to_string(kGiMinor), "nvidia-caps/nvidia-cap" + std::to_string(kCiMinor)}));
  EXPECT_EQ(out, "No devices found.\n");
}

TEST_F(ContainerTest, FullGpu5Only) {
  std::string out = ContainerSmi(MakeContainer({"nvidia5"}));
  EXPECT_EQ(out, "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-a100a100-0000-4000-8000-000000000005)\n");
}

}  // namespace
}  // namespace nvml_mock_test

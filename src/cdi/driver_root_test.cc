// Driver-root discovery against mock driver roots laid out by
// testing/nvml-mock/make-driver-root (the same layout as /usr/local/nvidia
// on the H100 node of shared/fixtures/h100-pcie-vm).
#include "cdi/driver_root.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cdi/names.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "yaml-cpp/yaml.h"

namespace cdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;
namespace fs = std::filesystem;

constexpr char kVersion[] = "580.159.04";
constexpr char kHook[] = "/usr/local/bin/cdi-hook";

std::string MockBuildDir() {
  std::vector<std::string> dirs = {DRA_BINARY_DIR};
  if (const char* env = std::getenv("NVML_MOCK_BUILD_DIR")) dirs.push_back(env);
  dirs.push_back(std::string(DRA_SOURCE_DIR) + "/build");
  for (const std::string& d : dirs) {
    if (fs::exists(d + "/lib/libnvidia-ml.so.1") && fs::exists(d + "/bin/nvml-mock-smi") &&
        fs::exists(d + "/bin/nvml-mock-ctl")) {
      return d;
    }
  }
  return "";
}

class DriverRootTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = new std::string(::testing::TempDir() + "/cdi-driver-root-" +
                            std::to_string(::getpid()));
    fs::remove_all(*base_);
    fs::create_directories(*base_);
    std::string build = MockBuildDir();
    ASSERT_FALSE(build.empty()) << "no NVML mock build (nvml_mock, nvml-mock-smi, nvml-mock-ctl)";
    for (const char* topo : {"h100-pcie-vm", "dgx-a100-half-balanced"}) {
      std::string cmd = std::string(DRA_SOURCE_DIR) + "/testing/nvml-mock/make-driver-root" +
                        " --build-dir " + build + " " + *base_ + "/" + topo + " " + topo;
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    fs::create_directory_symlink(*base_ + "/h100-pcie-vm", *base_ + "/view");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*base_);
    delete base_;
  }

  static RootOptions Opts(const std::string& topo) {
    std::string root = *base_ + "/" + topo;
    return RootOptions{root, root, root + "/proc", kHook};
  }
  static std::string H100() { return *base_ + "/h100-pcie-vm"; }

  static std::string* base_;
};
std::string* DriverRootTest::base_ = nullptr;

std::vector<std::string> LinkArgs() {
  return {"cdi-hook", "create-symlinks", "--link",
          std::string("libnvidia-ml.so.") + kVersion + "::/lib64/libnvidia-ml.so.1"};
}

TEST_F(DriverRootTest, CommonEditsOfTheMockRoot) {
  ASSERT_OK(DriverVersion(Opts("h100-pcie-vm")));
  EXPECT_EQ(*DriverVersion(Opts("h100-pcie-vm")), kVersion);
  absl::StatusOr<ContainerEdits> edits = DiscoverCommonEdits(Opts("h100-pcie-vm"));
  ASSERT_OK(edits);
  const std::string r = H100();
  EXPECT_THAT(edits->env, ElementsAre("NVIDIA_VISIBLE_DEVICES=void"));
  EXPECT_THAT(edits->device_nodes,
              ElementsAre(DeviceNode{.path = "/dev/nvidiactl", .host_path = r + "/dev/nvidiactl"},
                          DeviceNode{.path = "/dev/nvidia-uvm", .host_path = r + "/dev/nvidia-uvm"},
                          DeviceNode{.path = "/dev/nvidia-uvm-tools",
                                     .host_path = r + "/dev/nvidia-uvm-tools"}));
  const std::vector<std::string>& ro = DriverFileMountOptions();
  std::string ml = std::string("/lib64/libnvidia-ml.so.") + kVersion;
  std::string fw = std::string("/firmware/nvidia/") + kVersion;
  EXPECT_THAT(edits->mounts,
              ElementsAre(Mount{r + ml, ml, "", ro},
                          Mount{r + "/lib64/libyaml-cpp.so.0.7", "/lib64/libyaml-cpp.so.0.7", "", ro},
                          Mount{r + "/bin/nvidia-smi", "/bin/nvidia-smi", "", ro},
                          Mount{r + fw, fw, "", ro}));
  ASSERT_EQ(edits->hooks.size(), 2u);
  EXPECT_EQ(edits->hooks[0],
            (Hook{"createContainer", kHook, LinkArgs(), {}, std::nullopt}));
  EXPECT_EQ(edits->hooks[1],
            (Hook{"createContainer", kHook,
                  {"cdi-hook", "update-ldcache", "--folder", "/lib64"}, {}, std::nullopt}));
}

TEST_F(DriverRootTest, RootTransformMapsHostPaths) {
  const std::string r = H100();
  absl::StatusOr<ContainerEdits> direct = DiscoverCommonEdits(Opts("h100-pcie-vm"));
  ASSERT_OK(direct);
  // The same directory seen through a symlink: host paths stay the host's.
  RootOptions view{r, *base_ + "/view", r + "/proc", kHook};
  absl::StatusOr<ContainerEdits> through_view = DiscoverCommonEdits(view);
  ASSERT_OK(through_view);
  EXPECT_EQ(*through_view, *direct);
  // A host root this process cannot see at all.
  RootOptions remote{"/run/nvidia/driver", *base_ + "/view", r + "/proc", kHook};
  absl::StatusOr<ContainerEdits> mapped = DiscoverCommonEdits(remote);
  ASSERT_OK(mapped);
  EXPECT_EQ(mapped->device_nodes[0].host_path, "/run/nvidia/driver/dev/nvidiactl");
  EXPECT_EQ(mapped->mounts[0].host_path,
            std::string("/run/nvidia/driver/lib64/libnvidia-ml.so.") + kVersion);
  EXPECT_EQ(mapped->mounts[0].container_path, std::string("/lib64/libnvidia-ml.so.") + kVersion);
  absl::StatusOr<ContainerEdits> gpu = GpuDeviceEdits(remote, 0);
  ASSERT_OK(gpu);
  EXPECT_EQ(gpu->device_nodes[0].host_path, "/run/nvidia/driver/dev/nvidia0");
}

TEST_F(DriverRootTest, HostRootSlashTakesNoNeighbourLibraries) {
  RootOptions opts{"/", H100(), H100() + "/proc", kHook};
  absl::StatusOr<ContainerEdits> edits = DiscoverCommonEdits(opts);
  ASSERT_OK(edits);
  std::string ml = std::string("/lib64/libnvidia-ml.so.") + kVersion;
  ASSERT_EQ(edits->mounts.size(), 3u);
  EXPECT_EQ(edits->mounts[0], (Mount{ml, ml, "", DriverFileMountOptions()}));
  EXPECT_EQ(edits->device_nodes[0], DeviceNode{.path = "/dev/nvidiactl"});
}

TEST_F(DriverRootTest, CommonEditsFailures) {
  RootOptions no_hook = Opts("h100-pcie-vm");
  no_hook.cdi_hook_path = "cdi-hook";
  EXPECT_THAT(DiscoverCommonEdits(no_hook),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("absolute")));
  std::string empty = *base_ + "/empty";
  fs::create_directories(empty + "/dev");
  fs::create_directories(empty + "/lib64");
  // An empty dev/ in the driver root: the nodes are looked up in the host's
  // /dev (the error names /dev/nvidiactl, not the driver root's).
  EXPECT_THAT(DiscoverCommonEdits(RootOptions{empty, empty, empty + "/proc", kHook}),
              StatusIs(absl::StatusCode::kNotFound,
                       ::testing::AllOf(HasSubstr("/dev/nvidiactl"),
                                        ::testing::Not(HasSubstr(empty + "/dev")))));
  std::ofstream(empty + "/dev/nvidiactl") << "";
  EXPECT_THAT(DiscoverCommonEdits(RootOptions{empty, empty, empty + "/proc", kHook}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("libnvidia-ml.so.1")));
}

TEST_F(DriverRootTest, GpuDeviceEdits) {
  absl::StatusOr<ContainerEdits> gpu = GpuDeviceEdits(Opts("h100-pcie-vm"), 0);
  ASSERT_OK(gpu);
  EXPECT_THAT(gpu->device_nodes,
              ElementsAre(DeviceNode{.path = "/dev/nvidia0", .host_path = H100() + "/dev/nvidia0"}));
  EXPECT_TRUE(gpu->mounts.empty());
  EXPECT_THAT(GpuDeviceEdits(Opts("h100-pcie-vm"), 5),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(H100() + "/dev/nvidia5")));
}

TEST_F(DriverRootTest, MigDeviceEditsFromCapabilityFiles) {
  // dgx-a100-half-balanced pre-creates GI 2 (CI 0) on GPU 0; its capability
  // minors are 3 + 135 * gpu + 9 * gi (+ 1 + ci for the CI).
  RootOptions opts = Opts("dgx-a100-half-balanced");
  absl::StatusOr<ContainerEdits> mig = MigDeviceEdits(opts, 0, 2, 0);
  ASSERT_OK(mig);
  DeviceNode gi{.path = "/dev/nvidia-caps/nvidia-cap21", .type = "c", .major = 241, .minor = 21,
                .file_mode = 0444};
  DeviceNode ci = gi;
  ci.path = "/dev/nvidia-caps/nvidia-cap22";
  ci.minor = 22;
  EXPECT_THAT(mig->device_nodes,
              ElementsAre(DeviceNode{.path = "/dev/nvidia0",
                                     .host_path = opts.host_driver_root + "/dev/nvidia0"},
                          gi, ci));
}

TEST_F(DriverRootTest, MigDeviceEditsFailures) {
  RootOptions opts = Opts("dgx-a100-half-balanced");
  EXPECT_THAT(MigDeviceEdits(opts, 0, 3, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("capabilities/gpu0/mig/gi3/access")));
  EXPECT_THAT(MigDeviceEdits(opts, 0, 2, 5),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("gi2/ci5/access")));
  EXPECT_THAT(MigDeviceEdits(opts, 9, 2, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("/dev/nvidia9")));
  std::string proc = *base_ + "/proc-without-caps";
  fs::create_directories(proc);
  std::ofstream(proc + "/devices") << "Character devices:\n195 nvidia\n";
  opts.proc_root = proc;
  EXPECT_THAT(MigDeviceEdits(opts, 0, 2, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nvidia-caps")));
}

TEST_F(DriverRootTest, ClaimSpecFromTheEditsIsValid) {
  absl::StatusOr<ContainerEdits> common = DiscoverCommonEdits(Opts("h100-pcie-vm"));
  absl::StatusOr<ContainerEdits> gpu = GpuDeviceEdits(Opts("h100-pcie-vm"), 0);
  ASSERT_OK(common);
  ASSERT_OK(gpu);
  const std::string uid = "0f1e2d3c-0000-4000-8000-000000000001";
  Spec spec{.kind = kClaimKind, .devices = {Device{.name = ClaimDeviceName(uid, "gpu-0"),
                                                   .edits = *gpu}},
            .edits = *common};
  std::string path = ClaimSpecPath(*base_, uid);
  ASSERT_OK(WriteSpecFile(path, spec));
  YAML::Node y = YAML::LoadFile(path);
  EXPECT_EQ(y["cdiVersion"].as<std::string>(), "0.5.0");
  EXPECT_EQ(y["devices"][0]["name"].as<std::string>(), uid + "-gpu-0");
  EXPECT_EQ(y["containerEdits"]["hooks"][0]["args"].as<std::vector<std::string>>(), LinkArgs());
}

}  // namespace
}  // namespace cdi

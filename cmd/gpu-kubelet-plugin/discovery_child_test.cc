// DiscoverInChild against fake children (shell scripts standing in for the
// plugin binary) for every way a child can end, and against the real
// plugin binary with the NVML mock: the child's NodeInfo equals what
// discovery in this process finds.
#include "cmd/gpu-kubelet-plugin/discovery_child.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hw/discovery.h"
#include "hw/node_info_codec.h"
#include "nvml/dl_library.h"
#include "testing/nvml_mock_env.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace plugin {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

// A fake child: a shell script with `body`.
std::string Script(const std::string& body) {
  static int n = 0;
  fs::path p = fs::path(testing_util::UniqueTempDir()) / ("child-" + std::to_string(++n) + ".sh");
  std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
  ::chmod(p.c_str(), 0755);
  return p.string();
}

ChildDiscoveryOptions With(const std::string& exe) {
  ChildDiscoveryOptions o;
  o.executable = exe;
  o.driver_root = "/driver root";
  o.sysfs_root = "/sysroot";
  o.timeout = absl::Seconds(20);
  return o;
}

hw::NodeInfo OneGpu() {
  hw::NodeInfo n;
  n.driverVersion = "580.159.04";
  n.cudaDriverVersion = "13.0";
  n.nvmlVersion = "13.580.159.04";
  hw::GpuInfo g;
  g.uuid = "GPU-1";
  g.minor = 4;
  g.numaNode = 1;
  n.gpus.push_back(g);
  n.warnings.assign(20000, "a warning long enough to fill more than one pipe buffer");
  return n;
}

TEST(DiscoverInChildTest, DecodesTheAnswerAndPassesTheArguments) {
  const std::string answer = fs::path(testing_util::UniqueTempDir()) / "answer.json";
  std::ofstream(answer) << hw::EncodeNodeInfo(OneGpu());
  const std::string args = fs::path(testing_util::UniqueTempDir()) / "args";
  auto node = DiscoverInChild(With(Script(
      "printf '%s|' \"$@\" > '" + args + "'\ncat '" + answer + "'\necho noise on stderr >&2")));
  ASSERT_OK(node);
  EXPECT_EQ(hw::EncodeNodeInfo(*node), hw::EncodeNodeInfo(OneGpu()));  // 1 MB through the pipe
  std::string got;
  std::getline(std::ifstream(args), got);
  EXPECT_EQ(got, "__discover-gpus|/driver root|/sysroot|");
}

TEST(DiscoverInChildTest, TheChildsStatusComesBackWithItsMessage) {
  // 15 = 10 + NOT_FOUND.
  auto node = DiscoverInChild(With(Script("echo 'no NVML under /driver root' >&2\nexit 15")));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kNotFound, "no NVML under /driver root"));
}

TEST(DiscoverInChildTest, AnUnknownExitStatusIsInternal) {
  auto node = DiscoverInChild(With(Script("echo broken >&2\nexit 3")));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kInternal, HasSubstr("exited with status 3: broken")));
}

// Runs a child that never exits with a 300 ms timeout: killed within
// seconds, DeadlineExceeded. Returns the status for further checks.
absl::Status KilledAtTheTimeout(const std::string& body) {
  ChildDiscoveryOptions o = With(Script(body));
  o.timeout = absl::Milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  auto node = DiscoverInChild(o);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kDeadlineExceeded,
                             HasSubstr("did not finish within 300ms")));
  return node.status();
}

TEST(DiscoverInChildTest, AHungChildIsKilledAtTheTimeout) {
  absl::Status s = KilledAtTheTimeout("echo starting >&2\nexec sleep 60");
  EXPECT_THAT(std::string(s.message()), HasSubstr("killed: starting"));
}

TEST(DiscoverInChildTest, AChildThatClosedItsOutputIsStillKilledAtTheTimeout) {
  (void)KilledAtTheTimeout("exec >&- 2>&-\nexec sleep 60");  // the checks are inside
}

TEST(DiscoverInChildTest, ACrashIsReportedWithTheSignal) {
  auto node = DiscoverInChild(With(Script("kill -SEGV $$")));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kInternal, HasSubstr("died by signal 11")));
}

TEST(DiscoverInChildTest, AnAnswerThatDoesNotDecodeIsInternal) {
  auto node = DiscoverInChild(With(Script("echo '{\"driverVersion\": 5}'")));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kInternal,
                             HasSubstr("does not decode: discovery result: driverVersion")));
}

TEST(DiscoverInChildTest, AMissingExecutableIsInternal) {
  auto node = DiscoverInChild(With("/no/such/gpu-kubelet-plugin"));
  EXPECT_THAT(node, StatusIs(absl::StatusCode::kInternal,
                             HasSubstr("cannot run /no/such/gpu-kubelet-plugin")));
}

#if defined(DRA_PLUGIN_BINARY) && defined(NVML_MOCK_LIBRARY)
TEST(DiscoverInChildTest, ThePluginBinaryFindsWhatDiscoveryInProcessFinds) {
  const fs::path dir = fs::path(testing_util::UniqueTempDir()) / "mock";
  testing_util::UseNvmlMockTopology("dgx-a100-half-balanced", dir);
  fs::create_directories(dir / "root/lib64");
  fs::create_symlink(NVML_MOCK_LIBRARY, dir / "root/lib64/libnvidia-ml.so.1");
  const std::string root = (dir / "root").string();

  auto lib = nvml::LoadFromDriverRoot(root);
  ASSERT_OK(lib);
  hw::DiscoveryOptions opts;
  opts.driver_root = root;
  opts.sysfs_root = "/";
  auto here = hw::Discover(**lib, opts);
  ASSERT_OK(here);
  ASSERT_EQ(here->gpus.size(), 8u);

  ChildDiscoveryOptions o;
  o.executable = DRA_PLUGIN_BINARY;
  o.driver_root = root;
  o.sysfs_root = "/";
  auto there = DiscoverInChild(o);
  ASSERT_OK(there);
  EXPECT_EQ(hw::EncodeNodeInfo(*there), hw::EncodeNodeInfo(*here));

  // A driver root without NVML: the in-process error, code and text.
  o.driver_root = (dir / "empty").string();
  fs::create_directories(o.driver_root);
  auto absent = DiscoverInChild(o);
  auto absent_here = nvml::LoadFromDriverRoot(o.driver_root);
  ASSERT_FALSE(absent_here.ok());
  EXPECT_EQ(absent.status(), absent_here.status());
}
#endif

}  // namespace
}  // namespace plugin

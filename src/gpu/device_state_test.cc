// DeviceState against a mock driver root (testing/nvml-mock/make-driver-root
// with the dgx-a100-half-balanced topology: GPUs 0-3 as MIG devices, 4-7
// whole), with real files: checkpoint, locks and CDI specs in temp dirs.
#include "gpu/device_state.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "devices/attributes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hw/discovery.h"
#include "nvml/dl_library.h"
#include "state/store.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "util/crash_point.h"

namespace gpu {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DeviceStateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(testing_util::UniqueTempDir());
    driver_root_ = (*root_ / "driver-root").string();
    std::string cmd = std::string(DRA_SOURCE_DIR) + "/testing/nvml-mock/make-driver-root --build-dir " +
                      DRA_BINARY_DIR + " " + driver_root_ + " dgx-a100-half-balanced > " +
                      (*root_ / "mk.log").string() + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(*root_ / "mk.log");
    ::setenv("NVML_MOCK_ROOT", driver_root_.c_str(), 1);
    ::setenv("NVML_MOCK_DEV_DIR", (driver_root_ + "/dev").c_str(), 1);
    ::unsetenv("NVML_MOCK_TOPOLOGY");
    ::unsetenv("NVML_MOCK_STATE");
    auto lib = nvml::LoadFromDriverRoot(driver_root_);
    ASSERT_TRUE(lib.ok()) << lib.status();
    hw::DiscoveryOptions o;
    o.driver_root = driver_root_;
    o.sysfs_root = driver_root_;
    auto node = hw::Discover(**lib, o);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = new hw::NodeInfo(*node);
  }

  void SetUp() override {
    ASSERT_NE(node_, nullptr);
    dir_ = std::make_unique<fs::path>(testing_util::UniqueTempDir());
    fs::create_directories((*dir_) / "plugin");
    fs::create_directories((*dir_) / "cdi");
    fs::create_directories((*dir_) / "proc/sys/kernel/random");
    SetBootId("boot-1");
  }

  void SetBootId(const std::string& id) {
    std::ofstream((*dir_) / "proc/sys/kernel/random/boot_id") << id << "\n";
  }

  DeviceStateOptions Options() {
    DeviceStateOptions o;
    o.driver_name = devices::kGpuDriverName;
    o.node_name = "node-a";
    o.plugin_dir = ((*dir_) / "plugin").string();
    o.cdi_root = ((*dir_) / "cdi").string();
    o.cdi.host_driver_root = driver_root_;
    o.cdi.container_driver_root = driver_root_;
    o.cdi.proc_root = driver_root_ + "/proc";
    o.cdi.cdi_hook_path = "/usr/local/bin/cdi-hook";
    o.lock_timeout = absl::Seconds(2);
    return o;
  }

  std::unique_ptr<DeviceState> NewState(const std::string& boot = "boot-1") {
    auto s = DeviceState::Create(Options(), BuildAllocatable(*node_), boot);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  static k8s::ResourceClaim Claim(const std::string& uid,
                                  std::vector<std::pair<std::string, std::string>> req_dev,
                                  std::vector<k8s::DeviceAllocationConfiguration> config = {}) {
    k8s::ResourceClaim c;
    c.metadata.uid = uid;
    c.metadata.name = "claim-" + uid;
    c.metadata.namespace_ = "ns";
    k8s::AllocationResult a;
    for (auto& [req, dev] : req_dev) {
      k8s::DeviceRequestAllocationResult r;
      r.request = req;
      r.driver = devices::kGpuDriverName;
      r.pool = "node-a";
      r.device = dev;
      a.results.push_back(r);
    }
    a.config = std::move(config);
    c.status.allocation = a;
    return c;
  }

  static k8s::DeviceAllocationConfiguration Opaque(const std::string& json,
                                                   std::vector<std::string> requests = {}) {
    k8s::DeviceAllocationConfiguration c;
    c.source = "FromClaim";
    c.requests = std::move(requests);
    c.opaque = k8s::OpaqueDeviceConfiguration{devices::kGpuDriverName,
                                              nlohmann::json::parse(json)};
    return c;
  }

  std::string SpecPath(const std::string& uid) {
    return ((*dir_) / "cdi" / ("k8s.gpu.nvidia.com-claim_" + uid + ".yaml")).string();
  }

  state::Checkpoint ReadCheckpoint() {
    state::CheckpointStore store(((*dir_) / "plugin").string(), "");
    auto cp = store.Read();
    EXPECT_TRUE(cp.ok()) << cp.status();
    return cp.ok() ? *cp : state::Checkpoint{};
  }

  static inline fs::path* root_ = nullptr;
  static inline std::string driver_root_;
  static inline hw::NodeInfo* node_ = nullptr;
  std::unique_ptr<fs::path> dir_;
};

TEST_F(DeviceStateTest, AllocatableMatchesPublishedLayout) {
  auto a = BuildAllocatable(*node_);
  EXPECT_TRUE(a.contains("gpu-4"));
  EXPECT_TRUE(a.contains("gpu-7"));
  EXPECT_FALSE(a.contains("gpu-0"));  // MIG enabled: only its MIG devices
  int migs = 0;
  for (const auto& [name, d] : a) migs += d.type == devices::kTypeMig;
  EXPECT_EQ(migs, 16);  // 4 GPUs x (2x 1g.5gb + 2g.10gb + 3g.20gb)
}

TEST_F(DeviceStateTest, PrepareFullGpuWritesSpecAndCheckpoint) {
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  auto devs = st->Prepare(Claim("uid-1", {{"gpu", "gpu-5"}}));
  ASSERT_TRUE(devs.ok()) << devs.status();
  ASSERT_EQ(devs->size(), 1u);
  EXPECT_EQ((*devs)[0].device_name, "gpu-5");
  EXPECT_EQ((*devs)[0].pool_name, "node-a");
  EXPECT_THAT((*devs)[0].request_names, ElementsAre("gpu"));
  EXPECT_THAT((*devs)[0].cdi_device_ids, ElementsAre("k8s.gpu.nvidia.com/claim=uid-1-gpu-5"));
  std::string spec = ReadFile(SpecPath("uid-1"));
  EXPECT_THAT(spec, HasSubstr("uid-1-gpu-5"));
  EXPECT_THAT(spec, HasSubstr("/dev/nvidia5"));
  EXPECT_THAT(spec, HasSubstr("/dev/nvidiactl"));
  EXPECT_THAT(spec, HasSubstr("k8s.gpu.nvidia.com/claim"));
  auto cp = ReadCheckpoint();
  ASSERT_TRUE(cp.claims.contains("uid-1"));
  EXPECT_EQ(cp.claims["uid-1"].state, state::ClaimState::kPrepareCompleted);
  EXPECT_EQ(cp.claims["uid-1"].name, "claim-uid-1");
  auto counts = st->PreparedDeviceCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["gpu"], 1);

  // Idempotent; a vanished spec is rebuilt.
  fs::remove(SpecPath("uid-1"));
  auto again = st->Prepare(Claim("uid-1", {{"gpu", "gpu-5"}}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *devs);
  EXPECT_TRUE(fs::exists(SpecPath("uid-1")));

  ASSERT_OK(st->Unprepare("uid-1"));
  EXPECT_FALSE(fs::exists(SpecPath("uid-1")));
  EXPECT_FALSE(ReadCheckpoint().claims.contains("uid-1"));
  ASSERT_OK(st->Unprepare("uid-1"));  // unknown: no-op
}

TEST_F(DeviceStateTest, PrepareMigDeviceAddsCapabilityNodes) {
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  std::string mig;
  for (const auto& [name, d] : st->allocatable())
    if (d.type == devices::kTypeMig && d.profile == "1g.5gb") mig = name;
  ASSERT_FALSE(mig.empty());
  auto devs = st->Prepare(Claim("uid-m", {{"mig", mig}}));
  ASSERT_TRUE(devs.ok()) << devs.status();
  std::string spec = ReadFile(SpecPath("uid-m"));
  EXPECT_THAT(spec, HasSubstr("/dev/nvidia-caps/nvidia-cap"));
  EXPECT_THAT(spec, HasSubstr("uid-m-" + mig));
  auto counts = st->PreparedDeviceCounts();
  EXPECT_EQ((*counts)["mig"], 1);
}

TEST_F(DeviceStateTest, RefusalsLeaveNoCheckpointEntry) {
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  auto r = st->Prepare(Claim("u1", {{"gpu", "gpu-0"}}));  // MIG parent: not allocatable
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not allocatable: gpu-0"));

  r = st->Prepare(Claim("u2", {{"gpu", "gpu-6"}},
                        {Opaque(R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"GpuConfig","bogus":1})")}));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("strict decoding error: unknown field"));

  std::string mig;
  for (const auto& [name, d] : st->allocatable())
    if (d.type == devices::kTypeMig) mig = name;
  r = st->Prepare(Claim("u3", {{"mig", mig}},
                        {Opaque(R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"GpuConfig"})",
                                {"mig"})}));
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("cannot apply GpuConfig to device \"" + mig + "\" of type \"mig\""));

  r = st->Prepare(Claim("u4", {{"gpu", "gpu-6"}},
                        {Opaque(R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":"GpuConfig",
                                   "sharing":{"strategy":"MPS"}})")}));
  EXPECT_FALSE(r.ok());

  k8s::ResourceClaim unallocated = Claim("u5", {});
  unallocated.status.allocation.reset();
  EXPECT_THAT(std::string(st->Prepare(unallocated).status().message()),
              HasSubstr("claim not yet allocated"));

  auto cp = ReadCheckpoint();
  EXPECT_TRUE(cp.claims.empty());
  for (auto u : {"u1", "u2", "u3", "u4", "u5"}) EXPECT_FALSE(fs::exists(SpecPath(u)));
}

TEST_F(DeviceStateTest, OverlapWithAnotherClaimIsRefused) {
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  ASSERT_TRUE(st->Prepare(Claim("a", {{"gpu", "gpu-7"}})).ok());
  auto r = st->Prepare(Claim("b", {{"gpu", "gpu-7"}}));
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("requested device gpu-7 is already allocated to different claim a"));
  // Admin access may overlap.
  k8s::ResourceClaim admin = Claim("c", {{"gpu", "gpu-7"}});
  admin.status.allocation->results[0].admin_access = true;
  EXPECT_TRUE(st->Prepare(admin).ok());
}

TEST_F(DeviceStateTest, OtherDriversResultsAreIgnored) {
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  k8s::ResourceClaim c = Claim("o", {{"gpu", "gpu-4"}});
  k8s::DeviceRequestAllocationResult other;
  other.request = "nic";
  other.driver = "net.example.com";
  other.pool = "x";
  other.device = "eth0";
  c.status.allocation->results.push_back(other);
  auto devs = st->Prepare(c);
  ASSERT_TRUE(devs.ok()) << devs.status();
  ASSERT_EQ(devs->size(), 1u);
  EXPECT_EQ((*devs)[0].device_name, "gpu-4");
}

TEST_F(DeviceStateTest, ReconcileAfterRebootAndMissingSpec) {
  {
    auto st = NewState();
    ASSERT_TRUE(st->Prepare(Claim("keep", {{"gpu", "gpu-4"}})).ok());
  }
  fs::remove(SpecPath("keep"));
  {
    auto st = NewState();
    auto rep = st->Reconcile();
    ASSERT_TRUE(rep.ok()) << rep.status();
    EXPECT_THAT(rep->specs_rebuilt, ElementsAre("keep"));
    EXPECT_TRUE(fs::exists(SpecPath("keep")));
  }
  {
    auto st = NewState("boot-2");  // the node rebooted
    auto rep = st->Reconcile();
    ASSERT_TRUE(rep.ok()) << rep.status();
    EXPECT_TRUE(rep->boot_id_changed);
    EXPECT_THAT(rep->rolled_back, ElementsAre("keep"));
    EXPECT_FALSE(fs::exists(SpecPath("keep")));
    EXPECT_TRUE(ReadCheckpoint().claims.empty());
    // The kubelet prepares it again.
    EXPECT_TRUE(st->Prepare(Claim("keep", {{"gpu", "gpu-4"}})).ok());
    EXPECT_TRUE(fs::exists(SpecPath("keep")));
  }
}

// A crash between the spec write and PrepareCompleted leaves a spec without
// an entry (there is no PrepareStarted record); Reconcile removes it and
// the temp file of an interrupted spec write, and nothing that is not a
// claim spec of this driver.
TEST_F(DeviceStateTest, ReconcileRemovesSpecsWithoutEntry) {
  {
    auto st = NewState();
    ASSERT_TRUE(st->Prepare(Claim("keep", {{"gpu", "gpu-4"}})).ok());
  }
  const fs::path cdi = (*dir_) / "cdi";
  fs::copy_file(SpecPath("keep"), SpecPath("orphan"));
  const fs::path temp = cdi / ".k8s.gpu.nvidia.com-claim_half.yaml.tmpQ1w2E3";
  std::ofstream(temp) << "kind: k8s.gpu.nvidia.com/cl";
  const std::vector<fs::path> not_ours = {cdi / "nvidia.yaml",
                                          cdi / "k8s.compute-domain.nvidia.com-claim_x.yaml",
                                          cdi / "k8s.gpu.nvidia.com-claim_y.json"};
  for (const auto& p : not_ours) std::ofstream(p) << "x";
  auto st = NewState();
  auto rep = st->Reconcile();
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_THAT(rep->orphan_specs_removed, ElementsAre("orphan"));
  EXPECT_THAT(rep->rolled_back, ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(SpecPath("orphan")));
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_TRUE(fs::exists(SpecPath("keep")));
  for (const auto& p : not_ours) EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_TRUE(ReadCheckpoint().claims.contains("keep"));
}

// SIGKILL at each step of Prepare and Unprepare (forked child), then a new
// DeviceState reconciles: the claim ends prepared exactly once with one
// spec, or cleanly unprepared, and the retried call succeeds.
class CrashTest : public DeviceStateTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CrashTest, RestartCompletesOrRollsBack) {
  const std::string point = GetParam();
  const bool in_unprepare = point.rfind("unprepare", 0) == 0;
  if (in_unprepare) {
    auto st = NewState();
    ASSERT_TRUE(st->Prepare(Claim("x", {{"gpu", "gpu-6"}})).ok());
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    util::SetCrashPointForTest(point);
    auto st = DeviceState::Create(Options(), BuildAllocatable(*node_), "boot-1");
    if (!st.ok()) _exit(3);
    if (in_unprepare) {
      (void)(*st)->Unprepare("x");
    } else {
      (void)(*st)->Prepare(Claim("x", {{"gpu", "gpu-6"}}));
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << point << ": the crash point did not fire (status " << status << ")";

  if (point == "prepare-after-cdi") {
    // The spec is written and no entry exists yet: the file is the record.
    EXPECT_TRUE(fs::exists(SpecPath("x")));
    EXPECT_FALSE(ReadCheckpoint().claims.contains("x"));
  }
  auto st = NewState();
  ASSERT_NE(st, nullptr);
  ASSERT_TRUE(st->Reconcile().ok());
  auto cp = ReadCheckpoint();
  if (cp.claims.contains("x")) {
    EXPECT_EQ(cp.claims["x"].state, state::ClaimState::kPrepareCompleted) << point;
    EXPECT_TRUE(fs::exists(SpecPath("x"))) << point;
  } else {
    EXPECT_FALSE(fs::exists(SpecPath("x"))) << point;
  }
  if (in_unprepare) {
    ASSERT_OK(st->Unprepare("x"));  // the kubelet retries
  } else {
    auto devs = st->Prepare(Claim("x", {{"gpu", "gpu-6"}}));  // the kubelet retries
    ASSERT_TRUE(devs.ok()) << devs.status();
    EXPECT_TRUE(fs::exists(SpecPath("x")));
    ASSERT_OK(st->Unprepare("x"));
  }
  EXPECT_FALSE(fs::exists(SpecPath("x")));
  EXPECT_TRUE(ReadCheckpoint().claims.empty());
  // No temp files left behind in the CDI root.
  for (const auto& e : fs::directory_iterator((*dir_) / "cdi"))
    ADD_FAILURE() << "left in the CDI root: " << e.path();
}

INSTANTIATE_TEST_SUITE_P(Points, CrashTest,
                         ::testing::Values("prepare-before-cdi", "prepare-after-cdi",
                                           "prepare-after-completed",
                                           "checkpoint-before-rename", "checkpoint-after-rename",
                                           "unprepare-after-cdi"));

}  // namespace
}  // namespace gpu

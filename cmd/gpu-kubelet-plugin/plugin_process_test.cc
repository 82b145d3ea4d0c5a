// Process-level tests of the gpu-kubelet-plugin binary without a kubelet:
// the real binary runs as a child process (plugin_harness.h) against a
// private kube-apiserver (ctest label `apiserver`) and a mock NVML driver
// root with the dgx-a100-half-balanced topology (GPUs 0-3 in MIG mode with
// 4 MIG devices each, GPUs 4-7 whole). The test plays the kubelet over the
// real registration and DRA sockets. Every test FAILS (never skips) when
// the binaries, the driver root or the API server are missing.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "cmd/gpu-kubelet-plugin/plugin_harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plugin_test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kCdiKind[] = "k8s.gpu.nvidia.com/claim=";

class PluginProcessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Time t0 = absl::Now();
    auto h = PluginHarness::Create(HarnessOptions{});
    if (!h.ok()) {
      *error_ = h.status().ToString();
      return;
    }
    h_ = h->release();
    std::printf("harness up in %.1f s (API server port %d)\n",
                absl::ToDoubleSeconds(absl::Now() - t0), h_->apiserver().apiserver_port());
  }
  static void TearDownTestSuite() {
    delete h_;
    h_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(h_, nullptr) << *error_;
    if (!h_->running()) {
      absl::Status s = h_->StartPlugin();
      ASSERT_TRUE(s.ok()) << s;
    }
  }
  void TearDown() override {
    if (HasFailure() && h_ != nullptr) {
      std::printf("---- plugin log ----\n%s\n", h_->Log().c_str());
      h_->KillPlugin();  // the next test starts a fresh, unarmed plugin
    }
  }

  // A MIG device name from the published slices (the test does not
  // hard-code MIG names; they derive from placements).
  static std::string MigDevice(int index) {
    auto migs = h_->SortedMigDeviceNames(20, absl::Minutes(1));
    if (!migs.ok()) return "";
    return index < static_cast<int>(migs->size()) ? (*migs)[index] : "";
  }

  // Exactly one spec file and a PrepareCompleted entry for the claim.
  static void ExpectPreparedOnce(const ClaimRef& c) {
    EXPECT_THAT(h_->SpecFilesOf(c.uid), ElementsAre(h_->SpecPath(c.uid)));
    EXPECT_EQ(h_->CheckpointState(c.uid), "PrepareCompleted");
  }
  static void ExpectClean(const ClaimRef& c) {
    EXPECT_THAT(h_->SpecFilesOf(c.uid), ::testing::IsEmpty());
    EXPECT_EQ(h_->CheckpointState(c.uid), "");
  }

  // v1 Prepare of one claim; the per-claim result.
  static drav1::NodePrepareResourceResponse PrepareOne(const ClaimRef& c) {
    auto r = h_->PrepareV1({c});
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->claims().count(c.uid), 1u);
    return r->claims().count(c.uid) ? r->claims().at(c.uid) : drav1::NodePrepareResourceResponse{};
  }
  static void UnprepareOk(const ClaimRef& c) {
    auto r = h_->UnprepareV1({c});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->claims().count(c.uid), 1u);
    EXPECT_EQ(r->claims().at(c.uid).error(), "");
  }

  static inline PluginHarness* h_ = nullptr;
  static inline std::string* error_ = new std::string("harness not created");
};

TEST_F(PluginProcessTest, StartupRegistersAndPublishesSlices) {
  auto info = h_->GetInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->type(), "DRAPlugin");
  EXPECT_EQ(info->name(), "gpu.nvidia.com");
  EXPECT_EQ(info->endpoint(), h_->plugin_dir() + "/dra.sock");
  EXPECT_THAT(std::vector<std::string>(info->supported_versions().begin(),
                                       info->supported_versions().end()),
              ElementsAre("v1.DRAPlugin", "v1beta1.DRAPlugin"));

  auto slices = h_->WaitForSlices(20, absl::Minutes(1));
  ASSERT_TRUE(slices.ok()) << slices.status();
  std::set<std::string> gpus, migs;
  std::regex mig_re("gpu-[0-3]-mig-.*");
  for (const json& s : *slices) {
    EXPECT_EQ(s["spec"]["pool"]["name"], h_->options().node_name);
    EXPECT_EQ(s["spec"]["nodeName"], h_->options().node_name);
    ASSERT_EQ(s["metadata"]["ownerReferences"].size(), 1u) << s.dump();
    const json& o = s["metadata"]["ownerReferences"][0];
    EXPECT_EQ(o["kind"], "Node");
    EXPECT_EQ(o["name"], h_->options().node_name);
    EXPECT_EQ(o["uid"], h_->node_uid());
    for (const json& d : s["spec"]["devices"]) {
      std::string n = d["name"];
      if (std::regex_match(n, mig_re)) {
        migs.insert(n);
      } else {
        gpus.insert(n);
      }
    }
  }
  EXPECT_THAT(gpus, ElementsAre("gpu-4", "gpu-5", "gpu-6", "gpu-7"));
  EXPECT_EQ(migs.size(), 16u);

  // "ResourceSlices published N ms after start" (logged once published).
  std::smatch m;
  std::regex re("ResourceSlices published ([0-9]+) ms after start");
  std::string log;
  for (absl::Time end = absl::Now() + absl::Seconds(30); absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(50))) {
    log = h_->Log();
    if (std::regex_search(log, m, re)) break;
  }
  ASSERT_TRUE(std::regex_search(log, m, re)) << log;
  std::printf("ResourceSlices published %s ms after start\n", m[1].str().c_str());
  EXPECT_GE(std::stoll(m[1].str()), 0);
}

TEST_F(PluginProcessTest, PrepareGpuViaV1AndMigViaV1beta1) {
  auto gpu = h_->CreateClaim("b-gpu", {{"gpu", "gpu-5"}});
  ASSERT_TRUE(gpu.ok()) << gpu.status();
  drav1::NodePrepareResourceResponse r = PrepareOne(*gpu);
  EXPECT_EQ(r.error(), "");
  ASSERT_EQ(r.devices_size(), 1);
  EXPECT_EQ(r.devices(0).pool_name(), h_->options().node_name);
  EXPECT_EQ(r.devices(0).device_name(), "gpu-5");
  EXPECT_THAT(r.devices(0).request_names(), ElementsAre("gpu"));
  EXPECT_THAT(r.devices(0).cdi_device_ids(), ElementsAre(kCdiKind + gpu->uid + "-gpu-5"));
  ExpectPreparedOnce(*gpu);

  std::string mig = MigDevice(0);
  ASSERT_FALSE(mig.empty());
  auto mc = h_->CreateClaim("b-mig", {{"mig", mig}});
  ASSERT_TRUE(mc.ok()) << mc.status();
  auto mr = h_->PrepareV1beta1({*mc});
  ASSERT_TRUE(mr.ok()) << mr.status();
  ASSERT_EQ(mr->claims().count(mc->uid), 1u);
  const auto& m = mr->claims().at(mc->uid);
  EXPECT_EQ(m.error(), "");
  ASSERT_EQ(m.devices_size(), 1);
  EXPECT_EQ(m.devices(0).pool_name(), h_->options().node_name);
  EXPECT_EQ(m.devices(0).device_name(), mig);
  EXPECT_THAT(m.devices(0).cdi_device_ids(), ElementsAre(kCdiKind + mc->uid + "-" + mig));
  ExpectPreparedOnce(*mc);

  // The kubelet's UID must match the API object's.
  ClaimRef wrong = *gpu;
  wrong.uid = "00000000-0000-0000-0000-000000000000";
  auto w = h_->PrepareV1({wrong});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->claims().count(wrong.uid), 1u);
  EXPECT_THAT(w->claims().at(wrong.uid).error(), HasSubstr("UID mismatch"));
  EXPECT_EQ(h_->CheckpointState(wrong.uid), "");

  UnprepareOk(*gpu);
  ExpectClean(*gpu);
  auto mu = h_->UnprepareV1beta1({*mc});
  ASSERT_TRUE(mu.ok()) << mu.status();
  EXPECT_EQ(mu->claims().at(mc->uid).error(), "");
  ExpectClean(*mc);
}

// For every crash point: the process dies by SIGKILL there; after a
// restart the kubelet's retry completes the operation exactly once.
TEST_F(PluginProcessTest, CrashAtEveryPointThenRetry) {
  // A checkpoint file exists before any armed start, so that startup
  // itself writes nothing (the checkpoint crash points are for Prepare).
  ASSERT_TRUE(h_->Checkpoint().ok());
  ASSERT_FALSE(h_->Checkpoint()->empty());
  const std::vector<std::string> prepare_points = {
      "prepare-before-cdi", "prepare-after-cdi", "prepare-after-completed",
      "checkpoint-before-rename", "checkpoint-after-rename"};
  for (const std::string& point : prepare_points) {
    SCOPED_TRACE(point);
    auto c = h_->CreateClaim("c-" + point, {{"gpu", "gpu-6"}});
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(h_->StopPlugin().ok());
    absl::Status s = h_->StartPlugin({{"DRA_CRASH_AT", point}});
    ASSERT_TRUE(s.ok()) << s;
    auto r = h_->PrepareV1({*c});
    EXPECT_FALSE(r.ok() && r->claims().at(c->uid).error().empty())
        << "Prepare succeeded although the plugin should have died";
    auto st = h_->WaitExit(absl::Minutes(1));
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_TRUE(WIFSIGNALED(*st) && WTERMSIG(*st) == SIGKILL) << "wait status " << *st;

    s = h_->StartPlugin();
    ASSERT_TRUE(s.ok()) << s;
    drav1::NodePrepareResourceResponse again = PrepareOne(*c);
    EXPECT_EQ(again.error(), "");
    ASSERT_EQ(again.devices_size(), 1);
    EXPECT_EQ(again.devices(0).device_name(), "gpu-6");
    ExpectPreparedOnce(*c);
    UnprepareOk(*c);
    ExpectClean(*c);
  }

  SCOPED_TRACE("unprepare-after-cdi");
  auto c = h_->CreateClaim("c-unprepare-after-cdi", {{"gpu", "gpu-6"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(PrepareOne(*c).error(), "");
  ExpectPreparedOnce(*c);
  ASSERT_TRUE(h_->StopPlugin().ok());
  absl::Status s = h_->StartPlugin({{"DRA_CRASH_AT", "unprepare-after-cdi"}});
  ASSERT_TRUE(s.ok()) << s;
  auto r = h_->UnprepareV1({*c});
  EXPECT_FALSE(r.ok()) << "Unprepare answered although the plugin should have died";
  auto st = h_->WaitExit(absl::Minutes(1));
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(WIFSIGNALED(*st) && WTERMSIG(*st) == SIGKILL) << "wait status " << *st;
  s = h_->StartPlugin();
  ASSERT_TRUE(s.ok()) << s;
  UnprepareOk(*c);
  ExpectClean(*c);
}

TEST_F(PluginProcessTest, UnprepareWorksWithApiServerDown) {
  auto c = h_->CreateClaim("d-down", {{"gpu", "gpu-7"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(PrepareOne(*c).error(), "");
  ExpectPreparedOnce(*c);
  ASSERT_TRUE(h_->apiserver().KillApiServer().ok());
  auto r = h_->UnprepareV1({*c});
  absl::Status restarted = h_->apiserver().StartApiServer();
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->claims().count(c->uid), 1u);
  EXPECT_EQ(r->claims().at(c->uid).error(), "");
  ExpectClean(*c);
  ASSERT_TRUE(restarted.ok()) << restarted;
}

TEST_F(PluginProcessTest, BadConfigsAreRefusedWithAnEvent) {
  json unknown = json::array(
      {{{"source", "FromClaim"},
        {"opaque",
         {{"driver", "gpu.nvidia.com"},
          {"parameters",
           {{"apiVersion", "resource.nvidia.com/v1beta1"}, {"kind", "GpuConfig"}, {"bogus", 1}}}}}}});
  auto c = h_->CreateClaim("e-unknown", {{"gpu", "gpu-4"}}, unknown);
  ASSERT_TRUE(c.ok()) << c.status();
  drav1::NodePrepareResourceResponse r = PrepareOne(*c);
  EXPECT_THAT(r.error(), HasSubstr("strict decoding error: unknown field"));
  EXPECT_EQ(r.devices_size(), 0);
  EXPECT_EQ(h_->CheckpointState(c->uid), "");
  EXPECT_THAT(h_->SpecFilesOf(c->uid), ::testing::IsEmpty());
  // The Event is recorded asynchronously to the answer: poll.
  std::vector<json> events;
  for (absl::Time end = absl::Now() + absl::Seconds(60); absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(100))) {
    auto e = h_->ClaimEvents(*c);
    ASSERT_TRUE(e.ok()) << e.status();
    events = *e;
    if (!events.empty()) break;
  }
  ASSERT_FALSE(events.empty()) << "no Event for the claim";
  EXPECT_EQ(events[0]["reason"], "ClaimPrepareFailed");
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_EQ(events[0]["regarding"]["kind"], "ResourceClaim");
  EXPECT_EQ(events[0]["regarding"]["name"], "e-unknown");
  EXPECT_THAT(events[0].value("note", ""), HasSubstr("strict decoding error: unknown field"));

  std::string mig = MigDevice(1);
  ASSERT_FALSE(mig.empty());
  json on_mig = json::array(
      {{{"source", "FromClaim"},
        {"requests", {"mig"}},
        {"opaque",
         {{"driver", "gpu.nvidia.com"},
          {"parameters", {{"apiVersion", "resource.nvidia.com/v1beta1"}, {"kind", "GpuConfig"}}}}}}});
  auto m = h_->CreateClaim("e-gpuconfig-on-mig", {{"mig", mig}}, on_mig);
  ASSERT_TRUE(m.ok()) << m.status();
  r = PrepareOne(*m);
  EXPECT_THAT(r.error(), HasSubstr("cannot apply GpuConfig to device"));
  EXPECT_EQ(h_->CheckpointState(m->uid), "");
  EXPECT_THAT(h_->SpecFilesOf(m->uid), ::testing::IsEmpty());
}

TEST_F(PluginProcessTest, RebootRollsBackAndPreparesAgain) {
  auto c = h_->CreateClaim("f-reboot", {{"gpu", "gpu-4"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(PrepareOne(*c).error(), "");
  ExpectPreparedOnce(*c);
  ASSERT_TRUE(h_->StopPlugin().ok());
  h_->SetBootId("boot-2");
  absl::Status s = h_->StartPlugin();
  ASSERT_TRUE(s.ok()) << s;
  // Rolled back at startup: no entry, no spec.
  ExpectClean(*c);
  EXPECT_THAT(h_->Log(), HasSubstr("rolled back claim " + c->uid));
  drav1::NodePrepareResourceResponse r = PrepareOne(*c);
  EXPECT_EQ(r.error(), "");
  ASSERT_EQ(r.devices_size(), 1);
  EXPECT_EQ(r.devices(0).device_name(), "gpu-4");
  ExpectPreparedOnce(*c);
  UnprepareOk(*c);
  ExpectClean(*c);
}

}  // namespace
}  // namespace plugin_test

// Tests of watch resumption against a REAL kube-apiserver that this test
// starts itself (own_apiserver.h; ctest label `apiserver`): the API server
// is killed (SIGKILL) and restarted on the same etcd while a writer keeps
// changing ResourceSlices and an informer watches them; afterwards the
// informer's cache must equal a fresh LIST exactly and every final value
// must have reached the handlers. A second test compacts etcd behind a
// stalled watch so the resume gets 410 "too old resource version" and the
// informer must relist. FAILS (never skips) when the binaries are missing.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/api_error.h"
#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/http_transport.h"
#include "k8s/informer.h"
#include "k8s/own_apiserver.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kVersion[] = "1.37.2";
const Resource kSlices = ResourceSlices("v1");
constexpr char kWatched[] = "restart-test=watched";

json Slice(const std::string& name, int64_t generation, const std::string& role) {
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceSlice"},
          {"metadata", {{"name", name}, {"labels", {{"restart-test", role}}}}},
          {"spec",
           {{"driver", "gpu.nvidia.com"},
            {"pool", {{"name", name}, {"generation", generation}, {"resourceSliceCount", 1}}},
            {"nodeName", "node-" + name}}}};
}

int64_t GenerationOf(const json& o) { return o["spec"]["pool"]["generation"].get<int64_t>(); }
std::string RvOf(const json& o) { return o["metadata"]["resourceVersion"].get<std::string>(); }

// Every value the informer's handlers delivered, per key.
struct Recorder {
  absl::Mutex mu;
  std::map<std::string, std::vector<json>> seen ABSL_GUARDED_BY(mu);
  std::set<std::string> deleted ABSL_GUARDED_BY(mu);

  InformerHandlers Handlers() {
    return {[this](const json& o) { Saw(o); }, [this](const json&, const json& o) { Saw(o); },
            [this](const json& o) {
              absl::MutexLock l(&mu);
              deleted.insert(Informer::KeyOf(o));
            }};
  }
  void Saw(const json& o) {
    absl::MutexLock l(&mu);
    seen[Informer::KeyOf(o)].push_back(o);
  }
};

class RestartTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Time t0 = absl::Now();
    absl::StatusOr<std::unique_ptr<OwnApiServer>> s =
        OwnApiServer::Start(testing_util::UniqueTempDir() + "/apiserver", kVersion);
    if (!s.ok()) {
      *start_error_ = s.status();
      return;
    }
    server_ = s->release();
    std::printf("own API server up in %.1f s (port %d, etcd %d)\n",
                absl::ToDoubleSeconds(absl::Now() - t0), server_->apiserver_port(),
                server_->etcd_port());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(server_ != nullptr) << start_error_->ToString();
    absl::StatusOr<RestConfig> config = LoadKubeconfig(server_->kubeconfig());
    ASSERT_OK(config);
    absl::StatusOr<std::unique_ptr<HttpTransport>> t = NewHttpTransport(*config);
    ASSERT_OK(t);
    transport_ = std::move(*t);
    ClientOptions o;
    o.qps = 0;  // no client-side limit
    o.timeout = absl::Seconds(10);
    o.retry = {absl::Milliseconds(100), 2.0, absl::Seconds(1), 0.5, 3};
    client_ = std::make_unique<Client>(transport_.get(), o);
    // Clean slate: earlier tests of this suite share the server.
    absl::StatusOr<json> all = client_->List(kSlices, "");
    ASSERT_OK(all);
    for (const json& it : (*all)["items"]) {
      ASSERT_OK(client_->Delete(kSlices, "", it["metadata"]["name"].get<std::string>()));
    }
  }

  static ReflectorOptions WatchedOnly() {
    ReflectorOptions ro;
    ro.label_selector = kWatched;
    // Retry quickly while the server is down (the default cap is 30 s).
    ro.backoff = {absl::Milliseconds(100), 2.0, absl::Seconds(1), 0.5, 0};
    return ro;
  }

  // Repeats `op` until it succeeds (for at most two minutes); counts the
  // failed attempts.
  void UntilOk(const std::function<absl::Status()>& op) {
    absl::Time deadline = absl::Now() + absl::Minutes(2);
    for (;;) {
      absl::Status s = op();
      if (s.ok()) return;
      ++failed_attempts_;
      if (absl::Now() > deadline) {
        ADD_FAILURE() << "write never succeeded: " << s;
        return;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  // Idempotent writes (a retried request may already have been applied).
  void Create(const std::string& name, int64_t gen, const std::string& role = "watched") {
    UntilOk([&]() -> absl::Status {
      absl::Status s = client_->Create(kSlices, "", Slice(name, gen, role)).status();
      if (absl::IsAlreadyExists(s)) return SetGeneration(name, gen);
      return s;
    });
    Record(name, gen);
  }
  absl::Status SetGeneration(const std::string& name, int64_t gen) {
    return client_->MergePatch(kSlices, "", name, {{"spec", {{"pool", {{"generation", gen}}}}}})
        .status();
  }
  void Update(const std::string& name, int64_t gen) {
    UntilOk([&] { return SetGeneration(name, gen); });
    Record(name, gen);
  }
  // The writer's view of the final state of the watched slices (names
  // starting with "noise" are not watched).
  void Record(const std::string& name, int64_t gen) {
    if (name.rfind("noise", 0) == 0) return;
    absl::MutexLock l(&final_mu_);
    final_[name] = gen;
  }
  void Remove(const std::string& name) {
    UntilOk([&]() -> absl::Status {
      absl::Status s = client_->Delete(kSlices, "", name);
      return absl::IsNotFound(s) ? absl::OkStatus() : s;
    });
    absl::MutexLock l(&final_mu_);
    final_.erase(name);
    removed_.insert(name);
  }

  // A fresh LIST of the watched slices, keyed like the informer (items
  // completed with apiVersion/kind as a watch delivers them).
  std::map<std::string, json> FreshList() {
    ListOptions lo;
    lo.label_selector = kWatched;
    absl::StatusOr<json> l = client_->List(kSlices, "", lo);
    std::map<std::string, json> out;
    if (!l.ok()) return out;
    for (json it : (*l)["items"]) {
      it["apiVersion"] = kSlices.ApiVersion();
      it["kind"] = kSlices.kind;
      out[Informer::KeyOf(it)] = it;
    }
    return out;
  }
  static std::map<std::string, json> CacheOf(const Informer& inf) {
    std::map<std::string, json> out;
    for (const json& o : inf.List()) out[Informer::KeyOf(o)] = o;
    return out;
  }
  // Waits until the cache equals a fresh LIST; the time it took.
  absl::Duration AwaitConverged(const Informer& inf, absl::Duration limit) {
    absl::Time t0 = absl::Now();
    while (absl::Now() - t0 < limit) {
      std::map<std::string, json> want = FreshList();
      if (!want.empty() && CacheOf(inf) == want) return absl::Now() - t0;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return absl::InfiniteDuration();
  }

  // The cache equals a fresh LIST exactly, the LIST holds the writer's
  // final values, and the handlers saw each final object and each delete.
  void ExpectNothingLost(const Informer& inf, Recorder& rec) {
    std::map<std::string, json> list = FreshList();
    std::map<std::string, json> cache = CacheOf(inf);
    EXPECT_EQ(cache, list);
    absl::MutexLock fl(&final_mu_);
    absl::MutexLock rl(&rec.mu);
    ASSERT_EQ(list.size(), final_.size());
    for (const auto& [name, gen] : final_) {
      SCOPED_TRACE(name);
      ASSERT_EQ(list.count(name), 1u);
      EXPECT_EQ(GenerationOf(list[name]), gen);
      ASSERT_FALSE(rec.seen[name].empty());
      const json& last = rec.seen[name].back();
      EXPECT_EQ(RvOf(last), RvOf(list[name]));
      EXPECT_EQ(GenerationOf(last), gen);
    }
    for (const std::string& name : removed_) {
      EXPECT_EQ(cache.count(name), 0u) << name;
      EXPECT_EQ(rec.deleted.count(name), 1u) << name;
    }
  }

  static OwnApiServer* server_;
  static absl::Status* start_error_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<Client> client_;
  std::atomic<int> failed_attempts_{0};
  absl::Mutex final_mu_;
  std::map<std::string, int64_t> final_ ABSL_GUARDED_BY(final_mu_);
  std::set<std::string> removed_;
};

OwnApiServer* RestartTest::server_ = nullptr;
absl::Status* RestartTest::start_error_ = new absl::Status();

TEST_F(RestartTest, NoUpdateIsLostAcrossAnApiServerRestart) {
  Recorder rec;
  Informer inf(client_.get(), kSlices, "", WatchedOnly());
  inf.AddHandlers(rec.Handlers());
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(absl::Seconds(30)));

  // Before: six slices, each updated twice; one noise slice not watched.
  for (int i = 0; i < 6; ++i) Create("before-" + std::to_string(i), 1);
  for (int g = 2; g <= 3; ++g) {
    for (int i = 0; i < 6; ++i) Update("before-" + std::to_string(i), g);
  }
  Create("noise", 1, "noise");

  // During: a writer keeps updating, creating and deleting while the API
  // server is killed and started again.
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  absl::Mutex stall_mu;
  absl::Time last_write = absl::Now();
  absl::Duration longest_stall = absl::ZeroDuration();
  auto wrote = [&] {
    absl::MutexLock l(&stall_mu);
    absl::Time now = absl::Now();
    longest_stall = std::max(longest_stall, now - last_write);
    last_write = now;
    ++writes;
  };
  // Joined on every exit path (an ASSERT below returns early).
  struct Joiner {
    std::atomic<bool>* stop;
    std::thread t;
    ~Joiner() {
      *stop = true;
      if (t.joinable()) t.join();
    }
  } writer{&stop, std::thread([&] {
    for (int64_t round = 4; !stop.load(); ++round) {
      for (int i = 0; i < 6; ++i) {
        if (i == 1 && removed_.count("before-1")) continue;
        Update("before-" + std::to_string(i), round);
        wrote();
      }
      Create("during-" + std::to_string(round), round);
      wrote();
      if (round == 6) Remove("before-1");
      if (round % 3 == 0) Remove("during-" + std::to_string(round - 1));
    }
  })};
  absl::SleepFor(absl::Seconds(1));
  const int before_kill = writes.load();
  absl::Time killed = absl::Now();
  ASSERT_OK(server_->KillApiServer());
  ASSERT_OK(server_->StartApiServer());
  absl::Duration gap = absl::Now() - killed;
  // After: the writer goes on for two more seconds against the new server.
  absl::SleepFor(absl::Seconds(2));
  stop = true;
  writer.t.join();
  Create("after", 1);
  Update("after", 2);

  absl::Duration converged = AwaitConverged(inf, absl::Seconds(60));
  absl::MutexLock sl(&stall_mu);
  std::printf("restart gap (kill -9 .. readyz) %.2f s; writer: %d writes before the kill, %d in "
              "all, longest stall %.2f s, %d failed attempts; converged %.2f s after the last "
              "write; lists %d, watches %d\n",
              absl::ToDoubleSeconds(gap), before_kill, writes.load(),
              absl::ToDoubleSeconds(longest_stall), failed_attempts_.load(),
              absl::ToDoubleSeconds(converged), inf.reflector().lists(), inf.reflector().watches());
  EXPECT_LT(converged, absl::Seconds(60));
  // The writer kept writing through the outage: it stalled for most of it
  // and went on afterwards.
  EXPECT_GE(longest_stall, gap / 2);
  EXPECT_GT(writes.load(), before_kill) << "no writes after the restart";
  EXPECT_GE(inf.reflector().watches(), 2);  // the watch was resumed
  ExpectNothingLost(inf, rec);
  inf.Stop();
}

// Watches `from_rv` and returns the first error (HTTP status or ERROR event).
absl::Status WatchFrom(Client& c, const std::string& from_rv) {
  WatchOptions wo;
  wo.resource_version = from_rv;
  wo.timeout_seconds = 5;
  wo.label_selector = kWatched;
  WatchFramer framer;
  absl::Status event_error = absl::OkStatus();
  absl::Status s = c.WatchRaw(kSlices, "", wo,
                              [&](std::string_view chunk) {
                                absl::StatusOr<bool> more = framer.Feed(chunk, [&](std::string_view line) {
                                  absl::StatusOr<WatchEvent> ev = DecodeWatchEvent(line);
                                  if (ev.ok() && ev->type == WatchEvent::Type::kError) {
                                    event_error = MakeApiError(ev->object.value("code", 0),
                                                               ev->object.value("reason", ""),
                                                               ev->object.value("message", ""));
                                    return false;
                                  }
                                  return true;
                                });
                                return more.ok() && *more;
                              },
                              nullptr);
  return event_error.ok() ? s : event_error;
}

TEST_F(RestartTest, CompactedResourceVersionRelistsAndConverges) {
  Recorder rec;
  absl::Notification release;
  std::atomic<bool> armed{false};
  Informer inf(client_.get(), kSlices, "", WatchedOnly());
  inf.AddHandlers(rec.Handlers());
  // Stalls the informer's thread on the gate's update, so the watch falls
  // behind while the writes below happen.
  inf.AddHandlers({nullptr,
                   [&](const json&, const json& o) {
                     if (armed && Informer::KeyOf(o) == "gate" && GenerationOf(o) == 100) {
                       release.WaitForNotification();
                     }
                   },
                   nullptr});
  // Never leave the informer's thread stalled (an ASSERT below returns early).
  struct Releaser {
    absl::Notification* n;
    ~Releaser() {
      if (!n->HasBeenNotified()) n->Notify();
    }
  } releaser{&release};
  for (int i = 0; i < 5; ++i) Create("w-" + std::to_string(i), 1);
  Create("gate", 1);
  Create("noise", 1, "noise");
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(absl::Seconds(30)));
  ASSERT_LT(AwaitConverged(inf, absl::Seconds(30)), absl::InfiniteDuration());
  const std::string old_rv = inf.reflector().last_resource_version();
  ASSERT_FALSE(old_rv.empty());

  armed = true;
  Update("gate", 100);
  absl::SleepFor(absl::Milliseconds(500));  // the informer is now stalled on the gate
  // Unwatched writes: the restarted server's watch cache starts past the
  // informer's resourceVersion, so its resume is "too old" there too.
  Update("noise", 2);
  Update("noise", 3);
  ASSERT_OK(server_->KillApiServer());      // its watch connection dies with the server
  absl::Time t0 = absl::Now();
  ASSERT_OK(server_->StartApiServer());
  const absl::Duration gap = absl::Now() - t0;
  // Changes the stalled informer cannot have seen on its old connection.
  for (int i = 5; i < 8; ++i) Create("w-" + std::to_string(i), 1);
  for (int i = 0; i < 4; ++i) Update("w-" + std::to_string(i), 2);
  Remove("w-4");
  Update("noise", 4);  // etcd moves past the last watched write
  Update("noise", 5);
  absl::StatusOr<int64_t> rev = server_->EtcdRevision();
  ASSERT_OK(rev);
  ASSERT_GT(*rev, std::stoll(old_rv));
  ASSERT_OK(server_->CompactEtcd(*rev));
  std::printf("API server back in %.2f s; etcd compacted at revision %lld (informer at %s)\n",
              absl::ToDoubleSeconds(gap), static_cast<long long>(*rev), old_rv.c_str());

  // The server itself refuses the old version.
  absl::Status gone = WatchFrom(*client_, old_rv);
  EXPECT_TRUE(IsGone(gone) || HttpCodeOf(gone) == 410) << gone;
  EXPECT_THAT(std::string(gone.message()), HasSubstr("too old resource version"));

  const int lists_before = inf.reflector().lists();
  absl::Time released = absl::Now();
  release.Notify();  // the informer's thread goes on
  absl::Duration converged = absl::InfiniteDuration();
  while (absl::Now() - released < absl::Seconds(60)) {
    if (inf.reflector().lists() > lists_before && CacheOf(inf) == FreshList()) {
      converged = absl::Now() - released;
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  std::printf("relist: converged %.2f s after the stalled informer resumed; lists %d -> %d\n",
              absl::ToDoubleSeconds(converged), lists_before, inf.reflector().lists());
  EXPECT_LT(converged, absl::Seconds(60)) << "no relist after 410, or no convergence";
  ExpectNothingLost(inf, rec);
  inf.Stop();
}

}  // namespace
}  // namespace k8s

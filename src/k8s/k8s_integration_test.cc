// Integration tests of the k8s client against a real API server (the
// hack/cluster local cluster). Reads KUBECONFIG; every test FAILS when it
// is unset. Objects are named with the pid so parallel runs do not clash.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/api_error.h"
#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/discovery.h"
#include "k8s/event_recorder.h"
#include "k8s/http_transport.h"
#include "k8s/informer.h"
#include "k8s/objects.h"
#include "k8s/resource_codec.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;
using json = nlohmann::json;

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* kc = std::getenv("KUBECONFIG");
    ASSERT_TRUE(kc != nullptr && *kc) << "KUBECONFIG must name the hack/cluster kubeconfig";
    absl::StatusOr<RestConfig> config = LoadKubeconfig(kc);
    ASSERT_OK(config);
    absl::StatusOr<std::unique_ptr<HttpTransport>> t = NewHttpTransport(*config);
    ASSERT_OK(t);
    transport_ = std::move(*t);
    ClientOptions o;
    o.qps = 50;
    o.burst = 100;
    client_ = std::make_unique<Client>(transport_.get(), o);
    absl::StatusOr<std::vector<std::string>> served = ServedResourceVersions(*client_);
    ASSERT_OK(served);
    for (const std::string& v : *served) {
      if (ParseApiVersion(v).ok()) served_.push_back(v);
    }
    ASSERT_FALSE(served_.empty()) << "the server serves no resource.k8s.io version we speak";
  }

  std::string Name(const std::string& base) {
    return base + "-" + std::to_string(::getpid());
  }

  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<Client> client_;
  std::vector<std::string> served_;
};

ResourceSlice MakeSlice(const std::string& name, int n_devices) {
  ResourceSlice s;
  s.metadata.name = name;
  s.metadata.labels["test"] = "k8s-integration";
  s.spec.driver = "gpu.nvidia.com";
  s.spec.pool = {name, 1, 1};
  s.spec.node_name = "node-" + name;
  for (int i = 0; i < n_devices; ++i) {
    devices::Device d;
    d.name = "gpu-" + std::to_string(i);
    d.attributes["type"] = devices::AttributeValue::String("gpu");
    d.attributes["index"] = devices::AttributeValue::Int(i);
    d.attributes["driverVersion"] = devices::AttributeValue::Version("570.124.6");
    d.attributes["resource.kubernetes.io/pciBusID"] = devices::AttributeValue::String("0000:3b:00.0");
    d.capacity["memory"] = Quantity::Binary(85520809984);
    s.spec.devices.push_back(std::move(d));
  }
  return s;
}

TEST_F(ClusterTest, ServerVersion) {
  absl::StatusOr<ServerVersion> v = GetServerVersion(*client_);
  ASSERT_OK(v);
  EXPECT_EQ(v->major, 1);
  EXPECT_GE(v->minor, 32);
  EXPECT_OK(PickResourceVersion(served_).status());
}

TEST_F(ClusterTest, ResourceSliceCrudInEveryServedVersion) {
  for (const std::string& vs : served_) {
    SCOPED_TRACE(vs);
    ApiVersion v = *ParseApiVersion(vs);
    Resource r = ResourceSlices(vs);
    std::string name = Name("k8sit-slice-" + vs);
    (void)client_->Delete(r, "", name);
    ResourceSlice want = MakeSlice(name, 3);
    absl::StatusOr<json> created = client_->Create(r, "", ToJson(want, v), {"k8s-integration"});
    ASSERT_OK(created);
    absl::StatusOr<ResourceSlice> got = ResourceSliceFromJson(*created, v);
    ASSERT_OK(got);
    EXPECT_EQ(got->spec, want.spec);  // every field round-trips
    EXPECT_EQ(got->metadata.labels, want.metadata.labels);

    // Update with a stale resourceVersion conflicts; RetryOnConflict wins.
    ResourceSlice stale = *got;
    got->spec.pool.generation = 2;
    absl::StatusOr<json> updated = client_->Update(r, "", ToJson(*got, v));
    ASSERT_OK(updated);
    stale.spec.pool.generation = 5;
    absl::StatusOr<json> conflict = client_->Update(r, "", ToJson(stale, v));
    EXPECT_THAT(conflict, StatusIs(absl::StatusCode::kAborted, HasSubstr("the object has been modified")));
    EXPECT_EQ(ReasonOf(conflict.status()), "Conflict");
    int tries = 0;
    ASSERT_OK(RetryOnConflict(
        [&]() -> absl::Status {
          ++tries;
          ResourceSlice s = stale;  // first try: stale
          if (tries > 1) {
            absl::StatusOr<json> cur = client_->Get(r, "", name);
            if (!cur.ok()) return cur.status();
            s = *ResourceSliceFromJson(*cur, v);
          }
          s.spec.pool.generation = 7;
          return client_->Update(r, "", ToJson(s, v)).status();
        },
        client_->clock()));
    EXPECT_EQ(tries, 2);

    // Merge patch.
    absl::StatusOr<json> patched = client_->MergePatch(
        r, "", name, {{"metadata", {{"labels", {{"patched", "yes"}}}}}});
    ASSERT_OK(patched);
    EXPECT_EQ((*patched)["metadata"]["labels"]["patched"], "yes");
    EXPECT_EQ((*patched)["spec"]["pool"]["generation"], 7);

    // Server-side apply of a second slice, then a change to it.
    std::string applied_name = Name("k8sit-applied-" + vs);
    (void)client_->Delete(r, "", applied_name);
    ResourceSlice a = MakeSlice(applied_name, 1);
    absl::StatusOr<json> applied = client_->Apply(r, "", ToJson(a, v), {"k8s-integration"}, true);
    ASSERT_OK(applied);
    a.spec.devices[0].attributes["index"] = devices::AttributeValue::Int(42);
    applied = client_->Apply(r, "", ToJson(a, v), {"k8s-integration"}, true);
    ASSERT_OK(applied);
    EXPECT_EQ(ResourceSliceFromJson(*applied, v)->spec, a.spec);

    // Delete with preconditions.
    DeleteOptions wrong;
    wrong.precondition_uid = "00000000-0000-0000-0000-000000000000";
    EXPECT_THAT(client_->Delete(r, "", name, wrong),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record")));
    DeleteOptions right;
    right.precondition_uid = (*patched)["metadata"]["uid"];
    right.precondition_resource_version = (*patched)["metadata"]["resourceVersion"];
    EXPECT_OK(client_->Delete(r, "", name, right));
    EXPECT_OK(client_->Delete(r, "", applied_name));
    EXPECT_THAT(client_->Get(r, "", name), StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
  }
}

TEST_F(ClusterTest, ResourceClaimCrudInEveryServedVersion) {
  for (const std::string& vs : served_) {
    SCOPED_TRACE(vs);
    ApiVersion v = *ParseApiVersion(vs);
    Resource r = ResourceClaims(vs);
    std::string name = Name("k8sit-claim-" + vs);
    (void)client_->Delete(r, "default", name);
    ResourceClaim c;
    c.metadata.name = name;
    c.metadata.namespace_ = "default";
    ExactDeviceRequest ex;
    ex.device_class_name = "gpu.nvidia.com";
    ex.selectors = {"device.attributes['gpu.nvidia.com'].type == 'gpu'"};
    ex.allocation_mode = "ExactCount";
    ex.count = 1;
    c.spec.requests.push_back({"gpu", ex, {}});
    c.spec.constraints.push_back({{"gpu"}, "gpu.nvidia.com/uuid", std::nullopt});
    c.spec.config.push_back({{"gpu"}, OpaqueDeviceConfiguration{
        "gpu.nvidia.com", {{"apiVersion", "resource.nvidia.com/v1beta1"}, {"kind", "GpuConfig"}}}});
    absl::StatusOr<json> created = client_->Create(r, "default", ToJson(c, v));
    ASSERT_OK(created);
    absl::StatusOr<ResourceClaim> got = ResourceClaimFromJson(*created, v);
    ASSERT_OK(got);
    EXPECT_EQ(got->spec, c.spec);
    absl::StatusOr<json> patched =
        client_->MergePatch(r, "default", name, {{"metadata", {{"annotations", {{"a", "b"}}}}}});
    ASSERT_OK(patched);
    EXPECT_EQ(ResourceClaimFromJson(*patched, v)->spec, c.spec);
    ResourceClaim stale = *got;
    stale.metadata.labels["x"] = "y";
    EXPECT_TRUE(IsConflict(client_->Update(r, "default", ToJson(stale, v)).status()));
    json apply = ToJson(c, v);
    apply["metadata"]["labels"] = {{"applied", "true"}};
    absl::StatusOr<json> applied = client_->Apply(r, "default", apply, {"k8s-integration"});
    ASSERT_OK(applied);
    EXPECT_EQ((*applied)["metadata"]["labels"]["applied"], "true");
    EXPECT_OK(client_->Delete(r, "default", name));
  }
}

TEST_F(ClusterTest, RejectedSlicesSurfaceTheServersMessage) {
  const std::string& vs = served_.front();
  ApiVersion v = *ParseApiVersion(vs);
  Resource r = ResourceSlices(vs);
  absl::StatusOr<json> too_many = client_->Create(r, "", ToJson(MakeSlice(Name("k8sit-129"), 129), v));
  EXPECT_THAT(too_many, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("spec.devices: Too many: 129: must have at most 128 items")));
  EXPECT_EQ(ReasonOf(too_many.status()), "Invalid");
  ResourceSlice bad = MakeSlice(Name("k8sit-badattr"), 1);
  bad.spec.devices[0].attributes["not a valid name!"] = devices::AttributeValue::Int(1);
  absl::StatusOr<json> bad_attr = client_->Create(r, "", ToJson(bad, v));
  EXPECT_THAT(bad_attr, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is invalid")));
  EXPECT_THAT(std::string(bad_attr.status().message()), HasSubstr("not a valid name!"));
}

TEST_F(ClusterTest, InformerSeesCreatesUpdatesDeletes) {
  const std::string& vs = served_.front();
  ApiVersion v = *ParseApiVersion(vs);
  Resource r = ResourceSlices(vs);
  ReflectorOptions ro;
  ro.label_selector = "test=k8s-integration-informer-" + std::to_string(::getpid());
  Informer inf(client_.get(), r, "", ro);
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(absl::Seconds(10)));
  ResourceSlice s = MakeSlice(Name("k8sit-inf"), 1);
  s.metadata.labels = {{"test", "k8s-integration-informer-" + std::to_string(::getpid())}};
  ASSERT_OK(client_->Create(r, "", ToJson(s, v)));
  auto wait = [&](const std::function<bool()>& f) {
    for (int i = 0; i < 200 && !f(); ++i) absl::SleepFor(absl::Milliseconds(50));
    return f();
  };
  EXPECT_TRUE(wait([&] { return inf.Get(s.metadata.name).has_value(); }));
  ASSERT_OK(client_->Delete(r, "", s.metadata.name));
  EXPECT_TRUE(wait([&] { return !inf.Get(s.metadata.name).has_value(); }));
  inf.Stop();
}

// A lease_contender child process (fork + exec) with its stdout on a pipe.
struct Contender {
  pid_t pid = -1;
  int out = -1;
  std::string buf;  // unread output

  static std::string Binary() {
    if (const char* b = std::getenv("LEASE_CONTENDER"); b != nullptr && *b) return b;
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
    std::string dir = n > 0 ? std::string(self, n) : std::string(".");
    return dir.substr(0, dir.rfind('/')) + "/lease_contender";
  }

  bool Start(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    std::string bin = Binary();
    std::vector<char*> argv;
    argv.push_back(bin.data());
    std::vector<std::string> a = args;
    for (std::string& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out = fds[0];
    return true;
  }
  // Reads what is available within `wait`; true when `line` has appeared.
  bool Saw(const std::string& line, absl::Duration wait) {
    absl::Time deadline = absl::Now() + wait;
    while (true) {
      if (buf.find(line + "\n") != std::string::npos) return true;
      absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return false;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) continue;
      char tmp[256];
      ssize_t n = ::read(out, tmp, sizeof(tmp));
      if (n <= 0) {
        if (buf.find(line + "\n") != std::string::npos) return true;
        return false;  // child exited
      }
      buf.append(tmp, n);
    }
  }
  int Signal(int sig) {
    if (pid <= 0) return -1;
    ::kill(pid, sig);
    int st = 0;
    ::waitpid(pid, &st, 0);
    pid = -1;
    return st;
  }
  ~Contender() {
    if (pid > 0) Signal(SIGKILL);
    if (out >= 0) ::close(out);
  }
};

// Two processes contend for one Lease (2s / 1.5s / 0.5s): exactly one
// leads; after kill -9 of the leader the other takes over within lease
// duration + retry period (plus a 750 ms allowance for request latency on a loaded machine);
// a SIGTERM releases the lease.
TEST_F(ClusterTest, LeaderElectionHandsOverBetweenProcesses) {
  const char* kc = std::getenv("KUBECONFIG");
  const std::string lease = Name("k8sit-lease");
  (void)client_->Delete(Leases(), "default", lease);
  const absl::Duration lease_duration = absl::Seconds(2), retry = absl::Milliseconds(500);
  Contender c[2];
  const std::string ids[2] = {Name("contender-a"), Name("contender-b")};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c[i].Start({kc, ids[i], lease, "2s", "1.5s", "0.5s", "default"}))
        << Contender::Binary();
  }
  int leader = -1;
  for (int tries = 0; tries < 200 && leader < 0; ++tries) {
    for (int i = 0; i < 2 && leader < 0; ++i) {
      if (c[i].Saw("LEADING " + ids[i], absl::Milliseconds(50))) leader = i;
    }
  }
  ASSERT_GE(leader, 0) << "nobody became leader";
  const int other = 1 - leader;
  // Exactly one leads, for longer than a lease duration.
  EXPECT_FALSE(c[other].Saw("LEADING " + ids[other], absl::Seconds(3)));
  EXPECT_TRUE(c[leader].buf.find("STOPPED") == std::string::npos);
  absl::StatusOr<json> j = client_->Get(Leases(), "default", lease);
  ASSERT_OK(j);
  absl::StatusOr<Lease> l = LeaseFromJson(*j);
  ASSERT_OK(l);
  EXPECT_EQ(l->holder_identity, ids[leader]);
  EXPECT_EQ(l->lease_duration_seconds, 2);
  const int64_t transitions = l->lease_transitions.value_or(0);

  // kill -9 the leader: no release, the lease must expire.
  absl::Time killed = absl::Now();
  c[leader].Signal(SIGKILL);
  ASSERT_TRUE(c[other].Saw("LEADING " + ids[other], absl::Seconds(10)));
  absl::Duration takeover = absl::Now() - killed;
  std::printf("takeover after kill -9: %.3f s (bound %.3f s)\n", absl::ToDoubleSeconds(takeover),
              absl::ToDoubleSeconds(lease_duration + retry));
  EXPECT_LE(takeover, lease_duration + retry + absl::Milliseconds(750));
  j = client_->Get(Leases(), "default", lease);
  ASSERT_OK(j);
  l = LeaseFromJson(*j);
  ASSERT_OK(l);
  EXPECT_EQ(l->holder_identity, ids[other]);
  EXPECT_EQ(l->lease_transitions.value_or(0), transitions + 1);

  // A clean stop releases the lease.
  int st = c[other].Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  EXPECT_TRUE(c[other].Saw("STOPPED " + ids[other], absl::Seconds(2))) << c[other].buf;
  j = client_->Get(Leases(), "default", lease);
  ASSERT_OK(j);
  EXPECT_EQ(LeaseFromJson(*j)->holder_identity.value_or(""), "");
  EXPECT_OK(client_->Delete(Leases(), "default", lease));
}

// Recording the same event twice yields one Event with series.count 2.
TEST_F(ClusterTest, EventRecorderDeduplicatesIntoASeries) {
  ObjectReference regarding;
  regarding.api_version = "v1";
  regarding.kind = "Pod";
  regarding.namespace_ = "default";
  regarding.name = Name("k8sit-event-target");
  regarding.uid = "00000000-0000-0000-0000-" + std::to_string(100000000000 + ::getpid());
  EventRecorder rec(client_.get(), {"gpu.nvidia.com/k8s-integration", Name("instance")});
  ASSERT_OK(rec.Warning(regarding, "PrepareFailed", "PrepareResources", "device gpu-0 is gone"));
  absl::SleepFor(absl::Milliseconds(20));
  ASSERT_OK(rec.Warning(regarding, "PrepareFailed", "PrepareResources", "device gpu-0 is gone"));
  ListOptions lo;
  lo.field_selector = "regarding.name=" + regarding.name;
  absl::StatusOr<json> list = client_->List(Events(), "default", lo);
  ASSERT_OK(list);
  ASSERT_EQ((*list)["items"].size(), 1u) << list->dump();
  absl::StatusOr<Event> e = EventFromJson((*list)["items"][0]);
  ASSERT_OK(e);
  EXPECT_EQ(e->series_count, 2);
  EXPECT_TRUE(e->series_last_observed_time.has_value());
  EXPECT_EQ(e->type, "Warning");
  EXPECT_EQ(e->reason, "PrepareFailed");
  EXPECT_EQ(e->action, "PrepareResources");
  EXPECT_EQ(e->note, "device gpu-0 is gone");
  EXPECT_EQ(e->reporting_controller, "gpu.nvidia.com/k8s-integration");
  EXPECT_EQ(e->regarding.name, regarding.name);
  EXPECT_OK(client_->Delete(Events(), "default", e->metadata.name));
}

}  // namespace
}  // namespace k8s

#include "kubeletplugin/slice_publisher.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "k8s/api_error.h"
#include "k8s/discovery.h"
#include "k8s/informer.h"
#include "k8s/objects.h"
#include "k8s/resource.h"
#include "kubeletplugin/slice_sync.h"

namespace kubeletplugin {
namespace {

// Coalesces the burst of watch events one sync causes.
constexpr absl::Duration kSettle = absl::Milliseconds(20);

std::string ErrorReason(const absl::Status& s) {
  std::string reason = k8s::ReasonOf(s);
  if (!reason.empty()) return reason;
  int code = k8s::HttpCodeOf(s);
  if (code != 0) return absl::StrCat("HTTP", code);
  return "Transport";
}

// A write the server refused for what it was (not for timing): retrying
// the same content will not help without a change somewhere.
bool IsRejection(const absl::Status& s) {
  int code = k8s::HttpCodeOf(s);
  return code >= 400 && code < 500 && code != 404 && code != 409 && code != 429;
}

}  // namespace

SlicePublisher::SlicePublisher(k8s::Client* client, SlicePublisherOptions options,
                               k8s::EventRecorder* events, SlicePublisherObserver* observer)
    : client_(client), options_(std::move(options)), events_(events), observer_(observer) {}

SlicePublisher::~SlicePublisher() { Stop(); }

absl::Status SlicePublisher::Publish(std::vector<devices::Device> devices,
                                     std::vector<k8s::CounterSet> shared_counters) {
  absl::StatusOr<std::vector<DesiredSlice>> layout =
      LayoutSlices(std::move(devices), std::move(shared_counters), options_.max_devices_per_slice);
  if (!layout.ok()) {
    LOG(ERROR) << "ResourceSlice publisher: refusing devices for pool " << options_.node_name
               << ": " << layout.status().message();
    {
      absl::MutexLock l(&mu_);
      ++counters_.publish_errors_total["Local"];
      if (observer_) observer_->OnPublishError("Local", layout.status());
    }
    return layout.status();
  }
  absl::MutexLock l(&mu_);
  if (has_desired_ && desired_ == *layout) return absl::OkStatus();
  desired_ = std::move(*layout);
  has_desired_ = true;
  ++desired_seq_;
  SetReady(false);
  return absl::OkStatus();
}

void SlicePublisher::Start() {
  absl::MutexLock l(&mu_);
  if (started_) return;
  started_ = true;
  dirty_ = true;
  thread_ = std::thread([this] { Run(); });
}

void SlicePublisher::Stop() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool SlicePublisher::Ready() const {
  absl::MutexLock l(&mu_);
  return ready_;
}

bool SlicePublisher::WaitUntilReady(absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&ready_), timeout);
}

absl::Status SlicePublisher::LastError() const {
  absl::MutexLock l(&mu_);
  return last_error_;
}

SlicePublisherCounters SlicePublisher::Counters() const {
  absl::MutexLock l(&mu_);
  return counters_;
}

absl::Time SlicePublisher::LastSuccess() const {
  absl::MutexLock l(&mu_);
  return last_success_;
}

std::string SlicePublisher::ResourceVersion() const {
  absl::MutexLock l(&mu_);
  return version_name_;
}

void SlicePublisher::SetReady(bool ready) {
  if (ready_ == ready) return;
  ready_ = ready;
  // Called under mu_; the observer must not call back into the publisher.
  if (observer_) observer_->OnReadyChanged(ready);
}

void SlicePublisher::Trigger() {
  absl::MutexLock l(&mu_);
  dirty_ = true;
}

void SlicePublisher::OnSliceDeleted(const nlohmann::json& obj) {
  std::string name = obj.value("metadata", nlohmann::json::object()).value("name", "");
  absl::MutexLock l(&mu_);
  dirty_ = true;
  if (published_names_.erase(name) > 0) {
    LOG(WARNING) << "ResourceSlice " << name << " of pool " << options_.node_name
                 << " was deleted by someone else; recreating it";
    ++invalidations_;
    SetReady(false);
  }
}

absl::Status SlicePublisher::Setup() {
  absl::StatusOr<std::vector<std::string>> served = k8s::ServedResourceVersions(*client_);
  if (!served.ok()) return served.status();
  absl::StatusOr<k8s::ApiVersion> v = k8s::PickResourceVersion(*served, options_.resource_version);
  if (!v.ok()) return v.status();
  std::string uid = options_.node_uid;
  if (uid.empty()) {
    absl::StatusOr<nlohmann::json> node = client_->Get(k8s::Nodes(), "", options_.node_name);
    if (!node.ok()) return node.status();
    uid = node->value("metadata", nlohmann::json::object()).value("uid", "");
    if (uid.empty()) return absl::InternalError("Node " + options_.node_name + " has no uid");
  }
  version_ = *v;
  node_uid_ = uid;
  absl::MutexLock l(&mu_);
  version_name_ = k8s::ApiVersionName(*v);
  return absl::OkStatus();
}

void SlicePublisher::RecordError(const absl::Status& s, bool rejected) {
  const std::string reason = ErrorReason(s);
  {
    // The observer hears of the error under mu_, as of readiness changes
    // (SetReady): whoever sees LastError() also sees it counted there.
    absl::MutexLock l(&mu_);
    last_error_ = s;
    ++counters_.publish_errors_total[reason];
    if (observer_) observer_->OnPublishError(reason, s);
    SetReady(false);
  }
  if (!rejected) {
    LOG(WARNING) << "ResourceSlice publishing for pool " << options_.node_name
                 << " failed (will retry): " << s;
    return;
  }
  LOG(ERROR) << "API server rejected a ResourceSlice of pool " << options_.node_name << ": " << s;
  if (events_ == nullptr) return;
  k8s::ObjectReference node;
  node.api_version = "v1";
  node.kind = "Node";
  node.name = options_.node_name;
  node.uid = node_uid_;
  absl::Status e = events_->Warning(
      node, kReasonSliceRejected, "PublishResourceSlices",
      absl::StrCat("driver ", options_.driver_name, ": ", s.message()));
  if (!e.ok()) LOG(WARNING) << "recording event " << kReasonSliceRejected << ": " << e;
}

void SlicePublisher::Run() {
  k8s::Backoff backoff(options_.backoff);
  auto sleep = [this](absl::Duration d) {  // false once stopping
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
    return !stopping_;
  };
  for (;;) {
    absl::Status s = Setup();
    if (s.ok()) break;
    RecordError(s, false);
    if (!sleep(backoff.Next())) return;
  }
  backoff.Reset();

  PoolSyncer syncer(client_, version_, {options_.driver_name, options_.node_name, node_uid_});
  k8s::ReflectorOptions ro;
  ro.field_selector = syncer.FieldSelector();
  k8s::Informer informer(client_, k8s::ResourceSlices(k8s::ApiVersionName(version_)), "", ro);
  informer.AddHandlers({[this](const nlohmann::json&) { Trigger(); },
                        [this](const nlohmann::json&, const nlohmann::json&) { Trigger(); },
                        [this](const nlohmann::json& o) { OnSliceDeleted(o); }});
  informer.Start();  // stopped by its destructor
  // Syncing only after the informer listed means no later change is missed.
  while (!informer.WaitForSync(absl::Milliseconds(100))) {
    if (!sleep(absl::ZeroDuration())) return;
  }

  PoolSyncHooks hooks;
  hooks.before_delete = [this](const std::string& name) {
    absl::MutexLock l(&mu_);
    published_names_.erase(name);
  };
  hooks.after_write = [this](const std::string& op) {
    {
      absl::MutexLock l(&mu_);
      ++(op == "delete" ? counters_.slices_deleted_total : counters_.slices_published_total);
    }
    if (observer_) observer_->OnSliceWritten(op);
  };

  bool failing = false;
  absl::Time retry_at = absl::InfiniteFuture();
  absl::Time resync_at = absl::Now() + options_.resync_period;
  int64_t seen_seq = 0;
  for (;;) {
    std::vector<DesiredSlice> desired;
    int64_t seq = 0, invalidations = 0;
    {
      absl::MutexLock l(&mu_);
      auto wake = [&]() {
        mu_.AssertHeld();
        return stopping_ || desired_seq_ != seen_seq || (!failing && dirty_);
      };
      mu_.AwaitWithDeadline(absl::Condition(&wake), failing ? retry_at : resync_at);
      if (!stopping_ && desired_seq_ == seen_seq) {
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), kSettle);
      }
      if (stopping_) break;
      dirty_ = false;
      if (!has_desired_) {
        resync_at = absl::Now() + options_.resync_period;
        continue;
      }
      desired = desired_;
      seq = desired_seq_;
      invalidations = invalidations_;
    }
    seen_seq = seq;
    absl::StatusOr<PoolSyncResult> r = syncer.Sync(desired, hooks);
    if (!r.ok()) {
      RecordError(r.status(), IsRejection(r.status()));
      failing = true;
      retry_at = absl::Now() + backoff.Next();
      continue;
    }
    for (const std::string& w : r->dropped_field_warnings) LOG(WARNING) << w;
    if (r->created + r->updated + r->deleted > 0) {
      LOG(INFO) << "ResourceSlices of pool " << options_.node_name << " (driver "
                << options_.driver_name << "): generation " << r->generation << ", "
                << r->names.size() << " slice(s); created " << r->created << ", updated "
                << r->updated << ", deleted " << r->deleted;
    }
    failing = false;
    backoff.Reset();
    resync_at = absl::Now() + options_.resync_period;
    absl::MutexLock l(&mu_);
    ++counters_.syncs_total;
    published_names_ = r->names;
    last_error_ = absl::OkStatus();
    last_success_ = options_.clock->Now();
    if (desired_seq_ == seq && invalidations_ == invalidations) SetReady(true);
  }
}

}  // namespace kubeletplugin

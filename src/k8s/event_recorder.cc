#include "k8s/event_recorder.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace k8s {
namespace {

constexpr size_t kMaxNote = 1024;  // the API server's limit on note

std::string Hex(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

EventRecorder::EventRecorder(Client* client, EventRecorderOptions options, Clock* clock)
    : client_(client), options_(std::move(options)), clock_(clock) {}

size_t EventRecorder::cache_size() const {
  absl::MutexLock l(&mu_);
  return cache_.size();
}

void EventRecorder::Evict(absl::Time now) {
  if (cache_.size() < options_.max_cache) return;
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (now - it->second.last_observed >= options_.dedup_window) {
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
  while (!cache_.empty() && cache_.size() >= options_.max_cache) {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.last_observed < oldest->second.last_observed) oldest = it;
    }
    cache_.erase(oldest);
  }
}

absl::Status EventRecorder::Create(const Key& key, const ObjectReference& regarding,
                                   const std::string& type, const std::string& reason,
                                   const std::string& action, const std::string& note,
                                   absl::Time now) {
  Event e;
  e.metadata.namespace_ = regarding.namespace_.empty() ? "default" : regarding.namespace_;
  // client-go's "<name>.<hex UnixNano>"; strictly increasing per recorder
  // so two events in the same nanosecond (coarse or fake clocks) differ.
  last_name_nanos_ = std::max(last_name_nanos_ + 1, absl::ToUnixNanos(now));
  e.metadata.name = regarding.name + "." + Hex(last_name_nanos_);
  e.event_time = FormatMicroTime(now);
  e.reporting_controller = options_.reporting_controller;
  e.reporting_instance = options_.reporting_instance;
  e.action = action;
  e.reason = reason;
  e.note = note;
  e.type = type;
  e.regarding = regarding;
  absl::StatusOr<nlohmann::json> created = client_->Create(Events(), e.metadata.namespace_, ToJson(e));
  if (!created.ok()) {
    cache_.erase(key);
    return created.status();
  }
  Evict(now);
  cache_[key] = Entry{e.metadata.namespace_, e.metadata.name, 1, now};
  return absl::OkStatus();
}

absl::Status EventRecorder::Record(const ObjectReference& regarding, const std::string& type,
                                   const std::string& reason, const std::string& action,
                                   const std::string& note_in) {
  if (type != kEventTypeNormal && type != kEventTypeWarning) {
    return absl::InvalidArgumentError("event type must be Normal or Warning, not \"" + type + "\"");
  }
  if (reason.empty() || action.empty()) {
    return absl::InvalidArgumentError("event reason and action are required");
  }
  if (regarding.name.empty()) {
    return absl::InvalidArgumentError("event regarding object has no name");
  }
  std::string note = note_in.size() > kMaxNote ? note_in.substr(0, kMaxNote) : note_in;
  const Key key{regarding.api_version, regarding.kind, regarding.namespace_, regarding.name,
                regarding.uid, reason, action, note, type};
  absl::MutexLock l(&mu_);
  const absl::Time now = clock_->Now();
  auto it = cache_.find(key);
  if (it == cache_.end() || now - it->second.last_observed >= options_.dedup_window) {
    return Create(key, regarding, type, reason, action, note, now);
  }
  Entry& entry = it->second;
  const int64_t count = entry.count + 1;
  nlohmann::json patch = {
      {"series", {{"count", count}, {"lastObservedTime", FormatMicroTime(now)}}}};
  absl::StatusOr<nlohmann::json> patched =
      client_->MergePatch(Events(), entry.ns, entry.name, patch);
  if (absl::IsNotFound(patched.status())) {
    return Create(key, regarding, type, reason, action, note, now);  // expired or deleted
  }
  if (!patched.ok()) return patched.status();
  entry.count = count;
  entry.last_observed = now;
  return absl::OkStatus();
}

}  // namespace k8s

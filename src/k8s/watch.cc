#include "k8s/watch.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "k8s/api_error.h"

namespace k8s {

absl::StatusOr<WatchEvent> DecodeWatchEvent(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("watch event: not a JSON object");
  }
  auto type = j.find("type");
  auto object = j.find("object");
  if (type == j.end() || !type->is_string()) {
    return absl::InvalidArgumentError("watch event: missing type");
  }
  if (object == j.end() || !object->is_object()) {
    return absl::InvalidArgumentError("watch event: missing object");
  }
  static const std::pair<const char*, WatchEvent::Type> kTypes[] = {
      {"ADDED", WatchEvent::Type::kAdded},       {"MODIFIED", WatchEvent::Type::kModified},
      {"DELETED", WatchEvent::Type::kDeleted},   {"BOOKMARK", WatchEvent::Type::kBookmark},
      {"ERROR", WatchEvent::Type::kError}};
  const std::string& t = type->get_ref<const std::string&>();
  for (const auto& [name, value] : kTypes) {
    if (t == name) return WatchEvent{value, std::move(*object)};
  }
  return absl::InvalidArgumentError("watch event: unknown type " + t);
}

absl::StatusOr<bool> WatchFramer::Feed(std::string_view chunk,
                                       const std::function<bool(std::string_view)>& on_line) {
  size_t start = 0;
  while (start < chunk.size()) {
    size_t nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      if (buf_.size() + (chunk.size() - start) > max_) {
        buf_.clear();
        return absl::ResourceExhaustedError("watch event larger than the framer's limit");
      }
      buf_.append(chunk.substr(start));
      return true;
    }
    std::string_view piece = chunk.substr(start, nl - start);
    start = nl + 1;
    std::string_view line;
    if (buf_.empty()) {
      // A whole line inside one chunk obeys the same limit as one that
      // spans chunks (found by k8s_watch_framer_fuzzer).
      if (piece.size() > max_) {
        return absl::ResourceExhaustedError("watch event larger than the framer's limit");
      }
      line = piece;
    } else {
      if (buf_.size() + piece.size() > max_) {
        buf_.clear();
        return absl::ResourceExhaustedError("watch event larger than the framer's limit");
      }
      buf_.append(piece);
      line = buf_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool keep_going = line.empty() || on_line(line);
    buf_.clear();
    if (!keep_going) return false;
  }
  return true;
}

namespace {

std::string RvOf(const nlohmann::json& obj) {
  if (!obj.is_object()) return "";
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto rv = m->find("resourceVersion");
  return rv != m->end() && rv->is_string() ? rv->get<std::string>() : "";
}

}  // namespace

Reflector::Reflector(Client* client, Resource resource, std::string ns, ReflectorOptions opts,
                     ReflectorHandler* handler)
    : client_(client),
      resource_(std::move(resource)),
      ns_(std::move(ns)),
      opts_(std::move(opts)),
      handler_(handler) {}

std::string Reflector::last_resource_version() const {
  absl::MutexLock l(&mu_);
  return last_rv_;
}

absl::Status Reflector::ListOnce() {
  ListOptions lo;
  lo.label_selector = opts_.label_selector;
  lo.field_selector = opts_.field_selector;
  lo.limit = opts_.list_page_size;
  absl::StatusOr<nlohmann::json> list = client_->List(resource_, ns_, lo);
  if (!list.ok()) return list.status();
  ++lists_;
  std::vector<nlohmann::json> items;
  for (auto& it : (*list)["items"]) {
    // Items in a list carry no apiVersion/kind; fill them in as a watch would.
    if (!it.contains("apiVersion")) it["apiVersion"] = resource_.ApiVersion();
    if (!it.contains("kind")) it["kind"] = resource_.kind;
    items.push_back(std::move(it));
  }
  std::string rv = RvOf(*list);
  {
    absl::MutexLock l(&mu_);
    last_rv_ = rv;
  }
  handler_->OnReplace(std::move(items), rv);
  return absl::OkStatus();
}

absl::Status Reflector::WatchOnce(const std::atomic<bool>& cancel, bool* got_events) {
  WatchOptions wo;
  wo.label_selector = opts_.label_selector;
  wo.field_selector = opts_.field_selector;
  wo.resource_version = last_resource_version();
  wo.allow_bookmarks = true;
  wo.timeout_seconds = opts_.watch_timeout_seconds;
  WatchFramer framer;
  absl::Status stream_error;
  ++watches_;
  absl::Status s = client_->WatchRaw(
      resource_, ns_, wo,
      [&](std::string_view chunk) {
        absl::StatusOr<bool> more = framer.Feed(chunk, [&](std::string_view line) {
          absl::StatusOr<WatchEvent> ev = DecodeWatchEvent(line);
          if (!ev.ok()) {
            stream_error = ev.status();
            return false;
          }
          if (ev->type == WatchEvent::Type::kError) {
            const nlohmann::json& st = ev->object;
            stream_error = MakeApiError(st.value("code", 500), st.value("reason", ""),
                                        st.value("message", ""));
            return false;
          }
          std::string rv = RvOf(ev->object);
          if (ev->type != WatchEvent::Type::kBookmark) {
            *got_events = true;
            handler_->OnEvent(ev->type, std::move(ev->object));
          }
          if (!rv.empty()) {
            absl::MutexLock l(&mu_);
            last_rv_ = rv;
          }
          return true;
        });
        if (!more.ok()) {
          stream_error = more.status();
          return false;
        }
        return *more && !cancel.load();
      },
      &cancel);
  if (!stream_error.ok()) return stream_error;
  return s;
}

absl::Status Reflector::Run(const std::atomic<bool>& cancel) {
  Backoff backoff(opts_.backoff);
  bool need_list = true;
  while (!cancel.load()) {
    absl::Status s;
    if (need_list) {
      s = ListOnce();
      if (s.ok()) {
        need_list = false;
        backoff.Reset();
        continue;
      }
    } else {
      bool got_events = false;
      s = WatchOnce(cancel, &got_events);
      if (got_events) backoff.Reset();
      if (s.ok()) {
        // The stream ended (timeout, server restart, proxy): resume from the
        // last resourceVersion; back off only if it delivered nothing.
        if (!got_events && !cancel.load()) client_->clock()->SleepFor(backoff.Next());
        continue;
      }
      if (IsGone(s) || HttpCodeOf(s) == 410) {
        need_list = true;  // too old: relist, then watch from the new version
        handler_->OnError(s);
        continue;
      }
    }
    if (cancel.load() || s.code() == absl::StatusCode::kCancelled) break;
    handler_->OnError(s);
    client_->clock()->SleepFor(backoff.Next());
  }
  return absl::CancelledError("reflector stopped");
}

}  // namespace k8s

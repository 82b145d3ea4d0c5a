#include "k8s/client.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "k8s/api_error.h"

namespace k8s {
namespace {

constexpr char kJson[] = "application/json";

void AddParam(std::string& q, const char* key, const std::string& value) {
  if (value.empty()) return;
  absl::StrAppend(&q, q.empty() ? "?" : "&", key, "=", QueryEscape(value));
}

std::string NameOf(const nlohmann::json& obj) {
  if (!obj.is_object()) return "";
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto n = m->find("name");
  return n != m->end() && n->is_string() ? n->get<std::string>() : "";
}

bool Retryable(int status, bool idempotent, bool has_retry_after) {
  if (status == 429) return true;
  if (status == 500 || status == 502 || status == 503 || status == 504) {
    return idempotent || has_retry_after;
  }
  return false;
}

}  // namespace

std::string QueryEscape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Client::Client(HttpTransport* transport, ClientOptions options, Clock* clock)
    : transport_(transport),
      options_(std::move(options)),
      clock_(clock),
      limiter_(options_.qps, options_.burst, clock) {}

absl::StatusOr<nlohmann::json> Client::Send(HttpRequest req, bool idempotent) {
  req.timeout = options_.timeout;
  req.headers.emplace_back("Accept", kJson);
  req.headers.emplace_back("User-Agent", options_.user_agent);
  Backoff backoff(options_.retry);
  for (;;) {
    limiter_.Accept();
    absl::StatusOr<HttpResponse> resp = transport_->Do(req);
    absl::Duration wait = absl::ZeroDuration();
    bool retry = false;
    absl::Status err;
    if (!resp.ok()) {
      err = resp.status();
      // Never got an answer: safe to repeat. A timeout may have reached the
      // server, so only idempotent requests repeat then.
      retry = err.code() == absl::StatusCode::kUnavailable ||
              (err.code() == absl::StatusCode::kDeadlineExceeded && idempotent);
    } else {
      err = StatusFromResponse(*resp);
      if (err.ok()) {
        if (resp->body.empty()) return nlohmann::json::object();
        nlohmann::json j = nlohmann::json::parse(resp->body, nullptr, false);
        if (j.is_discarded()) {
          return absl::InternalError(absl::StrCat(req.method, " ", req.path,
                                                  ": response is not JSON"));
        }
        return j;
      }
      std::string retry_after = resp->Header("retry-after");
      int64_t secs = 0;
      bool has_ra = !retry_after.empty() && absl::SimpleAtoi(retry_after, &secs) && secs >= 0;
      retry = Retryable(resp->status, idempotent, has_ra);
      if (has_ra) wait = std::min(absl::Seconds(secs), options_.max_retry_after);
    }
    if (!retry || backoff.Exhausted()) return err;
    absl::Duration b = backoff.Next();
    clock_->SleepFor(std::max(wait, b));
  }
}

absl::StatusOr<nlohmann::json> Client::Get(const Resource& r, const std::string& ns,
                                           const std::string& name) {
  HttpRequest req;
  req.path = r.Path(ns, name);
  return Send(std::move(req), true);
}

absl::StatusOr<nlohmann::json> Client::List(const Resource& r, const std::string& ns,
                                            const ListOptions& opts) {
  nlohmann::json out;
  std::string cont;
  for (;;) {
    std::string q;
    AddParam(q, "labelSelector", opts.label_selector);
    AddParam(q, "fieldSelector", opts.field_selector);
    if (opts.limit > 0) AddParam(q, "limit", std::to_string(opts.limit));
    if (cont.empty()) {
      AddParam(q, "resourceVersion", opts.resource_version);
      AddParam(q, "resourceVersionMatch", opts.resource_version_match);
    } else {
      AddParam(q, "continue", cont);
    }
    HttpRequest req;
    req.path = r.Path(ns) + q;
    absl::StatusOr<nlohmann::json> page = Send(std::move(req), true);
    if (!page.ok()) return page.status();
    if (!page->is_object()) return absl::InternalError("list: response is not an object");
    nlohmann::json items = page->value("items", nlohmann::json::array());
    if (!items.is_array()) items = nlohmann::json::array();
    cont.clear();
    if (auto m = page->find("metadata"); m != page->end() && m->is_object()) {
      if (auto c = m->find("continue"); c != m->end() && c->is_string()) {
        cont = c->get<std::string>();
      }
    }
    if (out.is_null()) {
      out = std::move(*page);
      out["items"] = std::move(items);
    } else {
      for (auto& it : items) out["items"].push_back(std::move(it));
    }
    if (cont.empty()) {
      if (out.contains("metadata") && out["metadata"].is_object()) {
        out["metadata"].erase("remainingItemCount");
        out["metadata"].erase("continue");
      }
      return out;
    }
  }
}

absl::StatusOr<nlohmann::json> Client::Write(const std::string& method, std::string path,
                                             const std::string& content_type,
                                             const nlohmann::json& body, const WriteOptions& w,
                                             bool idempotent, const std::string& extra_query) {
  std::string q = extra_query;
  AddParam(q, "fieldManager", w.field_manager);
  if (w.dry_run) AddParam(q, "dryRun", "All");
  HttpRequest req;
  req.method = method;
  req.path = std::move(path) + q;
  req.headers.emplace_back("Content-Type", content_type);
  req.body = body.dump();
  return Send(std::move(req), idempotent);
}

absl::StatusOr<nlohmann::json> Client::Create(const Resource& r, const std::string& ns,
                                              const nlohmann::json& obj, const WriteOptions& w) {
  return Write("POST", r.Path(ns), kJson, obj, w, false);
}

absl::StatusOr<nlohmann::json> Client::Update(const Resource& r, const std::string& ns,
                                              const nlohmann::json& obj, const WriteOptions& w) {
  std::string name = NameOf(obj);
  if (name.empty()) return absl::InvalidArgumentError("update: object has no metadata.name");
  return Write("PUT", r.Path(ns, name), kJson, obj, w, true);
}

absl::StatusOr<nlohmann::json> Client::UpdateStatus(const Resource& r, const std::string& ns,
                                                    const nlohmann::json& obj,
                                                    const WriteOptions& w) {
  std::string name = NameOf(obj);
  if (name.empty()) return absl::InvalidArgumentError("update status: object has no metadata.name");
  return Write("PUT", r.Path(ns, name, "status"), kJson, obj, w, true);
}

absl::StatusOr<nlohmann::json> Client::MergePatch(const Resource& r, const std::string& ns,
                                                  const std::string& name,
                                                  const nlohmann::json& patch,
                                                  const WriteOptions& w,
                                                  const std::string& subresource) {
  return Write("PATCH", r.Path(ns, name, subresource), "application/merge-patch+json", patch, w,
               true);
}

absl::StatusOr<nlohmann::json> Client::Apply(const Resource& r, const std::string& ns,
                                             const nlohmann::json& obj, const WriteOptions& w,
                                             bool force, const std::string& subresource) {
  if (w.field_manager.empty()) return absl::InvalidArgumentError("apply: field manager required");
  std::string name = NameOf(obj);
  if (name.empty()) return absl::InvalidArgumentError("apply: object has no metadata.name");
  return Write("PATCH", r.Path(ns, name, subresource), "application/apply-patch+yaml", obj, w,
               true, force ? "?force=true" : "");
}

absl::Status Client::Delete(const Resource& r, const std::string& ns, const std::string& name,
                            const DeleteOptions& opts) {
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (opts.precondition_uid) body["preconditions"]["uid"] = *opts.precondition_uid;
  if (opts.precondition_resource_version) {
    body["preconditions"]["resourceVersion"] = *opts.precondition_resource_version;
  }
  if (opts.grace_period_seconds) body["gracePeriodSeconds"] = *opts.grace_period_seconds;
  if (!opts.propagation_policy.empty()) body["propagationPolicy"] = opts.propagation_policy;
  return Write("DELETE", r.Path(ns, name), kJson, body, {}, true).status();
}

absl::Status Client::WatchRaw(const Resource& r, const std::string& ns, const WatchOptions& opts,
                              const std::function<bool(std::string_view)>& on_chunk,
                              const std::atomic<bool>* cancel) {
  std::string q = "?watch=true";
  AddParam(q, "labelSelector", opts.label_selector);
  AddParam(q, "fieldSelector", opts.field_selector);
  AddParam(q, "resourceVersion", opts.resource_version);
  if (opts.allow_bookmarks) AddParam(q, "allowWatchBookmarks", "true");
  if (opts.timeout_seconds > 0) AddParam(q, "timeoutSeconds", std::to_string(opts.timeout_seconds));
  HttpRequest req;
  req.path = r.Path(ns) + q;
  req.headers.emplace_back("Accept", kJson);
  req.headers.emplace_back("User-Agent", options_.user_agent);
  req.timeout = opts.timeout_seconds > 0 ? absl::Seconds(opts.timeout_seconds + 30)
                                         : absl::ZeroDuration();
  req.cancel = cancel;
  limiter_.Accept();
  absl::StatusOr<HttpResponse> resp = transport_->Stream(req, on_chunk);
  if (!resp.ok()) return resp.status();
  return StatusFromResponse(*resp);
}

absl::StatusOr<nlohmann::json> Client::GetPath(const std::string& path) {
  HttpRequest req;
  req.path = path;
  return Send(std::move(req), true);
}

absl::Status RetryOnConflict(const std::function<absl::Status()>& fn, Clock* clock,
                             BackoffOptions options) {
  Backoff backoff(options);
  for (;;) {
    absl::Status s = fn();
    if (!IsConflict(s) || backoff.Exhausted()) return s;
    clock->SleepFor(backoff.Next());
  }
}

}  // namespace k8s

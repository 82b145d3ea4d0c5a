#include "k8s/fake_apiserver.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace k8s {

struct FakeApiServer::Target {
  std::string group, version, resource, ns, name, sub;
  std::map<std::string, std::string> query;
  bool ok = false;

  std::string Collection() const { return group + "/" + resource; }
  std::string Key(const std::string& n) const { return Collection() + "|" + ns + "|" + n; }
  std::string Qualified() const { return group.empty() ? resource : resource + "." + group; }
  std::string Q(const std::string& k) const {
    auto it = query.find(k);
    return it == query.end() ? "" : it->second;
  }
};

namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      if (std::sscanf(std::string(s.substr(i + 1, 2)).c_str(), "%2x", &v) == 1) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

FakeApiServer::Target ParseTarget(const std::string& full) {
  FakeApiServer::Target t;
  std::string_view path = full;
  if (size_t q = path.find('?'); q != std::string_view::npos) {
    for (absl::string_view kv : absl::StrSplit(absl::string_view(full).substr(q + 1), '&')) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      t.query[Unescape(p.first)] = Unescape(p.second);
    }
    path = path.substr(0, q);
  }
  std::vector<std::string> segs = absl::StrSplit(absl::string_view(path.data(), path.size()), '/',
                                                 absl::SkipEmpty());
  size_t i = 0;
  if (segs.size() >= 2 && segs[0] == "api") {
    t.version = segs[1];
    i = 2;
  } else if (segs.size() >= 3 && segs[0] == "apis") {
    t.group = segs[1];
    t.version = segs[2];
    i = 3;
  } else {
    return t;
  }
  if (segs.size() - i >= 3 && segs[i] == "namespaces") {
    t.ns = segs[i + 1];
    i += 2;
  }
  if (i >= segs.size()) return t;
  t.resource = segs[i++];
  if (i < segs.size()) t.name = segs[i++];
  if (i < segs.size()) t.sub = segs[i++];
  t.ok = i == segs.size();
  return t;
}

nlohmann::json StatusBody(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason}, {"code", code}};
}

HttpResponse JsonResponse(int code, const nlohmann::json& j) {
  HttpResponse r;
  r.status = code;
  r.headers["content-type"] = "application/json";
  r.body = j.dump();
  return r;
}

HttpResponse Error(int code, const std::string& reason, const std::string& message) {
  return JsonResponse(code, StatusBody(code, reason, message));
}

bool HasStatusSubresource(const std::string& resource) {
  static const char* kWith[] = {"resourceclaims", "pods", "nodes", "daemonsets", "deployments",
                                "computedomains"};
  return std::find(std::begin(kWith), std::end(kWith), resource) != std::end(kWith);
}

std::string JsonString(const nlohmann::json& j, const nlohmann::json::json_pointer& p) {
  if (!j.contains(p)) return "";
  const nlohmann::json& v = j.at(p);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Equality-based selectors: "a=b,c!=d,e" (labels) or "spec.nodeName=x".
bool Matches(const nlohmann::json& obj, const std::string& selector, bool labels) {
  if (selector.empty()) return true;
  for (absl::string_view term : absl::StrSplit(selector, ',', absl::SkipEmpty())) {
    bool negate = false;
    std::string key, value;
    bool exists_only = false;
    if (size_t p = term.find("!="); p != absl::string_view::npos) {
      negate = true;
      key = std::string(term.substr(0, p));
      value = std::string(term.substr(p + 2));
    } else if (size_t p = term.find('='); p != absl::string_view::npos) {
      key = std::string(term.substr(0, p));
      value = std::string(term.substr(term[p + 1] == '=' ? p + 2 : p + 1));
    } else {
      key = std::string(term);
      exists_only = true;
    }
    std::string got;
    bool present;
    if (labels) {
      const nlohmann::json* l = nullptr;
      if (obj.contains("metadata") && obj["metadata"].contains("labels")) l = &obj["metadata"]["labels"];
      present = l && l->contains(key);
      got = present ? (*l)[key].get<std::string>() : "";
    } else {
      std::string ptr = "/" + key;
      std::replace(ptr.begin(), ptr.end(), '.', '/');
      nlohmann::json::json_pointer jp(ptr);
      present = obj.contains(jp);
      got = JsonString(obj, jp);
    }
    if (exists_only) {
      if (!present) return false;
    } else if ((got == value) == negate) {
      return false;
    }
  }
  return true;
}

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

}  // namespace

FakeApiServer::FakeApiServer() = default;
FakeApiServer::~FakeApiServer() = default;

void FakeApiServer::FailNext(int n, int http_status, const std::string& reason,
                             const std::string& retry_after) {
  absl::MutexLock l(&mu_);
  fail_n_ = n;
  fail_status_ = http_status;
  fail_reason_ = reason;
  fail_retry_after_ = retry_after;
}

void FakeApiServer::set_drop_watch_after_n_events(int n) {
  absl::MutexLock l(&mu_);
  drop_after_ = n;
}

void FakeApiServer::CloseWatches() {
  absl::MutexLock l(&mu_);
  ++close_gen_;
  cv_.SignalAll();
}

void FakeApiServer::Compact() {
  absl::MutexLock l(&mu_);
  history_.clear();
  compacted_rv_ = rv_;
}

void FakeApiServer::ExpireNextWatch() {
  absl::MutexLock l(&mu_);
  expire_next_watch_ = true;
}

void FakeApiServer::SendBookmarks() {
  absl::MutexLock l(&mu_);
  ++bookmark_gen_;
  cv_.SignalAll();
}

void FakeApiServer::set_resource_versions(std::vector<std::string> versions) {
  absl::MutexLock l(&mu_);
  resource_versions_ = std::move(versions);
}

void FakeApiServer::set_server_version(const std::string& v) {
  absl::MutexLock l(&mu_);
  git_version_ = v;
}

void FakeApiServer::set_validator(
    std::function<absl::Status(const std::string&, const nlohmann::json&)> v) {
  absl::MutexLock l(&mu_);
  validator_ = std::move(v);
}

int64_t FakeApiServer::resource_version() {
  absl::MutexLock l(&mu_);
  return rv_;
}

std::vector<FakeApiServer::LoggedRequest> FakeApiServer::requests() {
  absl::MutexLock l(&mu_);
  return log_;
}

void FakeApiServer::ClearRequests() {
  absl::MutexLock l(&mu_);
  log_.clear();
}

int FakeApiServer::open_watches() {
  absl::MutexLock l(&mu_);
  return open_watches_;
}

nlohmann::json FakeApiServer::Seed(const std::string& path, nlohmann::json obj) {
  absl::MutexLock l(&mu_);
  Target t = ParseTarget(path);
  HttpResponse r = Create(t, std::move(obj), false);
  return nlohmann::json::parse(r.body);
}

bool FakeApiServer::TakeFault(HttpResponse* resp, absl::Status* err) {
  if (fail_n_ <= 0) return false;
  --fail_n_;
  if (fail_status_ == 0) {
    *err = absl::UnavailableError("fake: connection refused");
  } else {
    *resp = Error(fail_status_, fail_reason_, "fake: injected failure");
    if (!fail_retry_after_.empty()) resp->headers["retry-after"] = fail_retry_after_;
  }
  return true;
}

void FakeApiServer::Record(const std::string& type, const Target& t, const nlohmann::json& obj) {
  std::string ns = obj.value("/metadata/namespace"_json_pointer, std::string());
  history_.push_back({rv_, type, t.Collection(), ns, obj});
  cv_.SignalAll();
}

absl::Status FakeApiServer::Validate(const Target& t, const nlohmann::json& obj) {
  if (t.resource == "resourceslices") {
    const nlohmann::json* devices = nullptr;
    if (obj.contains("spec") && obj["spec"].is_object() && obj["spec"].contains("devices")) {
      devices = &obj["spec"]["devices"];
    }
    if (devices && devices->is_array() && devices->size() > 128) {
      return absl::InvalidArgumentError(absl::StrCat("spec.devices: Too many: ", devices->size(),
                                                     ": must have at most 128 items"));
    }
  }
  if (validator_) return validator_(t.resource, obj);
  return absl::OkStatus();
}

HttpResponse FakeApiServer::Create(const Target& t, nlohmann::json obj, bool dry_run) {
  if (!obj.is_object()) return Error(400, "BadRequest", "the body of the request was not an object");
  nlohmann::json& meta = obj["metadata"];
  if (!meta.is_object()) meta = nlohmann::json::object();
  std::string name = meta.value("name", "");
  if (name.empty()) {
    std::string gen = meta.value("generateName", "");
    if (gen.empty()) {
      return Error(422, "Invalid", absl::StrCat(obj.value("kind", ""), ".", t.group,
                                                " \"\" is invalid: metadata.name: Required value: "
                                                "name or generateName is required"));
    }
    static const char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t x = static_cast<uint64_t>(rv_ * 2654435761u + uid_seq_);
    name = gen;
    for (int i = 0; i < 5; ++i, x /= 27) name.push_back(kAlnum[x % 27]);
    meta["name"] = name;
  }
  std::string key = t.Key(name);
  if (objects_.count(key)) {
    return Error(409, "AlreadyExists",
                 absl::StrCat(t.Qualified(), " \"", name, "\" already exists"));
  }
  if (absl::Status v = Validate(t, obj); !v.ok()) {
    return Error(422, "Invalid", absl::StrCat(obj.value("kind", ""), ".", t.group, " \"", name,
                                              "\" is invalid: ", v.message()));
  }
  if (!t.ns.empty()) meta["namespace"] = t.ns;
  char uid[64];
  std::snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012lld",
                static_cast<long long>(++uid_seq_));
  meta["uid"] = uid;
  meta["creationTimestamp"] = NowRfc3339();
  meta["generation"] = 1;
  meta.erase("resourceVersion");
  if (dry_run) return JsonResponse(201, obj);
  meta["resourceVersion"] = std::to_string(++rv_);
  objects_[key] = obj;
  Record("ADDED", t, obj);
  return JsonResponse(201, obj);
}

HttpResponse FakeApiServer::Handle(const HttpRequest& req) {
  std::string path = req.path.substr(0, req.path.find('?'));
  if (path == "/version") {
    std::string major = "1", minor;
    std::vector<std::string> parts = absl::StrSplit(git_version_, '.');
    minor = parts.size() > 1 ? parts[1] : "0";
    return JsonResponse(200, {{"major", major}, {"minor", minor}, {"gitVersion", git_version_},
                              {"platform", "linux/amd64"}});
  }
  auto group_json = [&](const std::string& name, const std::vector<std::string>& versions) {
    nlohmann::json g = {{"name", name}, {"versions", nlohmann::json::array()}};
    for (const auto& v : versions) {
      g["versions"].push_back({{"groupVersion", name + "/" + v}, {"version", v}});
    }
    if (!versions.empty()) g["preferredVersion"] = g["versions"][0];
    return g;
  };
  if (path == "/apis") {
    nlohmann::json list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", nlohmann::json::array()}};
    list["groups"].push_back(group_json("apps", {"v1"}));
    list["groups"].push_back(group_json("events.k8s.io", {"v1"}));
    list["groups"].push_back(group_json("coordination.k8s.io", {"v1"}));
    if (!resource_versions_.empty()) {
      list["groups"].push_back(group_json("resource.k8s.io", resource_versions_));
    }
    return JsonResponse(200, list);
  }
  if (path == "/apis/resource.k8s.io") {
    if (resource_versions_.empty()) return HttpResponse{404, {}, "404 page not found\n"};
    nlohmann::json g = group_json("resource.k8s.io", resource_versions_);
    g["kind"] = "APIGroup";
    g["apiVersion"] = "v1";
    return JsonResponse(200, g);
  }
  Target t = ParseTarget(req.path);
  if (!t.ok && t.resource.empty()) return HttpResponse{404, {}, "404 page not found\n"};
  if (t.group == "resource.k8s.io" &&
      std::find(resource_versions_.begin(), resource_versions_.end(), t.version) ==
          resource_versions_.end()) {
    return HttpResponse{404, {}, "404 page not found\n"};
  }
  bool dry_run = t.Q("dryRun") == "All";
  nlohmann::json body;
  if (!req.body.empty()) {
    body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return Error(400, "BadRequest", "the body of the request was not JSON");
  }
  auto not_found = [&](const std::string& name) {
    return Error(404, "NotFound", absl::StrCat(t.Qualified(), " \"", name, "\" not found"));
  };
  auto conflict = [&](const std::string& name) {
    return Error(409, "Conflict",
                 absl::StrCat("Operation cannot be fulfilled on ", t.Qualified(), " \"", name,
                              "\": the object has been modified; please apply your changes to "
                              "the latest version and try again"));
  };
  // Stores `next` as the new state of `key` after validation.
  auto store = [&](const std::string& key, const nlohmann::json& old, nlohmann::json next,
                   bool status_only) -> HttpResponse {
    std::string name = old["metadata"]["name"];
    next["metadata"]["name"] = name;
    for (const char* f : {"uid", "creationTimestamp", "namespace"}) {
      if (old["metadata"].contains(f)) next["metadata"][f] = old["metadata"][f];
    }
    int64_t gen = old["metadata"].value("generation", 1);
    if (!status_only && old.value("spec", nlohmann::json()) != next.value("spec", nlohmann::json())) ++gen;
    next["metadata"]["generation"] = gen;
    if (absl::Status v = Validate(t, next); !v.ok()) {
      return Error(422, "Invalid", absl::StrCat(next.value("kind", ""), ".", t.group, " \"", name,
                                                "\" is invalid: ", v.message()));
    }
    if (dry_run) return JsonResponse(200, next);
    next["metadata"]["resourceVersion"] = std::to_string(++rv_);
    objects_[key] = next;
    Record("MODIFIED", t, next);
    return JsonResponse(200, next);
  };

  if (req.method == "GET") {
    if (!t.name.empty()) {
      auto it = objects_.find(t.Key(t.name));
      if (it == objects_.end()) return not_found(t.name);
      return JsonResponse(200, it->second);
    }
    nlohmann::json items = nlohmann::json::array();
    std::string prefix = t.Collection() + "|";
    for (const auto& [k, v] : objects_) {
      if (k.rfind(prefix, 0) != 0) continue;
      if (!t.ns.empty() && v["metadata"].value("namespace", "") != t.ns) continue;
      if (!Matches(v, t.Q("labelSelector"), true) || !Matches(v, t.Q("fieldSelector"), false)) continue;
      items.push_back(v);
    }
    size_t offset = 0, limit = 0;
    if (!t.Q("continue").empty()) {
      std::pair<std::string, std::string> c = absl::StrSplit(t.Q("continue"), ':');
      int64_t crv = 0;
      absl::SimpleAtoi(c.second, &crv);
      if (crv < compacted_rv_) {
        return Error(410, "Expired", "The provided continue parameter is too old to display a "
                                     "consistent list result. You can start a new list without "
                                     "the continue parameter.");
      }
      absl::SimpleAtoi(c.first, &offset);
    }
    absl::SimpleAtoi(t.Q("limit"), &limit);
    nlohmann::json page = nlohmann::json::array();
    for (size_t i = offset; i < items.size() && (limit == 0 || page.size() < limit); ++i) {
      page.push_back(items[i]);
    }
    std::string kind = items.empty() ? "List" : items[0].value("kind", "") + "List";
    nlohmann::json list = {{"kind", kind},
                           {"apiVersion", t.group.empty() ? t.version : t.group + "/" + t.version},
                           {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                           {"items", page}};
    if (offset + page.size() < items.size()) {
      list["metadata"]["continue"] = absl::StrCat(offset + page.size(), ":", rv_);
      list["metadata"]["remainingItemCount"] = items.size() - offset - page.size();
    }
    return JsonResponse(200, list);
  }
  if (req.method == "POST") return Create(t, std::move(body), dry_run);

  std::string key = t.Key(t.name);
  auto it = objects_.find(key);
  if (req.method == "PUT") {
    if (it == objects_.end()) return not_found(t.name);
    if (!body.is_object()) return Error(400, "BadRequest", "the body of the request was not an object");
    std::string want = body.value("/metadata/resourceVersion"_json_pointer, std::string());
    if (!want.empty() && want != it->second["metadata"]["resourceVersion"]) return conflict(t.name);
    nlohmann::json next;
    if (t.sub == "status") {
      next = it->second;
      if (body.contains("status")) next["status"] = body["status"];
      else next.erase("status");
    } else {
      next = body;
      if (HasStatusSubresource(t.resource)) {
        if (it->second.contains("status")) next["status"] = it->second["status"];
        else next.erase("status");
      }
    }
    return store(key, it->second, std::move(next), t.sub == "status");
  }
  if (req.method == "PATCH") {
    std::string ct;
    for (const auto& [k, v] : req.headers) {
      std::string lk = k;
      std::transform(lk.begin(), lk.end(), lk.begin(), ::tolower);
      if (lk == "content-type") ct = v;
    }
    if (ct == "application/apply-patch+yaml") {
      if (t.Q("fieldManager").empty()) {
        return Error(400, "BadRequest", "PATCH, fieldManager is required for apply requests");
      }
      if (it == objects_.end()) return Create(t, std::move(body), dry_run);
    } else if (ct != "application/merge-patch+json") {
      return Error(415, "UnsupportedMediaType", "the fake supports only merge and apply patches");
    }
    if (it == objects_.end()) return not_found(t.name);
    std::string want = body.value("/metadata/resourceVersion"_json_pointer, std::string());
    if (!want.empty() && want != it->second["metadata"]["resourceVersion"]) return conflict(t.name);
    nlohmann::json next = it->second;
    if (t.sub == "status") {
      nlohmann::json patch = {{"status", body.value("status", nlohmann::json())}};
      next.merge_patch(patch);
    } else {
      next.merge_patch(body);
      if (HasStatusSubresource(t.resource)) {
        if (it->second.contains("status")) next["status"] = it->second["status"];
        else next.erase("status");
      }
    }
    next["metadata"].erase("resourceVersion");
    return store(key, it->second, std::move(next), t.sub == "status");
  }
  if (req.method == "DELETE") {
    if (it == objects_.end()) return not_found(t.name);
    const nlohmann::json& meta = it->second["metadata"];
    if (body.is_object() && body.contains("preconditions")) {
      const nlohmann::json& pre = body["preconditions"];
      // The real server's wording (Kind.group, not resource.group).
      std::string what = absl::StrCat("Operation cannot be fulfilled on ",
                                      it->second.value("kind", ""), ".", t.group, " \"", t.name,
                                      "\": ");
      if (pre.contains("uid") && pre["uid"] != meta["uid"]) {
        return Error(409, "Conflict",
                     absl::StrCat(what, "the UID in the precondition (",
                                  pre["uid"].get<std::string>(), ") does not match the UID in record (",
                                  meta["uid"].get<std::string>(),
                                  "). The object might have been deleted and then recreated"));
      }
      if (pre.contains("resourceVersion") && pre["resourceVersion"] != meta["resourceVersion"]) {
        return Error(409, "Conflict",
                     absl::StrCat(what, "the ResourceVersion in the precondition (",
                                  pre["resourceVersion"].get<std::string>(),
                                  ") does not match the ResourceVersion in record (",
                                  meta["resourceVersion"].get<std::string>(),
                                  "). The object might have been modified"));
      }
    }
    nlohmann::json obj = it->second;
    if (dry_run) return JsonResponse(200, obj);
    objects_.erase(it);
    obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
    Record("DELETED", t, obj);
    return JsonResponse(200, obj);
  }
  return Error(405, "MethodNotAllowed", "method not allowed");
}

absl::StatusOr<HttpResponse> FakeApiServer::Do(const HttpRequest& req) {
  absl::MutexLock l(&mu_);
  std::string ct;
  for (const auto& [k, v] : req.headers) {
    if (k == "Content-Type") ct = v;
  }
  log_.push_back({req.method, req.path, ct, req.body});
  HttpResponse fault;
  absl::Status err;
  if (TakeFault(&fault, &err)) {
    if (!err.ok()) return err;
    return fault;
  }
  return Handle(req);
}

absl::StatusOr<HttpResponse> FakeApiServer::Stream(
    const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) {
  absl::MutexLock l(&mu_);
  log_.push_back({"WATCH", req.path, "", ""});
  HttpResponse fault;
  absl::Status err;
  if (TakeFault(&fault, &err)) {
    if (!err.ok()) return err;
    return fault;
  }
  Target t = ParseTarget(req.path);
  if (!t.ok || !t.name.empty() || t.Q("watch") != "true") {
    HttpRequest get = req;
    get.method = "GET";
    HttpResponse r = Handle(get);
    if (r.status < 300) return absl::InternalError("fake: Stream of a non-watch request");
    return r;
  }
  if (t.group == "resource.k8s.io" &&
      std::find(resource_versions_.begin(), resource_versions_.end(), t.version) ==
          resource_versions_.end()) {
    return HttpResponse{404, {}, "404 page not found\n"};
  }
  const bool bookmarks = t.Q("allowWatchBookmarks") == "true";
  const std::string api_version = t.group.empty() ? t.version : t.group + "/" + t.version;
  int64_t timeout_s = 0;
  absl::SimpleAtoi(t.Q("timeoutSeconds"), &timeout_s);
  const absl::Time deadline =
      timeout_s > 0 ? absl::Now() + absl::Seconds(timeout_s) : absl::InfiniteFuture();
  const std::string rv_param = t.Q("resourceVersion");
  int64_t cursor = 0;
  std::vector<std::string> pending;
  auto line = [](const std::string& type, const nlohmann::json& obj) {
    return nlohmann::json({{"type", type}, {"object", obj}}).dump() + "\n";
  };
  auto matches = [&](const std::string& coll, const std::string& ns, const nlohmann::json& o) {
    return coll == t.Collection() && (t.ns.empty() || ns == t.ns) &&
           Matches(o, t.Q("labelSelector"), true) && Matches(o, t.Q("fieldSelector"), false);
  };
  // A 410 Expired ERROR event for `cursor` (called with mu_ held).
  auto send_expired = [&] {
    nlohmann::json st = StatusBody(
        410, "Expired",
        absl::StrCat("too old resource version: ", cursor, " (", compacted_rv_, ")"));
    mu_.Unlock();
    on_chunk(line("ERROR", st));
    mu_.Lock();
  };
  if (rv_param.empty() || rv_param == "0") {
    cursor = rv_;
    std::string prefix = t.Collection() + "|";
    for (const auto& [k, v] : objects_) {
      if (k.rfind(prefix, 0) == 0 &&
          matches(t.Collection(), v["metadata"].value("namespace", ""), v)) {
        pending.push_back(line("ADDED", v));
      }
    }
  } else {
    if (!absl::SimpleAtoi(rv_param, &cursor)) {
      return Error(400, "BadRequest", "invalid resource version " + rv_param);
    }
    if (cursor < compacted_rv_ || expire_next_watch_) {
      expire_next_watch_ = false;
      send_expired();
      return HttpResponse{200, {}, ""};
    }
  }
  ++open_watches_;
  const int64_t close_gen = close_gen_;
  int64_t bookmark_gen = bookmark_gen_;
  int delivered = 0, chunk_no = 0;
  absl::StatusOr<HttpResponse> result = HttpResponse{200, {}, ""};
  for (;;) {
    if (cursor < compacted_rv_) {
      // Compact() dropped events this watch had not sent yet. A real API
      // server never skips events on an open watch: a watcher it cannot
      // serve any more is ended with 410 Gone and the client relists.
      send_expired();
      break;
    }
    for (const Event& e : history_) {
      if (e.rv > cursor && matches(e.collection, e.ns, e.object)) {
        pending.push_back(line(e.type, e.object));
      }
      if (e.rv > cursor) cursor = std::max(cursor, e.rv);
    }
    if (bookmarks && bookmark_gen != bookmark_gen_) {
      bookmark_gen = bookmark_gen_;
      pending.push_back(line("BOOKMARK", {{"kind", ""}, {"apiVersion", api_version},
                                          {"metadata", {{"resourceVersion", std::to_string(rv_)}}}}));
    }
    bool stop = false;
    if (!pending.empty()) {
      std::vector<std::string> out;
      out.swap(pending);
      int drop_after = drop_after_;
      mu_.Unlock();
      for (const std::string& s : out) {
        // Split every third event across two chunks to exercise framers.
        bool ok;
        if (++chunk_no % 3 == 0) {
          ok = on_chunk(std::string_view(s).substr(0, s.size() / 2)) &&
               on_chunk(std::string_view(s).substr(s.size() / 2));
        } else {
          ok = on_chunk(s);
        }
        if (!ok) {
          stop = true;
          break;
        }
        if (s.rfind("{\"object\"", 0) == 0 && s.find("\"type\":\"BOOKMARK\"") == std::string::npos) {
          ++delivered;
        }
        if (drop_after > 0 && delivered >= drop_after) {
          stop = true;
          break;
        }
      }
      mu_.Lock();
    }
    if (stop || close_gen != close_gen_) break;
    if (req.cancel && req.cancel->load()) {
      result = absl::CancelledError("watch cancelled");
      break;
    }
    if (absl::Now() >= deadline) break;
    cv_.WaitWithTimeout(&mu_, absl::Milliseconds(20));
  }
  --open_watches_;
  return result;
}

}  // namespace k8s

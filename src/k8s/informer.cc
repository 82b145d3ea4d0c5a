#include "k8s/informer.h"

#include <utility>

namespace k8s {

Informer::Informer(Client* client, Resource resource, std::string ns, ReflectorOptions opts)
    : reflector_(client, std::move(resource), std::move(ns), std::move(opts), this) {}

Informer::~Informer() { Stop(); }

void Informer::AddIndexer(const std::string& name, IndexFunc fn) {
  index_funcs_[name] = std::move(fn);
}

void Informer::AddHandlers(InformerHandlers h) { handlers_.push_back(std::move(h)); }

void Informer::Start() {
  if (thread_.joinable()) return;
  cancel_ = false;
  thread_ = std::thread([this] { (void)reflector_.Run(cancel_); });
}

void Informer::Stop() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Informer::HasSynced() const {
  absl::MutexLock l(&mu_);
  return synced_;
}

bool Informer::WaitForSync(absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto synced = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return synced_; };
  return mu_.AwaitWithTimeout(absl::Condition(&synced), timeout);
}

std::string Informer::KeyOf(const nlohmann::json& obj) {
  const nlohmann::json& m = obj.is_object() && obj.contains("metadata") ? obj["metadata"] : obj;
  if (!m.is_object()) return "";
  std::string name = m.value("name", "");
  std::string ns = m.value("namespace", "");
  return ns.empty() ? name : ns + "/" + name;
}

std::vector<std::string> Informer::IndexByPoolName(const nlohmann::json& obj) {
  const auto p = "/spec/pool/name"_json_pointer;
  if (obj.contains(p) && obj[p].is_string()) return {obj[p].get<std::string>()};
  return {};
}

std::vector<std::string> Informer::IndexByNamespace(const nlohmann::json& obj) {
  const auto p = "/metadata/namespace"_json_pointer;
  if (obj.contains(p) && obj[p].is_string()) return {obj[p].get<std::string>()};
  return {};
}

std::optional<nlohmann::json> Informer::Get(const std::string& key) const {
  absl::MutexLock l(&mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return it->second;
}

std::vector<nlohmann::json> Informer::List() const {
  absl::MutexLock l(&mu_);
  std::vector<nlohmann::json> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(v);
  return out;
}

std::vector<nlohmann::json> Informer::ByIndex(const std::string& index,
                                              const std::string& value) const {
  absl::MutexLock l(&mu_);
  std::vector<nlohmann::json> out;
  auto idx = indices_.find(index);
  if (idx == indices_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  for (const std::string& k : keys->second) out.push_back(items_.at(k));
  return out;
}

void Informer::Put(const std::string& key, const nlohmann::json* obj) {
  auto old = items_.find(key);
  for (const auto& [name, fn] : index_funcs_) {
    auto& index = indices_[name];
    if (old != items_.end()) {
      for (const std::string& v : fn(old->second)) {
        index[v].erase(key);
        if (index[v].empty()) index.erase(v);
      }
    }
    if (obj) {
      for (const std::string& v : fn(*obj)) index[v].insert(key);
    }
  }
  if (obj) {
    items_[key] = *obj;
  } else if (old != items_.end()) {
    items_.erase(old);
  }
}

void Informer::OnReplace(std::vector<nlohmann::json> items, const std::string& rv) {
  struct Change {
    int kind;  // 0 add, 1 update, 2 delete
    nlohmann::json old_obj, new_obj;
  };
  std::vector<Change> changes;
  {
    absl::MutexLock l(&mu_);
    std::set<std::string> seen;
    for (nlohmann::json& obj : items) {
      std::string key = KeyOf(obj);
      seen.insert(key);
      auto it = items_.find(key);
      if (it == items_.end()) {
        changes.push_back({0, {}, obj});
      } else if (it->second != obj) {
        changes.push_back({1, it->second, obj});
      }
      Put(key, &obj);
    }
    std::vector<std::string> gone;
    for (const auto& [k, v] : items_) {
      if (!seen.count(k)) gone.push_back(k);
    }
    for (const std::string& k : gone) {
      changes.push_back({2, items_[k], {}});
      Put(k, nullptr);
    }
    synced_ = true;
  }
  for (const Change& c : changes) {
    for (const InformerHandlers& h : handlers_) {
      if (c.kind == 0 && h.on_add) h.on_add(c.new_obj);
      if (c.kind == 1 && h.on_update) h.on_update(c.old_obj, c.new_obj);
      if (c.kind == 2 && h.on_delete) h.on_delete(c.old_obj);
    }
  }
}

void Informer::OnEvent(WatchEvent::Type type, nlohmann::json object) {
  std::string key = KeyOf(object);
  std::optional<nlohmann::json> old;
  {
    absl::MutexLock l(&mu_);
    auto it = items_.find(key);
    if (it != items_.end()) old = it->second;
    Put(key, type == WatchEvent::Type::kDeleted ? nullptr : &object);
  }
  for (const InformerHandlers& h : handlers_) {
    if (type == WatchEvent::Type::kDeleted) {
      if (h.on_delete) h.on_delete(object);
    } else if (old) {
      if (h.on_update) h.on_update(*old, object);
    } else if (h.on_add) {
      h.on_add(object);
    }
  }
}

}  // namespace k8s

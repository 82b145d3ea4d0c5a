#include "kubeletplugin/slice_sync.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "k8s/objects.h"
#include "k8s/resource.h"

namespace kubeletplugin {
namespace {

// Puts `what` in front of the message, keeping the code and payloads.
absl::Status Annotate(const absl::Status& s, const std::string& what) {
  absl::Status out(s.code(), absl::StrCat(what, ": ", s.message()));
  s.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

std::string NamesKey(const DesiredSlice& c) {
  std::vector<std::string> names;
  for (const devices::Device& d : c.devices) names.push_back(d.name);
  for (const k8s::CounterSet& s : c.shared_counters) names.push_back("counters/" + s.name);
  return absl::StrJoin(names, ",");
}

}  // namespace

struct PoolSyncer::Existing {
  k8s::ObjectMeta meta;
  std::optional<k8s::ResourceSlice> slice;  // nullopt: undecodable
};

PoolSyncer::PoolSyncer(k8s::Client* client, k8s::ApiVersion version, PoolIdentity id)
    : client_(client), version_(version), id_(std::move(id)) {}

std::string PoolSyncer::FieldSelector() const {
  return absl::StrCat("spec.driver=", id_.driver, ",spec.nodeName=", id_.node);
}

bool PoolSyncer::Equal(const DesiredSlice& stored, const DesiredSlice& desired) const {
  if (stored == desired) return true;
  auto it = adopted_.find(ContentKey(desired));
  return it != adopted_.end() && it->second == stored;
}

nlohmann::json PoolSyncer::Encode(const k8s::ObjectMeta& meta, const DesiredSlice& content,
                                  const k8s::ResourcePool& pool) const {
  k8s::ResourceSlice s;
  s.metadata = meta;
  k8s::OwnerReference owner;
  owner.api_version = "v1";
  owner.kind = "Node";
  owner.name = id_.node;
  owner.uid = id_.node_uid;
  owner.controller = true;
  s.metadata.owner_references = {owner};
  s.spec = MakeSliceSpec(content, id_.driver, id_.node, pool);
  return k8s::ToJson(s, version_);
}

absl::Status PoolSyncer::Write(bool create, const nlohmann::json& obj, const DesiredSlice& content,
                               PoolSyncResult* r, const PoolSyncHooks& hooks) {
  const k8s::Resource res = k8s::ResourceSlices(k8s::ApiVersionName(version_));
  absl::StatusOr<nlohmann::json> stored =
      create ? client_->Create(res, "", obj) : client_->Update(res, "", obj);
  const std::string name = obj["metadata"].value("name", obj["metadata"].value("generateName", ""));
  if (!stored.ok()) {
    return Annotate(stored.status(),
                    absl::StrCat(create ? "create" : "update", " ResourceSlice ", name));
  }
  create ? ++r->created : ++r->updated;
  if (hooks.after_write) hooks.after_write(create ? "create" : "update");
  absl::StatusOr<k8s::ResourceSlice> back = k8s::ResourceSliceFromJson(*stored, version_);
  if (!back.ok()) return Annotate(back.status(), "decode stored ResourceSlice " + name);
  r->names.insert(back->metadata.name);
  DesiredSlice got = ContentOf(back->spec);
  if (!(got == content)) {
    std::string key = ContentKey(content);
    if (!adopted_.contains(key)) {
      r->dropped_field_warnings.push_back(absl::StrCat(
          "ResourceSlice ", back->metadata.name,
          ": the API server stored it with fields dropped or changed (a feature gate may be "
          "off); keeping the stored form"));
    }
    adopted_[key] = std::move(got);
  }
  return absl::OkStatus();
}

absl::StatusOr<PoolSyncResult> PoolSyncer::Sync(const std::vector<DesiredSlice>& desired,
                                                const PoolSyncHooks& hooks) {
  const k8s::Resource res = k8s::ResourceSlices(k8s::ApiVersionName(version_));
  k8s::ListOptions lo;
  lo.field_selector = FieldSelector();
  absl::StatusOr<nlohmann::json> list = client_->List(res, "", lo);
  if (!list.ok()) return Annotate(list.status(), "list ResourceSlices");

  // This driver's slices on this node (the selector is re-checked here).
  std::vector<Existing> ours, obsolete;
  for (const nlohmann::json& item : list->value("items", nlohmann::json::array())) {
    const nlohmann::json spec = item.value("spec", nlohmann::json::object());
    if (!spec.is_object() || spec.value("driver", "") != id_.driver ||
        spec.value("nodeName", "") != id_.node) {
      continue;
    }
    absl::StatusOr<k8s::ObjectMeta> meta =
        k8s::MetaFromJson(item.value("metadata", nlohmann::json::object()));
    if (!meta.ok() || meta->name.empty()) continue;
    Existing e{*meta, std::nullopt};
    absl::StatusOr<k8s::ResourceSlice> s = k8s::ResourceSliceFromJson(item, version_);
    if (s.ok() && s->spec.pool.name == id_.node && !HasForeignPlacement(s->spec)) {
      e.slice = std::move(*s);
      ours.push_back(std::move(e));
    } else {
      obsolete.push_back(std::move(e));  // another pool, or unreadable
    }
  }
  std::sort(ours.begin(), ours.end(),
            [](const Existing& a, const Existing& b) { return a.meta.name < b.meta.name; });

  int64_t gen = 0;
  for (const Existing& e : ours) gen = std::max(gen, e.slice->spec.pool.generation);
  std::vector<Existing> current;
  for (Existing& e : ours) {
    (e.slice->spec.pool.generation < gen ? obsolete : current).push_back(std::move(e));
  }

  const int64_t count = static_cast<int64_t>(desired.size());
  // Exact match: every current slice equals a distinct desired one.
  std::vector<int> match(desired.size(), -1);  // desired -> current index
  bool exact = !current.empty();
  for (size_t i = 0; exact && i < current.size(); ++i) {
    const k8s::ResourceSliceSpec& spec = current[i].slice->spec;
    bool found = false;
    for (size_t j = 0; j < desired.size() && !found; ++j) {
      if (match[j] < 0 && spec.pool.resource_slice_count == count &&
          Equal(ContentOf(spec), desired[j])) {
        match[j] = static_cast<int>(i);
        found = true;
      }
    }
    exact = found;
  }

  std::vector<std::pair<int, size_t>> updates;  // (current index, desired index)
  std::vector<size_t> creates;
  std::vector<const Existing*> deletes;
  for (const Existing& e : obsolete) deletes.push_back(&e);
  int64_t new_gen = gen;
  if (exact) {
    for (size_t j = 0; j < desired.size(); ++j) {
      if (match[j] < 0) creates.push_back(j);
    }
  } else {
    // The content changed: a new generation, every slice rewritten.
    // Existing slices are reused, preferring those with the same names.
    new_gen = gen + 1;
    std::fill(match.begin(), match.end(), -1);
    std::vector<bool> used(current.size(), false);
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t j = 0; j < desired.size(); ++j) {
        for (size_t i = 0; i < current.size() && match[j] < 0; ++i) {
          if (used[i]) continue;
          if (pass == 0 && NamesKey(ContentOf(current[i].slice->spec)) != NamesKey(desired[j])) {
            continue;
          }
          used[i] = true;
          match[j] = static_cast<int>(i);
        }
      }
    }
    for (size_t j = 0; j < desired.size(); ++j) {
      if (match[j] >= 0) {
        updates.emplace_back(match[j], j);
      } else {
        creates.push_back(j);
      }
    }
    for (size_t i = 0; i < current.size(); ++i) {
      if (!used[i]) deletes.push_back(&current[i]);
    }
  }

  PoolSyncResult r;
  r.generation = new_gen;
  if (exact) {
    for (size_t j = 0; j < desired.size(); ++j) {
      if (match[j] >= 0) r.names.insert(current[match[j]].meta.name);
    }
  }
  // Obsolete slices go first, so consumers never see two generations' worth.
  for (const Existing* e : deletes) {
    if (hooks.before_delete) hooks.before_delete(e->meta.name);
    k8s::DeleteOptions d;
    d.precondition_uid = e->meta.uid;
    d.precondition_resource_version = e->meta.resource_version;
    absl::Status s = client_->Delete(res, "", e->meta.name, d);
    if (!s.ok() && !absl::IsNotFound(s)) {
      return Annotate(s, "delete ResourceSlice " + e->meta.name);
    }
    if (s.ok()) {
      ++r.deleted;
      if (hooks.after_write) hooks.after_write("delete");
    }
  }
  const k8s::ResourcePool pool{id_.node, new_gen, count};
  for (const auto& [i, j] : updates) {
    k8s::ObjectMeta meta = current[i].meta;
    if (absl::Status s = Write(false, Encode(meta, desired[j], pool), desired[j], &r, hooks);
        !s.ok()) {
      return s;
    }
  }
  for (size_t j : creates) {
    k8s::ObjectMeta meta;
    meta.generate_name = absl::StrCat(id_.node, "-", id_.driver, "-");
    if (absl::Status s = Write(true, Encode(meta, desired[j], pool), desired[j], &r, hooks);
        !s.ok()) {
      return s;
    }
  }
  return r;
}

}  // namespace kubeletplugin

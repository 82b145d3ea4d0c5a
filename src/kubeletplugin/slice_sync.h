// slice_sync.h: one reconcile pass of a node-local ResourceSlice pool
// against the API server (the algorithm is described in
// slice_publisher.h): list this driver's slices on the node, delete
// foreign-pool, obsolete and surplus ones, update changed ones, create
// missing ones, bumping the pool generation when the content changed.
//
// Used by SlicePublisher on its thread. Thread-compatible: one pass at a
// time (it remembers which stored forms it adopted after the server
// dropped fields).
#ifndef DRA_KUBELETPLUGIN_SLICE_SYNC_H_
#define DRA_KUBELETPLUGIN_SLICE_SYNC_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "k8s/client.h"
#include "k8s/resource_codec.h"
#include "kubeletplugin/slice_layout.h"

namespace kubeletplugin {

struct PoolIdentity {
  std::string driver;
  std::string node;      // node name = pool name
  std::string node_uid;  // owner reference
};

struct PoolSyncResult {
  int created = 0, updated = 0, deleted = 0;
  int64_t generation = 0;
  std::set<std::string> names;  // the pool's slices afterwards
  // Set when the server dropped fields of a written slice (gate off).
  std::vector<std::string> dropped_field_warnings;
};

struct PoolSyncHooks {
  // Called before each delete (so the caller can tell its own deletes
  // from others') and after each successful write ("create"/"update"/"delete").
  std::function<void(const std::string& name)> before_delete;
  std::function<void(const std::string& op)> after_write;
};

class PoolSyncer {
 public:
  // `client` is not owned and must outlive the syncer.
  PoolSyncer(k8s::Client* client, k8s::ApiVersion version, PoolIdentity id);

  // One pass towards `desired` (from LayoutSlices; non-empty). Stops at
  // the first failing request and returns its error, with the server's
  // message and payloads (k8s::HttpCodeOf/ReasonOf still work) and the
  // operation and slice in front.
  absl::StatusOr<PoolSyncResult> Sync(const std::vector<DesiredSlice>& desired,
                                      const PoolSyncHooks& hooks = {});

  // The field selector of this pool's slices.
  std::string FieldSelector() const;

 private:
  struct Existing;
  bool Equal(const DesiredSlice& stored, const DesiredSlice& desired) const;
  nlohmann::json Encode(const k8s::ObjectMeta& meta, const DesiredSlice& content,
                        const k8s::ResourcePool& pool) const;
  absl::Status Write(bool create, const nlohmann::json& obj, const DesiredSlice& content,
                     PoolSyncResult* r, const PoolSyncHooks& hooks);

  k8s::Client* const client_;
  const k8s::ApiVersion version_;
  const PoolIdentity id_;
  // ContentKey(desired) -> the stored content the server made of it.
  std::map<std::string, DesiredSlice> adopted_;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_SLICE_SYNC_H_

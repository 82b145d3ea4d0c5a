// informer.h: a shared-informer equivalent: a Reflector feeding a
// thread-safe cache of one resource (keyed "namespace/name", or "name" for
// cluster-scoped objects), with named indexers and add/update/delete
// handlers. A relist (after 410 Gone) is turned into the adds, updates and
// deletes that reconcile the cache, so handlers see every change once.
//
// Used by controllers (ResourceSlice publisher, ComputeDomain controller)
// and the kubelet plugin's claim lookups. Thread-safe: reads from any
// thread; handlers run on the informer's own thread, never under its lock,
// in event order.
#ifndef DRA_K8S_INFORMER_H_
#define DRA_K8S_INFORMER_H_

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "k8s/watch.h"

namespace k8s {

using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

struct InformerHandlers {
  std::function<void(const nlohmann::json&)> on_add;
  std::function<void(const nlohmann::json& old_obj, const nlohmann::json& new_obj)> on_update;
  std::function<void(const nlohmann::json&)> on_delete;
};

class Informer : private ReflectorHandler {
 public:
  // `client` is not owned and must outlive the informer.
  Informer(Client* client, Resource resource, std::string ns = "", ReflectorOptions opts = {});
  ~Informer() override;  // stops
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Before Start(): add an index / a handler set.
  void AddIndexer(const std::string& name, IndexFunc fn);
  void AddHandlers(InformerHandlers h);

  // Starts the list/watch thread. Stop() ends it (idempotent).
  void Start();
  void Stop();

  // True once the first list was applied to the cache.
  bool HasSynced() const;
  // Waits for HasSynced, up to `timeout` real time.
  bool WaitForSync(absl::Duration timeout) const;

  // Cache reads (copies).
  std::optional<nlohmann::json> Get(const std::string& key) const;
  std::vector<nlohmann::json> List() const;
  std::vector<nlohmann::json> ByIndex(const std::string& index, const std::string& value) const;

  // "namespace/name" or "name".
  static std::string KeyOf(const nlohmann::json& obj);

  // Indexes by spec.pool.name (ResourceSlices), by namespace, by node name.
  static std::vector<std::string> IndexByPoolName(const nlohmann::json& obj);
  static std::vector<std::string> IndexByNamespace(const nlohmann::json& obj);

  const Reflector& reflector() const { return reflector_; }

 private:
  void OnReplace(std::vector<nlohmann::json> items, const std::string& rv) override;
  void OnEvent(WatchEvent::Type type, nlohmann::json object) override;
  void Put(const std::string& key, const nlohmann::json* obj) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Reflector reflector_;
  std::vector<InformerHandlers> handlers_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::atomic<bool> cancel_{false};
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool synced_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, nlohmann::json> items_ ABSL_GUARDED_BY(mu_);
  // index name -> value -> keys
  std::map<std::string, std::map<std::string, std::set<std::string>>> indices_ ABSL_GUARDED_BY(mu_);
};

}  // namespace k8s

#endif  // DRA_K8S_INFORMER_H_

// test_fakes.h: in-memory ClaimGetter and DraDriver for the kubeletplugin
// tests (and for tests of code built on PluginServer). FakeClaimGetter
// answers from a map keyed "ns/name" (NotFound otherwise); FakeDriver
// answers Prepare/Unprepare from per-UID tables and records every call.
//
// Test-only. Thread-safe.
#ifndef DRA_KUBELETPLUGIN_TEST_FAKES_H_
#define DRA_KUBELETPLUGIN_TEST_FAKES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kubeletplugin/claim_getter.h"
#include "kubeletplugin/driver.h"

namespace kubeletplugin {

class FakeClaimGetter : public ClaimGetter {
 public:
  // Adds an allocated claim.
  void AddClaim(const std::string& ns, const std::string& name, const std::string& uid) {
    k8s::ResourceClaim c;
    c.metadata.namespace_ = ns;
    c.metadata.name = name;
    c.metadata.uid = uid;
    c.status.allocation.emplace();
    Set(ns, name, c);
  }
  void Set(const std::string& ns, const std::string& name,
           absl::StatusOr<k8s::ResourceClaim> result) {
    absl::MutexLock l(&mu_);
    claims_.insert_or_assign(ns + "/" + name, std::move(result));
  }
  absl::StatusOr<k8s::ResourceClaim> Get(const std::string& ns, const std::string& name) override {
    absl::MutexLock l(&mu_);
    gets_.push_back(ns + "/" + name);
    auto it = claims_.find(ns + "/" + name);
    if (it == claims_.end()) {
      return absl::NotFoundError("resourceclaims \"" + name + "\" not found");
    }
    return it->second;
  }
  std::vector<std::string> gets() const {
    absl::MutexLock l(&mu_);
    return gets_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<k8s::ResourceClaim>> claims_;
  std::vector<std::string> gets_;
};

class FakeDriver : public DraDriver {
 public:
  // Result for a claim UID; UIDs without one get an empty success.
  void SetPrepare(const std::string& uid, PrepareResult r) {
    absl::MutexLock l(&mu_);
    prepare_results_[uid] = std::move(r);
  }
  void SetUnprepare(const std::string& uid, absl::Status s) {
    absl::MutexLock l(&mu_);
    unprepare_results_[uid] = std::move(s);
  }
  std::map<std::string, PrepareResult> PrepareResourceClaims(
      const std::vector<k8s::ResourceClaim>& claims) override {
    absl::MutexLock l(&mu_);
    std::vector<std::string> uids;
    std::map<std::string, PrepareResult> out;
    for (const k8s::ResourceClaim& c : claims) {
      uids.push_back(c.metadata.uid);
      auto it = prepare_results_.find(c.metadata.uid);
      out[c.metadata.uid] = it == prepare_results_.end() ? PrepareResult{} : it->second;
    }
    prepared_.push_back(uids);
    return out;
  }
  std::map<std::string, absl::Status> UnprepareResourceClaims(
      const std::vector<ClaimRef>& claims) override {
    absl::MutexLock l(&mu_);
    unprepared_.push_back(claims);
    std::map<std::string, absl::Status> out;
    for (const ClaimRef& c : claims) {
      auto it = unprepare_results_.find(c.uid);
      out[c.uid] = it == unprepare_results_.end() ? absl::OkStatus() : it->second;
    }
    return out;
  }
  int prepare_calls() const {
    absl::MutexLock l(&mu_);
    return static_cast<int>(prepared_.size());
  }
  // UIDs passed to each PrepareResourceClaims call.
  std::vector<std::vector<std::string>> prepared() const {
    absl::MutexLock l(&mu_);
    return prepared_;
  }
  std::vector<std::vector<ClaimRef>> unprepared() const {
    absl::MutexLock l(&mu_);
    return unprepared_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, PrepareResult> prepare_results_;
  std::map<std::string, absl::Status> unprepare_results_;
  std::vector<std::vector<std::string>> prepared_;
  std::vector<std::vector<ClaimRef>> unprepared_;
};

}  // namespace kubeletplugin

#endif  // DRA_KUBELETPLUGIN_TEST_FAKES_H_

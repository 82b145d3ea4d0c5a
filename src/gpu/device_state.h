// device_state.h: the GPU plugin's Prepare/Unprepare transactions over the
// checkpoint (state/), CDI specs (cdi/) and opaque configs (config/), for
// full GPUs and static MIG devices.
//
// Prepare(claim), under the node-wide flock <plugin dir>/pu.lock:
//   1. a PrepareCompleted claim returns its recorded devices (rebuilding its
//      CDI spec when the file is gone);
//   2. everything that can be refused is checked BEFORE anything is
//      written: allocation present, every result of this driver names an
//      allocatable device of this pool, no non-admin overlap with another
//      prepared claim, configs selected/decoded (strict)/normalised/
//      validated, sharing not requested, device nodes present. A refused
//      claim leaves no checkpoint entry;
//   3. CDI spec written -> checkpoint PrepareCompleted (one durable
//      checkpoint write). There is no PrepareStarted record before the
//      spec: for full GPUs and static MIG devices the spec file is the only
//      side effect, and its name carries the claim UID, so the file system
//      itself records it. A crash between the two leaves a spec without an
//      entry: the kubelet's retry rewrites it, and Reconcile() removes it if
//      no retry comes. (Sharing, applied by a later change, has device-side
//      effects and needs PrepareStarted first; entries in that state, from
//      the reference driver's checkpoint or a previous boot, are rolled back
//      by Reconcile.)
// Unprepare(uid): CDI spec removed, then the entry; unknown uid = no-op; no
// API server needed. Crash points (util/crash_point.h) sit between the
// steps; a restart at any of them is completed or rolled back by the next
// call or by Reconcile().
//
// Reconcile() (startup): entries from a previous boot and half-prepared
// (PrepareStarted) entries are rolled back (their CDI spec removed, entry
// dropped: the kubelet prepares them again); completed entries get their
// CDI spec rebuilt when missing; entries that no longer match an
// allocatable device are rolled back; quarantined entries are reported;
// claim specs in the CDI root without a checkpoint entry, and temp files of
// interrupted spec writes, are removed.
//
// Thread-safe: calls are serialised by a mutex and the flock.
#ifndef DRA_GPU_DEVICE_STATE_H_
#define DRA_GPU_DEVICE_STATE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cdi/driver_root.h"
#include "cdi/spec.h"
#include "config/feature_gates.h"
#include "gpu/allocatable.h"
#include "gpu/prepared.h"
#include "k8s/resource_types.h"
#include "kubeletplugin/driver.h"
#include "state/file_lock.h"
#include "state/store.h"

namespace gpu {

struct DeviceStateOptions {
  std::string driver_name;  // devices::kGpuDriverName
  std::string node_name;    // the pool name
  std::string plugin_dir;   // checkpoint.json, pu.lock, cp.lock
  std::string cdi_root;     // per-claim spec files
  cdi::RootOptions cdi;     // driver root, proc root, hook path
  config::FeatureGates gates;
  absl::Duration lock_timeout = absl::Seconds(10);
  absl::Duration lock_poll = absl::Milliseconds(100);
};

// What Reconcile() did, for logs and Events.
struct ReconcileReport {
  std::vector<std::string> rolled_back;       // claim UIDs
  std::vector<std::string> specs_rebuilt;     // claim UIDs
  std::vector<std::string> orphan_specs_removed;  // claim UIDs (spec, no entry)
  std::vector<std::string> problems;          // quarantine, corrupt file, ...
  bool boot_id_changed = false;
};

class DeviceState {
 public:
  // Discovers the common CDI edits once (errors name the missing driver
  // file) and opens the checkpoint. Does not reconcile.
  static absl::StatusOr<std::unique_ptr<DeviceState>> Create(DeviceStateOptions options,
                                                             AllocatableDevices allocatable,
                                                             std::string boot_id);

  absl::StatusOr<ReconcileReport> Reconcile();

  // Error codes: DeadlineExceeded = lock not acquired in time; anything else
  // is a refusal or failure of this claim (message as the kubelet shows it).
  absl::StatusOr<std::vector<kubeletplugin::PreparedDevice>> Prepare(
      const k8s::ResourceClaim& claim);
  absl::Status Unprepare(const std::string& claim_uid);

  // PrepareCompleted devices by type ("gpu", "mig"), from the checkpoint.
  absl::StatusOr<std::map<std::string, int>> PreparedDeviceCounts();

  const AllocatableDevices& allocatable() const { return allocatable_; }

 private:
  DeviceState(DeviceStateOptions options, AllocatableDevices allocatable,
              std::unique_ptr<state::CheckpointStore> store, cdi::ContainerEdits common,
              state::LoadReport load_report);

  absl::StatusOr<std::vector<PreparedEntry>> Plan(const k8s::ResourceClaim& claim,
                                                  const state::Checkpoint& cp);
  absl::StatusOr<cdi::Spec> BuildSpec(const std::string& claim_uid,
                                      const std::vector<PreparedEntry>& entries);
  absl::Status WriteSpec(const std::string& claim_uid, const std::vector<PreparedEntry>& entries);
  absl::Status RollBack(const std::string& claim_uid);
  // Reconcile's last step: claim specs without a checkpoint entry (a crash
  // between the spec write and PrepareCompleted) and spec temp files.
  absl::Status RemoveOrphanSpecs(ReconcileReport& report);
  std::string SpecPath(const std::string& claim_uid) const;
  // The node-wide <plugin dir>/pu.lock (DeadlineExceeded on timeout).
  absl::StatusOr<state::FileLock> NodeLock();

  DeviceStateOptions options_;
  AllocatableDevices allocatable_;
  std::unique_ptr<state::CheckpointStore> store_;
  cdi::ContainerEdits common_edits_;
  state::LoadReport load_report_;
  std::mutex mu_;
};

}  // namespace gpu

#endif  // DRA_GPU_DEVICE_STATE_H_

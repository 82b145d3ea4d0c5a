// store.h: the prepared-claim store, <dir>/checkpoint.json, shared by every
// process of a driver on the node.
//
// Each access is a transaction under the file lock <dir>/cp.lock (and an
// in-process mutex): read, decode, recover, optionally modify, and write
// atomically (temp file ".checkpoint.json.tmp-*" in the same directory,
// write, fsync, rename, fsync of the directory). A reader therefore sees the
// old or the new file, never a torn one. Crash points
// "checkpoint-before-rename" and "checkpoint-after-rename" (util/crash_point.h)
// bracket the rename.
//
// Recovery rules, applied on every load (Open reports them):
// - No file: an empty checkpoint with the current boot id is written.
// - Not JSON / not an object: the file is renamed aside to
//   checkpoint.json.corrupt-<unix seconds>[-N], reported, and the store
//   starts empty.
// - Checksum mismatch while the JSON parses: the entries that decode are
//   kept, the mismatch is reported, and the file is rewritten.
// - An entry that does not decode is quarantined (checkpoint.h), reported,
//   and kept until RemoveQuarantined(uid).
// - Boot id: stored empty (legacy) -> the current id is written in and the
//   claims kept. Stored different (the node rebooted) -> nothing is dropped:
//   every claim is returned in LoadReport::claims_from_previous_boot (as it
//   was) and rewritten as PrepareStarted under the current boot id, so the
//   file stays consistent: it no longer claims completed preparation, a new
//   Prepare redoes the work and Unprepare or stale-claim cleanup roll it
//   back, also after a crash right after Open. An empty current boot id
//   disables the rule.
// Problems found by Read/Update (after Open) are kept for TakeProblems().
//
// Decoding is skipped when the file's bytes equal those this store last
// wrote or decoded (the decoded checkpoint is kept beside them): the bytes
// are compared, not timestamps or inode numbers, so a file replaced by
// another process is always decoded again.
//
// Used by the GPU and ComputeDomain kubelet plugins. Thread-safe.
#ifndef DRA_STATE_STORE_H_
#define DRA_STATE_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "state/checkpoint.h"

namespace state {

inline constexpr char kCheckpointFile[] = "checkpoint.json";
inline constexpr char kCheckpointLockFile[] = "cp.lock";

struct StoreOptions {
  absl::Duration lock_timeout = absl::Seconds(10);
  absl::Duration lock_poll = absl::Milliseconds(100);
};

struct LoadReport {
  bool created = false;                  // no file existed; an empty one was written
  bool boot_id_changed = false;          // stored boot id differs from the current one
  bool legacy_boot_id_injected = false;  // stored boot id was empty
  std::string previous_boot_id;          // as stored
  std::map<std::string, PreparedClaim> claims_from_previous_boot;  // as stored
  bool legacy_v1_migrated = false;       // file had only the v1 section
  bool checksum_mismatch = false;
  std::string corrupt_file;              // where an unparsable file was moved, if any
  std::vector<std::string> quarantined;  // UIDs quarantined by this load
  std::vector<std::string> problems;     // human-readable; empty when all is well
  bool rewritten = false;                // the load rewrote the file
};

class CheckpointStore {
 public:
  CheckpointStore(std::string dir, std::string current_boot_id, StoreOptions options = {});

  // Creates `dir` if needed, loads or creates the checkpoint, applies the
  // rules above and removes stale temp files. Errors (with the path) only
  // for I/O failures and lock timeouts.
  absl::StatusOr<LoadReport> Open();

  // The current content (recovered as above).
  absl::StatusOr<Checkpoint> Read();

  // Read-modify-write: `fn` edits the checkpoint; when it returns an error
  // nothing is written and that error is returned.
  absl::Status Update(absl::FunctionRef<absl::Status(Checkpoint&)> fn);

  // Deletes a quarantined entry; NotFound when there is none for `uid`.
  absl::Status RemoveQuarantined(const std::string& uid);

  // Problems found by Read/Update since the last call (Open returns its own).
  std::vector<std::string> TakeProblems();

  const std::string& path() const { return path_; }

 private:
  // Under both locks: load, recover, and rewrite when recovery changed
  // anything.
  absl::StatusOr<Checkpoint> LoadLocked(LoadReport& report) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status WriteLocked(const Checkpoint& cp) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status MoveAsideLocked(std::string* moved_to);
  void RemoveStaleTempFilesLocked();

  const std::string dir_;
  const std::string path_;
  const std::string lock_path_;
  const std::string boot_id_;
  const StoreOptions options_;

  absl::Mutex mu_;
  std::vector<std::string> problems_ ABSL_GUARDED_BY(mu_);
  // The last file content written or decoded, and what it decodes to (after
  // recovery); empty raw = nothing cached.
  std::string cached_raw_ ABSL_GUARDED_BY(mu_);
  Checkpoint cached_ ABSL_GUARDED_BY(mu_);
};

}  // namespace state

#endif  // DRA_STATE_STORE_H_

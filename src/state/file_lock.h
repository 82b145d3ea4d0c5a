// file_lock.h: an RAII advisory lock on a file (flock(2), exclusive), taken
// with a timeout by polling, so that two plugin processes (e.g. old and new
// during a rolling upgrade) serialise on the same node.
//
// Reference usage: <plugin dir>/pu.lock, the node-global Prepare/Unprepare
// lock (10 s timeout, 100 ms poll), and <plugin dir>/cp.lock around each
// checkpoint read-modify-write. The lock file is created (0644) when missing
// and never deleted. flock locks belong to the open file description, so two
// FileLock objects on the same path conflict even inside one process; the
// kernel releases the lock when the holder dies, also on SIGKILL.
//
// Used by state/store and the drivers. A FileLock object is not thread-safe;
// distinct objects are independent.
#ifndef DRA_STATE_FILE_LOCK_H_
#define DRA_STATE_FILE_LOCK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace state {

class FileLock {
 public:
  // Tries at once, then every `poll` until `timeout` has passed.
  // DeadlineExceeded naming the path and the timeout when another holder
  // keeps it; Internal (with the path and errno text) when the file cannot
  // be opened or flock fails otherwise. A zero timeout tries once.
  static absl::StatusOr<FileLock> Acquire(const std::string& path, absl::Duration timeout,
                                          absl::Duration poll = absl::Milliseconds(100));

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Unlocks now (idempotent).
  void Release();
  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  FileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_ = -1;
};

}  // namespace state

#endif  // DRA_STATE_FILE_LOCK_H_

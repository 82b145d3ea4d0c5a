// state_store.h: where the MIG state of a mock node lives. With a path, a
// JSON file shared by every process using the mock (like the hardware):
// reads take a shared flock and re-read the file (re-parsing only when
// its bytes changed); each
// mutation takes an exclusive flock, re-reads, applies, writes atomically
// and runs a hook (capability files) before unlocking. Without a path, an
// in-memory state private to the process.
//
// Used by context.cc and the api_mig*.cc functions.
// Thread safety: not internally synchronised; callers hold the context mutex.
#ifndef NVML_MOCK_STATE_STORE_H_
#define NVML_MOCK_STATE_STORE_H_

#include <functional>
#include <string>

#include "file_util.h"
#include "mig_state.h"

namespace nvml_mock {

class StateStore {
 public:
  // `path` empty = in-memory. `initial` is the state used when the file
  // does not exist yet.
  StateStore(std::string path, MigState initial);

  const std::string& path() const { return path_; }

  // Current state. False (with `error`) if the file is unreadable/corrupt.
  bool Read(MigState* out, std::string* error);

  // Applies `fn` under the exclusive lock; writes the result when `fn`
  // returns NVML_SUCCESS and the state changed (or the file was missing),
  // then calls `after` with the new state while still locked.
  nvmlReturn_t Mutate(const std::function<nvmlReturn_t(MigState&)>& fn,
                      const std::function<void(const MigState&)>& after,
                      std::string* error);

 private:
  bool LoadLocked(MigState* out, bool* missing, std::string* error);

  std::string path_;
  MigState initial_;
  MigState memory_;    // in-memory mode, and the parsed cache in file mode
  std::string cached_;  // file bytes `memory_` was parsed from
  bool cacheValid_ = false;
};

}  // namespace nvml_mock

#endif  // NVML_MOCK_STATE_STORE_H_

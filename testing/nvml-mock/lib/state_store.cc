// state_store.cc: see state_store.h.
#include "state_store.h"

namespace nvml_mock {

StateStore::StateStore(std::string path, MigState initial)
    : path_(std::move(path)), initial_(initial), memory_(std::move(initial)) {}

bool StateStore::LoadLocked(MigState* out, bool* missing, std::string* error) {
  std::string text;
  if (!ReadWholeFile(path_, &text, missing)) {
    if (*missing) {
      *out = initial_;
      return true;
    }
    *error = path_ + ": cannot read MIG state";
    return false;
  }
  if (cacheValid_ && text == cached_) {
    *out = memory_;
    return true;
  }
  MigState s;
  if (!StateFromJson(text, &s, error)) {
    *error = path_ + ": " + *error;
    return false;
  }
  memory_ = s;
  cached_ = std::move(text);
  cacheValid_ = true;
  *out = std::move(s);
  return true;
}

bool StateStore::Read(MigState* out, std::string* error) {
  if (path_.empty()) {
    *out = memory_;
    return true;
  }
  FileLock lock(path_, /*exclusive=*/false);
  bool missing = false;
  return LoadLocked(out, &missing, error);
}

nvmlReturn_t StateStore::Mutate(const std::function<nvmlReturn_t(MigState&)>& fn,
                                const std::function<void(const MigState&)>& after,
                                std::string* error) {
  if (path_.empty()) {
    MigState s = memory_;
    nvmlReturn_t r = fn(s);
    if (r == NVML_SUCCESS) {
      memory_ = std::move(s);
      if (after) after(memory_);
    }
    return r;
  }
  FileLock lock(path_, /*exclusive=*/true);
  if (!lock.ok()) {
    *error = path_ + ".lock: cannot lock";
    return NVML_ERROR_UNKNOWN;
  }
  MigState s;
  bool missing = false;
  if (!LoadLocked(&s, &missing, error)) return NVML_ERROR_UNKNOWN;
  std::string before = StateToJson(s);
  nvmlReturn_t r = fn(s);
  if (r != NVML_SUCCESS) return r;
  std::string now = StateToJson(s);
  if (missing || now != before) {
    if (!WriteFileAtomically(path_, now, error)) return NVML_ERROR_UNKNOWN;
    memory_ = s;
    cached_ = std::move(now);
    cacheValid_ = true;
  }
  if (after) after(s);
  return NVML_SUCCESS;
}

}  // namespace nvml_mock

#include "state/store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "state/file_lock.h"
#include "util/crash_point.h"
#include "util/files.h"
#include "util/status_macros.h"

namespace state {
namespace {

constexpr char kTempPrefix[] = ".checkpoint.json.tmp-";

absl::Status ErrnoError(const std::string& what, const std::string& path, int err) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(err)));
}

absl::Status WriteAll(int fd, const std::string& path, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

CheckpointStore::CheckpointStore(std::string dir, std::string current_boot_id,
                                 StoreOptions options)
    : dir_(std::move(dir)),
      path_(absl::StrCat(dir_, "/", kCheckpointFile)),
      lock_path_(absl::StrCat(dir_, "/", kCheckpointLockFile)),
      boot_id_(std::move(current_boot_id)),
      options_(options) {}

absl::StatusOr<LoadReport> CheckpointStore::Open() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return absl::InternalError(absl::StrCat("create directory ", dir_, ": ", ec.message()));
  absl::MutexLock l(&mu_);
  DRA_ASSIGN_OR_RETURN(FileLock lock,
                       FileLock::Acquire(lock_path_, options_.lock_timeout, options_.lock_poll));
  RemoveStaleTempFilesLocked();
  LoadReport report;
  DRA_RETURN_IF_ERROR(LoadLocked(report).status());
  return report;
}

absl::StatusOr<Checkpoint> CheckpointStore::Read() {
  absl::MutexLock l(&mu_);
  DRA_ASSIGN_OR_RETURN(FileLock lock,
                       FileLock::Acquire(lock_path_, options_.lock_timeout, options_.lock_poll));
  LoadReport report;
  auto cp = LoadLocked(report);
  problems_.insert(problems_.end(), report.problems.begin(), report.problems.end());
  return cp;
}

absl::Status CheckpointStore::Update(absl::FunctionRef<absl::Status(Checkpoint&)> fn) {
  absl::MutexLock l(&mu_);
  DRA_ASSIGN_OR_RETURN(FileLock lock,
                       FileLock::Acquire(lock_path_, options_.lock_timeout, options_.lock_poll));
  LoadReport report;
  auto loaded = LoadLocked(report);
  problems_.insert(problems_.end(), report.problems.begin(), report.problems.end());
  if (!loaded.ok()) return loaded.status();
  Checkpoint cp = *std::move(loaded);
  DRA_RETURN_IF_ERROR(fn(cp));
  return WriteLocked(cp);
}

absl::Status CheckpointStore::RemoveQuarantined(const std::string& uid) {
  return Update([&](Checkpoint& cp) -> absl::Status {
    if (cp.quarantine.erase(uid) == 0) {
      return absl::NotFoundError(absl::StrCat("no quarantined entry ", uid, " in ", path_));
    }
    return absl::OkStatus();
  });
}

std::vector<std::string> CheckpointStore::TakeProblems() {
  absl::MutexLock l(&mu_);
  return std::exchange(problems_, {});
}

absl::StatusOr<Checkpoint> CheckpointStore::LoadLocked(LoadReport& report) {
  Checkpoint cp;
  bool rewrite = false;
  auto data = util::ReadFile(path_);
  if (!data.ok() && data.status().code() != absl::StatusCode::kNotFound) return data.status();
  if (data.ok() && !cached_raw_.empty() && *data == cached_raw_) return cached_;
  cached_raw_.clear();
  if (!data.ok()) {
    report.created = true;
    rewrite = true;
  } else if (auto decoded = DecodeLenient(*data); !decoded.ok()) {
    DRA_RETURN_IF_ERROR(MoveAsideLocked(&report.corrupt_file));
    report.problems.push_back(absl::StrCat(path_, ": ", decoded.status().message(),
                                           "; moved to ", report.corrupt_file,
                                           ", starting empty"));
    rewrite = true;
  } else {
    cp = std::move(decoded->checkpoint);
    const DecodeReport& dr = decoded->report;
    report.checksum_mismatch = !dr.checksum_ok;
    report.legacy_v1_migrated = dr.legacy_v1;
    report.quarantined = dr.quarantined;
    for (const auto& p : dr.problems) report.problems.push_back(absl::StrCat(path_, ": ", p));
    rewrite = !dr.checksum_ok || dr.legacy_v1 || !dr.quarantined.empty();
  }

  report.previous_boot_id = cp.node_boot_id;
  if (!boot_id_.empty() && cp.node_boot_id != boot_id_) {
    if (cp.node_boot_id.empty()) {
      report.legacy_boot_id_injected = !report.created && report.corrupt_file.empty();
    } else {
      report.boot_id_changed = true;
      report.claims_from_previous_boot = cp.claims;
      for (auto& [uid, claim] : cp.claims) claim.state = ClaimState::kPrepareStarted;
    }
    cp.node_boot_id = boot_id_;
    rewrite = true;
  }
  if (rewrite) {
    DRA_RETURN_IF_ERROR(WriteLocked(cp));
    report.rewritten = true;
  } else {
    cached_raw_ = *std::move(data);
    cached_ = cp;
  }
  return cp;
}

absl::Status CheckpointStore::WriteLocked(const Checkpoint& cp) {
  cached_raw_.clear();
  std::string data = Encode(cp);
  std::string tmp = absl::StrCat(dir_, "/", kTempPrefix, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create", tmp, errno);
  absl::Status st = WriteAll(fd, tmp, data);
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoError("fsync", tmp, errno);
  if (::close(fd) != 0 && st.ok()) st = ErrnoError("close", tmp, errno);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  util::CrashPoint("checkpoint-before-rename");
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError(absl::StrCat("rename ", tmp, " to"), path_, err);
  }
  util::CrashPoint("checkpoint-after-rename");
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoError("open directory", dir_, errno);
  st = ::fsync(dfd) == 0 ? absl::OkStatus() : ErrnoError("fsync directory", dir_, errno);
  ::close(dfd);
  if (st.ok()) {
    cached_raw_ = std::move(data);
    cached_ = cp;
  }
  return st;
}

absl::Status CheckpointStore::MoveAsideLocked(std::string* moved_to) {
  std::string base = absl::StrCat(path_, ".corrupt-", static_cast<long long>(std::time(nullptr)));
  std::string target = base;
  for (int n = 1; std::filesystem::exists(target); ++n) target = absl::StrCat(base, "-", n);
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    return ErrnoError(absl::StrCat("rename corrupt ", path_, " to"), target, errno);
  }
  *moved_to = target;
  return absl::OkStatus();
}

void CheckpointStore::RemoveStaleTempFilesLocked() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (absl::StartsWith(name, kTempPrefix)) std::filesystem::remove(e.path(), ec);
  }
}

}  // namespace state

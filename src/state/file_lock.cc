#include "state/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace state {

absl::StatusOr<FileLock> FileLock::Acquire(const std::string& path, absl::Duration timeout,
                                           absl::Duration poll) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("open lock file ", path, ": ", std::strerror(errno)));
  }
  if (poll <= absl::ZeroDuration()) poll = absl::Milliseconds(1);
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(path, fd);
    int err = errno;
    if (err == EINTR) continue;
    if (err != EWOULDBLOCK) {
      ::close(fd);
      return absl::InternalError(absl::StrCat("flock ", path, ": ", std::strerror(err)));
    }
    absl::Time now = absl::Now();
    if (now >= deadline) {
      ::close(fd);
      return absl::DeadlineExceededError(absl::StrCat(
          "timed out after ", absl::FormatDuration(timeout), " waiting for lock ", path));
    }
    absl::SleepFor(std::min(poll, deadline - now));
  }
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() { Release(); }

void FileLock::Release() {
  if (fd_ < 0) return;
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace state

#include "state/file_lock.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace state {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

// Forks a child that takes the lock, reports through a pipe, then holds it
// for `hold_ms` (or until killed) and exits.
pid_t ForkHolder(const std::string& path, int hold_ms) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    auto lock = FileLock::Acquire(path, absl::Seconds(5));
    char c = lock.ok() ? 'y' : 'n';
    (void)!::write(fds[1], &c, 1);
    ::usleep(hold_ms * 1000);
    ::_exit(lock.ok() ? 0 : 1);
  }
  ::close(fds[1]);
  char c = 0;
  EXPECT_EQ(::read(fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  ::close(fds[0]);
  return pid;
}

TEST(FileLockTest, SecondHolderInProcessTimesOutUntilReleased) {
  std::string path = testing_util::UniqueTempDir() + "/cp.lock";
  auto first = FileLock::Acquire(path, absl::Seconds(1));
  ASSERT_OK(first);
  EXPECT_TRUE(first->held());
  auto second = FileLock::Acquire(path, absl::Milliseconds(150), absl::Milliseconds(20));
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kDeadlineExceeded,
                               AllOf(HasSubstr(path), HasSubstr("150ms"))));
  first->Release();
  EXPECT_FALSE(first->held());
  EXPECT_OK(FileLock::Acquire(path, absl::ZeroDuration()));
}

TEST(FileLockTest, ContentionAcrossProcessesTimesOut) {
  std::string path = testing_util::UniqueTempDir() + "/pu.lock";
  pid_t child = ForkHolder(path, 60'000);
  absl::Time start = absl::Now();
  auto lock = FileLock::Acquire(path, absl::Milliseconds(300), absl::Milliseconds(50));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(290));
  EXPECT_THAT(lock, StatusIs(absl::StatusCode::kDeadlineExceeded,
                             AllOf(HasSubstr(path), HasSubstr("300ms"))));
  // A holder killed with SIGKILL releases the lock.
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_OK(FileLock::Acquire(path, absl::Seconds(1)));
}

TEST(FileLockTest, WaitsForHolderToFinish) {
  std::string path = testing_util::UniqueTempDir() + "/pu.lock";
  pid_t child = ForkHolder(path, 300);
  auto lock = FileLock::Acquire(path, absl::Seconds(10), absl::Milliseconds(20));
  ASSERT_OK(lock);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(FileLockTest, MoveTransfersOwnership) {
  std::string path = testing_util::UniqueTempDir() + "/x.lock";
  auto a = FileLock::Acquire(path, absl::Seconds(1));
  ASSERT_OK(a);
  FileLock b = *std::move(a);
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(FileLock::Acquire(path, absl::ZeroDuration()).ok());
  b.Release();
  EXPECT_OK(FileLock::Acquire(path, absl::ZeroDuration()));
}

TEST(FileLockTest, UnopenablePathNamesIt) {
  EXPECT_THAT(FileLock::Acquire("/nonexistent-dir/pu.lock", absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("/nonexistent-dir/pu.lock")));
}

}  // namespace
}  // namespace state

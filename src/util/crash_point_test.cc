#include "util/crash_point.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace util {
namespace {

// Runs `body` in a forked child with DRA_CRASH_AT=`env` set before the
// child's first CrashPoint call; returns the raw wait status.
template <typename F>
int RunChild(const char* env, F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (env != nullptr) ::setenv(kCrashAtEnv, env, 1);
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(CrashPointTest, MatchingNameKillsWithSigkill) {
  int status = RunChild("here", [] { CrashPoint("here"); ::_exit(3); });
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(CrashPointTest, OtherNameOrUnsetDoesNothing) {
  int status = RunChild("elsewhere", [] { CrashPoint("here"); ::_exit(3); });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  status = RunChild(nullptr, [] { CrashPoint("here"); CrashPoint(""); ::_exit(4); });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
}

TEST(CrashPointTest, ValueIsCachedAtFirstUse) {
  int status = RunChild("b", [] {
    CrashPoint("a");           // caches "b"
    ::setenv(kCrashAtEnv, "a", 1);
    CrashPoint("a");           // still "b": does not fire
    ::_exit(5);
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);
}

TEST(CrashPointTest, TestHookOverridesCache) {
  int status = RunChild(nullptr, [] {
    CrashPoint("x");
    SetCrashPointForTest("x");
    CrashPoint("x");
    ::_exit(6);
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace util

// temp_dir.h: a temporary directory private to the running test, so tests
// that ctest runs in parallel (each in its own process) never share files.
//
//   std::string dir = testing_util::UniqueTempDir();  // created, empty on first use
//
// The name is <TempDir>/dra-<pid>-<Suite>.<Test>, the same for every call of
// one test in one process. A directory of that name left by an earlier
// process that had the same pid (pids are reused) is removed on this
// process's first use, so the directory really starts empty. At exit the
// process removes its directories if every test passed (kept when one
// failed, or with DRA_KEEP_TEST_DIRS set).
//
// Test-only. Call from a test body (it names the dir after the current test).
#ifndef DRA_TESTING_TEMP_DIR_H_
#define DRA_TESTING_TEMP_DIR_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace testing_util {

inline std::string UniqueTempDir() {
  std::string name = "dra-" + std::to_string(::getpid());
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name += std::string("-") + info->test_suite_name() + "." + info->name();
  }
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  static std::mutex mu;
  static auto* used = new std::set<std::string>;
  static const pid_t owner = ::getpid();
  std::lock_guard<std::mutex> lock(mu);
  if (used->empty()) {
    // At exit, this process's directories go when every test passed (a
    // failed test's are kept for a look, as with DRA_KEEP_TEST_DIRS=1):
    // a test run must not fill the disk. Not in a forked child.
    std::atexit([] {
      if (::getpid() != owner || std::getenv("DRA_KEEP_TEST_DIRS") != nullptr ||
          !::testing::UnitTest::GetInstance()->Passed()) {
        return;
      }
      std::lock_guard<std::mutex> l(mu);
      for (const std::string& d : *used) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    });
  }
  if (used->insert(dir.string()).second) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // left by another process with this pid
  }
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace testing_util

#endif  // DRA_TESTING_TEMP_DIR_H_

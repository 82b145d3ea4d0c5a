// temp_dir.h: a temporary directory private to the running test, so tests
// that ctest runs in parallel (each in its own process) never share files.
//
//   std::string dir = testing_util::UniqueTempDir();  // created, empty on first use
//
// The name is <TempDir>/dra-<pid>-<Suite>.<Test>, the same for every call of
// one test in one process. A directory of that name left by an earlier
// process that had the same pid (pids are reused) is removed on this
// process's first use, so the directory really starts empty.
//
// Test-only. Call from a test body (it names the dir after the current test).
#ifndef DRA_TESTING_TEMP_DIR_H_
#define DRA_TESTING_TEMP_DIR_H_

#include <unistd.h>

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
  std::lock_guard<std::mutex> lock(mu);
  if (used->insert(dir.string()).second) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // left by another process with this pid
  }
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace testing_util

#endif  // DRA_TESTING_TEMP_DIR_H_

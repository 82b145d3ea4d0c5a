#include "util/files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace util {
namespace {

TEST(JoinRootTest, JoinsUnderRoot) {
  EXPECT_EQ(JoinRoot("/host", "/proc/devices"), "/host/proc/devices");
  EXPECT_EQ(JoinRoot("/host/", "proc/devices"), "/host/proc/devices");
  EXPECT_EQ(JoinRoot("/", "/proc/devices"), "/proc/devices");
  EXPECT_EQ(JoinRoot("", "/dev"), "/dev");
}

TEST(FilesTest, AtomicWriteThenRead) {
  std::string dir = testing_util::UniqueTempDir() + "/files_test";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/a.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello\n").ok());
  auto got = ReadFile(path);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "hello\n");
  ASSERT_TRUE(WriteFileAtomic(path, "second").ok());
  EXPECT_EQ(*ReadFile(path), "second");
  // No temp file is left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) { (void)e; ++entries; }
  EXPECT_EQ(entries, 1);
}

TEST(FilesTest, MissingFileIsNotFoundAndNamesPath) {
  auto got = ReadFile("/nonexistent/dir/file");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("/nonexistent/dir/file"), std::string::npos);
}

}  // namespace
}  // namespace util

namespace testing_util {
namespace {

// pids are reused: a directory of this test's name left by an earlier
// process with the same pid must not leak into this run.
TEST(UniqueTempDirTest, StaleDirectoryOfAReusedPidIsEmptied) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path expected = std::filesystem::path(::testing::TempDir()) /
                                   ("dra-" + std::to_string(::getpid()) + "-" +
                                    info->test_suite_name() + "." + info->name());
  std::filesystem::create_directories(expected / "sub");
  std::ofstream(expected / "stale") << "x";
  std::string dir = UniqueTempDir();
  EXPECT_EQ(dir, expected.string());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  // Later calls in the same test return the same directory, contents kept.
  std::ofstream(expected / "mine") << "y";
  EXPECT_EQ(UniqueTempDir(), dir);
  EXPECT_TRUE(std::filesystem::exists(expected / "mine"));
}

}  // namespace
}  // namespace testing_util

#include "util/files.h"

#include <cstdlib>
#include <filesystem>

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

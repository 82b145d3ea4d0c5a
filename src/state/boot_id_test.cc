#include "state/boot_id.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace state {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;

std::string MakeProcRoot(const std::string& contents) {
  std::string root = testing_util::UniqueTempDir() + "/proc";
  std::filesystem::create_directories(root + "/sys/kernel/random");
  std::ofstream(root + "/sys/kernel/random/boot_id") << contents;
  return root;
}

TEST(BootIdTest, ReadsAndTrims) {
  auto id = ReadBootId(MakeProcRoot("  1b4c0a5e-94a1-4d6b-9d35-61e8c3a1f7a2\n"));
  ASSERT_OK(id);
  EXPECT_EQ(*id, "1b4c0a5e-94a1-4d6b-9d35-61e8c3a1f7a2");
}

TEST(BootIdTest, TrailingSlashOnRoot) {
  auto id = ReadBootId(MakeProcRoot("abc\n") + "/");
  ASSERT_OK(id);
  EXPECT_EQ(*id, "abc");
}

TEST(BootIdTest, MissingFileNamesPath) {
  std::string root = testing_util::UniqueTempDir() + "/noproc";
  EXPECT_THAT(ReadBootId(root), StatusIs(absl::StatusCode::kNotFound,
                                         HasSubstr(root + "/sys/kernel/random/boot_id")));
}

TEST(BootIdTest, EmptyFileIsAnError) {
  EXPECT_THAT(ReadBootId(MakeProcRoot(" \n")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

TEST(BootIdTest, RealProcHasOne) {
  auto id = ReadBootId("/proc");
  ASSERT_OK(id);
  EXPECT_EQ(id->size(), 36u);
}

}  // namespace
}  // namespace state

#include "cdi/root_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace cdi {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;
namespace fs = std::filesystem;

class RootPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing_util::UniqueTempDir() + "/root";
    fs::create_directories(root_ + "/usr/lib64");
    fs::create_directories(root_ + "/etc");
    fs::create_symlink("usr/lib64", root_ + "/lib64");
    fs::create_symlink("/usr/lib64/libx.so.1.2", root_ + "/usr/lib64/libx.so.1");
    ::close(::creat((root_ + "/usr/lib64/libx.so.1.2").c_str(), 0644));
    fs::create_symlink("/", root_ + "/up");            // absolute: the root itself
    fs::create_symlink("../../../..", root_ + "/etc/escape");  // clamped at the root
    fs::create_symlink("loop", root_ + "/loop");
  }
  std::string root_;
};

TEST_F(RootPathTest, FollowsLinksInsideTheRoot) {
  EXPECT_EQ(*ResolveInRoot(root_, "/lib64/libx.so.1"), "/usr/lib64/libx.so.1.2");
  EXPECT_EQ(*ResolveInRoot(root_, "lib64/./../lib64"), "/usr/lib64");
  EXPECT_EQ(*ResolveInRoot(root_, "/up/up/etc"), "/etc");
  EXPECT_EQ(*ResolveInRoot(root_, "/etc/escape/usr"), "/usr");
  EXPECT_EQ(*ResolveInRoot(root_, "/"), "/");
}

TEST_F(RootPathTest, MissingAndLoops) {
  EXPECT_THAT(ResolveInRoot(root_, "/lib64/nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("usr/lib64/nope")));
  EXPECT_EQ(*ResolveInRoot(root_, "/lib64/a/../b/c", true), "/usr/lib64/b/c");
  EXPECT_THAT(ResolveInRoot(root_, "/loop/x"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("symlinks")));
  EXPECT_THAT(ResolveInRoot(root_, "/usr/lib64/libx.so.1.2/x"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a directory")));
}

TEST(InRootTest, Joins) {
  EXPECT_EQ(InRoot("/run/nvidia/driver", "/lib64"), "/run/nvidia/driver/lib64");
  EXPECT_EQ(InRoot("/run/nvidia/driver/", "/"), "/run/nvidia/driver");
  EXPECT_EQ(InRoot("/", "/dev/nvidia0"), "/dev/nvidia0");
  EXPECT_EQ(InRoot("", "/dev/nvidia0"), "/dev/nvidia0");
}

}  // namespace
}  // namespace cdi

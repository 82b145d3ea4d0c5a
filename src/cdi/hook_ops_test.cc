#include "cdi/hook_ops.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace cdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing_util::StatusIs;
namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(ContainerRootTest, FromStateAndSpec) {
  std::string bundle = testing_util::UniqueTempDir() + "/bundle";
  Write(bundle + "/config.json", R"({"ociVersion":"1.0.2","root":{"path":"rootfs"}})");
  std::string state = R"({"ociVersion":"1.0.2","id":"c1","status":"creating","pid":42,"bundle":")" +
                      bundle + R"("})";
  EXPECT_EQ(*ContainerRootFromState(state), bundle + "/rootfs");
  Write(bundle + "/abs.json", R"({"root":{"path":"/var/lib/x/rootfs/"}})");
  EXPECT_EQ(*ContainerRootFromSpecFile(bundle + "/abs.json"), "/var/lib/x/rootfs");
}

TEST(ContainerRootTest, Failures) {
  std::string dir = testing_util::UniqueTempDir();
  EXPECT_THAT(ContainerRootFromState("not json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON")));
  EXPECT_THAT(ContainerRootFromState(R"({"id":"x"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bundle")));
  EXPECT_THAT(ContainerRootFromState(R"({"bundle":")" + dir + R"("})"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(dir + "/config.json")));
  Write(dir + "/config.json", R"({"root":{}})");
  EXPECT_THAT(ContainerRootFromSpecFile(dir + "/config.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("root.path")));
}

TEST(ParseLinkArgTest, SplitsAndRejects) {
  absl::StatusOr<SymlinkRequest> r = ParseLinkArg("libcuda.so.1::/usr/lib64/libcuda.so");
  ASSERT_OK(r);
  EXPECT_EQ(r->target, "libcuda.so.1");
  EXPECT_EQ(r->link, "/usr/lib64/libcuda.so");
  EXPECT_THAT(ParseLinkArg("a:b"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("TARGET::LINK")));
  EXPECT_THAT(ParseLinkArg("a::relative"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("absolute")));
  EXPECT_THAT(ParseLinkArg("::/x"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--link")));
  EXPECT_THAT(ParseLinkArg("a::/x/.."), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--link")));
}

class CreateSymlinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = testing_util::UniqueTempDir();
    root_ = dir + "/rootfs";
    outside_ = dir + "/outside";
    fs::create_directories(root_ + "/usr/lib64");
    fs::create_directories(outside_);
    fs::create_symlink("usr/lib64", root_ + "/lib64");
    fs::create_symlink(outside_, root_ + "/evil");  // absolute: must stay inside
  }
  std::string root_, outside_;
};

TEST_F(CreateSymlinksTest, CreatesInsideTheRoot) {
  std::vector<std::string> warnings;
  ASSERT_OK(CreateSymlinks(root_,
                           {{"libcuda.so.580.159.04", "/lib64/libcuda.so.1"},
                            {"libcuda.so.1", "/lib64/libcuda.so"},
                            {"x", "/new/dir/link"},
                            {"y", "/evil/link"}},
                           &warnings));
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(fs::read_symlink(root_ + "/usr/lib64/libcuda.so.1"), "libcuda.so.580.159.04");
  EXPECT_EQ(fs::read_symlink(root_ + "/usr/lib64/libcuda.so"), "libcuda.so.1");
  EXPECT_EQ(fs::read_symlink(root_ + "/new/dir/link"), "x");
  EXPECT_TRUE(fs::is_symlink(root_ + outside_ + "/link"));
  EXPECT_TRUE(fs::is_empty(outside_));
}

TEST_F(CreateSymlinksTest, ExistingLinksAndFiles) {
  fs::create_symlink("old", root_ + "/usr/lib64/a");
  fs::create_symlink("same", root_ + "/usr/lib64/b");
  Write(root_ + "/usr/lib64/c", "real file");
  std::vector<std::string> warnings;
  ASSERT_OK(CreateSymlinks(root_,
                           {{"new", "/lib64/a"}, {"same", "/lib64/b"}, {"t", "/lib64/c"}},
                           &warnings));
  EXPECT_EQ(fs::read_symlink(root_ + "/usr/lib64/a"), "new");
  EXPECT_EQ(fs::read_symlink(root_ + "/usr/lib64/b"), "same");
  EXPECT_EQ(Slurp(root_ + "/usr/lib64/c"), "real file");
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("/lib64/c"));
}

TEST_F(CreateSymlinksTest, FailsWhenAParentIsAFile) {
  Write(root_ + "/file", "x");
  std::vector<std::string> warnings;
  EXPECT_THAT(CreateSymlinks(root_, {{"t", "/file/sub/link"}}, &warnings),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("/file/sub/link")));
}

class UpdateLdcacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing_util::UniqueTempDir() + "/rootfs";
    fs::create_directories(root_ + "/etc");
    fs::create_directories(root_ + "/opt/nvlib");
    fs::copy_file(fs::canonical("/lib/x86_64-linux-gnu/libz.so.1"),
                  root_ + "/opt/nvlib/libz.so.1");
  }
  std::string root_;
};

TEST_F(UpdateLdcacheTest, CacheListsTheFolderLibraries) {
  // ldconfig -r chroots: this needs root, which the test environment has.
  ASSERT_EQ(::geteuid(), 0u) << "ldconfig -r needs root; run this test as root";
  std::vector<std::string> warnings;
  ASSERT_OK(UpdateLdcache(root_, {"/opt/nvlib"}, "/sbin/ldconfig", &warnings));
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(Slurp(root_ + kLdConfFile),
            "# NVIDIA driver libraries (written by cdi-hook)\n/opt/nvlib\n");
  std::string cache = Slurp(root_ + "/etc/ld.so.cache");
  EXPECT_THAT(cache, HasSubstr("/opt/nvlib/libz.so.1"));
}

TEST_F(UpdateLdcacheTest, RootWithoutEtcIsLeftAlone) {
  fs::remove_all(root_ + "/etc");
  std::vector<std::string> warnings;
  ASSERT_OK(UpdateLdcache(root_, {"/opt/nvlib"}, "/sbin/ldconfig", &warnings));
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("no /etc"));
  EXPECT_FALSE(fs::exists(root_ + "/etc"));
}

TEST_F(UpdateLdcacheTest, Failures) {
  std::vector<std::string> warnings;
  EXPECT_THAT(UpdateLdcache(root_, {"opt/nvlib"}, "/sbin/ldconfig", &warnings),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("opt/nvlib")));
  EXPECT_THAT(UpdateLdcache(root_, {"/opt/nvlib"}, "/nonexistent/ldconfig", &warnings),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("/nonexistent/ldconfig")));
  EXPECT_THAT(UpdateLdcache(root_, {"/opt/nvlib"}, "/bin/false", &warnings),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("exit status 1")));
}

}  // namespace
}  // namespace cdi

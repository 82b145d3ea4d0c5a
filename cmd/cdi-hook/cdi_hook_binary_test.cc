// Runs the cdi-hook binary as the OCI runtime would: state JSON on stdin
// (or --container-spec), one subcommand per call.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cdi/elf_needed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "util/files.h"

namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string err;
};

Result RunHook(const std::string& dir, const std::string& args, const std::string& stdin_text) {
  std::ofstream(dir + "/stdin") << stdin_text;
  std::string cmd = std::string(CDI_HOOK_BINARY) + " " + args + " < " + dir + "/stdin 2> " +
                    dir + "/stderr";
  int status = std::system(cmd.c_str());
  std::ifstream in(dir + "/stderr");
  std::stringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

class CdiHookBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_util::UniqueTempDir();
    bundle_ = dir_ + "/bundle";
    root_ = bundle_ + "/rootfs";
    fs::create_directories(root_ + "/etc");
    fs::create_directories(root_ + "/usr/lib64");
    fs::create_symlink("usr/lib64", root_ + "/lib64");
    std::ofstream(bundle_ + "/config.json") << R"({"root":{"path":"rootfs"}})";
    state_ = R"({"ociVersion":"1.0.2","id":"c","status":"creating","pid":1,"bundle":")" +
             bundle_ + R"("})";
  }
  std::string dir_, bundle_, root_, state_;
};

TEST_F(CdiHookBinaryTest, CreateSymlinksFromState) {
  Result r = RunHook(dir_, "create-symlinks --link libcuda.so.580::/lib64/libcuda.so.1", state_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::read_symlink(root_ + "/usr/lib64/libcuda.so.1"), "libcuda.so.580");
}

TEST_F(CdiHookBinaryTest, UpdateLdcacheWithContainerSpec) {
  ASSERT_EQ(::geteuid(), 0u) << "ldconfig -r needs root; run this test as root";
  fs::copy_file(fs::canonical("/lib/x86_64-linux-gnu/libz.so.1"), root_ + "/usr/lib64/libz.so.1");
  Result r = RunHook(dir_,
                     "update-ldcache --folder /lib64 --container-spec " + bundle_ + "/config.json",
                     "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(root_ + "/etc/ld.so.cache", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("/lib64/libz.so.1"));
}

TEST_F(CdiHookBinaryTest, FailuresExitNonZeroWithAMessage) {
  Result usage = RunHook(dir_, "create-symlinks", state_);
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("--link"));
  Result bad_state = RunHook(dir_, "create-symlinks --link a::/x", "{}");
  EXPECT_EQ(bad_state.exit_code, 1);
  EXPECT_THAT(bad_state.err, HasSubstr("cdi-hook: OCI state on stdin has no \"bundle\""));
  Result bad_link = RunHook(dir_, "create-symlinks --link nolink", state_);
  EXPECT_EQ(bad_link.exit_code, 1);
  EXPECT_THAT(bad_link.err, HasSubstr("TARGET::LINK"));
  Result bad_ldconfig =
      RunHook(dir_, "update-ldcache --folder /lib64 --ldconfig-path /bin/false", state_);
  EXPECT_EQ(bad_ldconfig.exit_code, 1);
  EXPECT_THAT(bad_ldconfig.err, HasSubstr("/bin/false -r"));
}

// The runtime runs the hook on the host, with the host's libraries: it must
// need none. (Sanitizer/fuzzer builds link it dynamically and do not have
// this test.)
#if CDI_HOOK_STATIC
TEST(CdiHookBinaryLinkTest, NeedsNoSharedLibraries) {
  auto image = util::ReadFile(CDI_HOOK_BINARY);
  ASSERT_TRUE(image.ok()) << image.status();
  auto info = cdi::ParseElfDynamic(*image);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->needed, ::testing::IsEmpty());
}
#endif

}  // namespace

#include "nvml/loader.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "testing/status_matchers.h"

namespace nvml {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing_util::UniqueTempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  // Creates <root><rel> as a regular file.
  fs::path Touch(const std::string& rel) {
    fs::path p = root_ / fs::path(rel).relative_path();
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
    return p;
  }
  std::string Root() const { return root_.string(); }
  fs::path root_;
};

TEST_F(LoaderTest, FindsInRootItself) {
  fs::path lib = Touch("/libnvidia-ml.so.1");
  Touch("/usr/lib64/libnvidia-ml.so.1");  // later in the order
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(lib).string());
}

TEST_F(LoaderTest, FindsUnderUsrLibMultiarch) {
  fs::path lib = Touch("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
  Touch("/lib/libnvidia-ml.so.1");  // later in the order
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(lib).string());
}

TEST_F(LoaderTest, FindsInLib64OfNvidiaStyleRoot) {
  // /usr/local/nvidia layout of GKE/Talos (and the fixture): bin/, lib64/.
  fs::path lib = Touch("/lib64/libnvidia-ml.so.1");
  fs::path smi = Touch("/bin/nvidia-smi");
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(lib).string());
  absl::StatusOr<std::string> found_smi = FindNvidiaSmi(Root());
  ASSERT_OK(found_smi);
  EXPECT_EQ(*found_smi, fs::canonical(smi).string());
}

TEST_F(LoaderTest, FindsInPlainLib) {
  fs::path lib = Touch("/lib/libnvidia-ml.so.1");
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(lib).string());
}

TEST_F(LoaderTest, ResolvesSymlinks) {
  fs::path real = Touch("/usr/lib64/libnvidia-ml.so.580.159.04");
  fs::create_symlink("libnvidia-ml.so.580.159.04",
                     root_ / "usr/lib64/libnvidia-ml.so.1");
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(real).string());
}

TEST_F(LoaderTest, SkipsDanglingSymlinkAndDirectories) {
  fs::create_directories(root_ / "usr/lib64");
  fs::create_symlink("missing.so", root_ / "usr/lib64/libnvidia-ml.so.1");
  fs::create_directories(root_ / "lib64/libnvidia-ml.so.1");  // a directory
  fs::path lib = Touch("/lib/aarch64-linux-gnu/libnvidia-ml.so.1");
  absl::StatusOr<std::string> found = FindNvmlLibrary(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(lib).string());
}

TEST_F(LoaderTest, NotFoundListsEveryPath) {
  const std::string r = Root();
  std::vector<std::string> want = {
      r + "/libnvidia-ml.so.1",
      r + "/usr/lib64/libnvidia-ml.so.1",
      r + "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
      r + "/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1",
      r + "/lib64/libnvidia-ml.so.1",
      r + "/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
      r + "/lib/aarch64-linux-gnu/libnvidia-ml.so.1",
      r + "/lib/libnvidia-ml.so.1",
      r + "/usr/lib/libnvidia-ml.so.1",
  };
  EXPECT_EQ(CandidatePaths(r, "libnvidia-ml.so.1", false), want);
  EXPECT_THAT(FindNvmlLibrary(r),
              StatusIs(absl::StatusCode::kNotFound,
                       "libnvidia-ml.so.1 not found under driver root \"" + r +
                           "\"; tried: " + absl::StrJoin(want, ", ")));
}

TEST_F(LoaderTest, NvidiaSmiNotFoundListsEveryPath) {
  const std::string r = Root();
  std::vector<std::string> want = {
      r + "/nvidia-smi",      r + "/opt/bin/nvidia-smi", r + "/usr/bin/nvidia-smi",
      r + "/usr/sbin/nvidia-smi", r + "/bin/nvidia-smi", r + "/sbin/nvidia-smi",
  };
  EXPECT_THAT(FindNvidiaSmi(r),
              StatusIs(absl::StatusCode::kNotFound,
                       "nvidia-smi not found under driver root \"" + r +
                           "\"; tried: " + absl::StrJoin(want, ", ")));
}

TEST_F(LoaderTest, NvidiaSmiSearchOrder) {
  Touch("/sbin/nvidia-smi");
  fs::path smi = Touch("/usr/bin/nvidia-smi");
  absl::StatusOr<std::string> found = FindNvidiaSmi(Root());
  ASSERT_OK(found);
  EXPECT_EQ(*found, fs::canonical(smi).string());
}

TEST_F(LoaderTest, HostRootPaths) {
  EXPECT_EQ(CandidatePaths("/", "libnvidia-ml.so.1", false).front(),
            "/libnvidia-ml.so.1");
  EXPECT_EQ(CandidatePaths("/", "libnvidia-ml.so.1", false)[1],
            "/usr/lib64/libnvidia-ml.so.1");
  EXPECT_EQ(CandidatePaths("", "nvidia-smi", true)[2], "/usr/bin/nvidia-smi");
}

TEST_F(LoaderTest, DevRoot) {
  EXPECT_EQ(DevRoot(Root()), "/");
  fs::create_directories(root_ / "dev");
  // An empty dev/ (as /usr/local/nvidia ships): the nodes are in /dev.
  EXPECT_EQ(DevRoot(Root()), "/");
  std::ofstream(root_ / "dev" / "nvidiactl") << "";
  EXPECT_EQ(DevRoot(Root()), Root());
  EXPECT_EQ(DevRoot("/"), "/");
  // A file named dev is not a dev root.
  fs::path other = root_ / "other";
  fs::create_directories(other);
  std::ofstream(other / "dev") << "";
  EXPECT_EQ(DevRoot(other.string()), "/");
}

}  // namespace
}  // namespace nvml

// embedded_test.cc: the topology trailer of the library copy that
// make-driver-root installs (embedded_topology.h): footer format, the copy
// still dlopens and finds its node with no yaml and no NVML_MOCK_* set, the
// lookup order, and that an in-memory (container) state gives the same
// GPU/MIG UUIDs and GI/CI ids as the host's state file.
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "embedded_topology.h"
#include "gmock/gmock.h"
#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

namespace fs = std::filesystem;
using nvml_mock::kFooterSize;

constexpr char kDriver[] = "580.159.04";

void ClearMockEnv() {
  for (const char* v : {"NVML_MOCK_ROOT", "NVML_MOCK_TOPOLOGY", "NVML_MOCK_STATE", "NVML_MOCK_FAULTS",
                        "NVML_MOCK_DEV_DIR", "NVML_MOCK_LOG", "NVML_MOCK_IGNORE_DEV"}) {
    ::unsetenv(v);
  }
}

// In a child: dlopen `lib`, nvmlInit, and write to `out` one line per
// visible device: "gpu UUID" or "mig PARENT GI CI UUID"; the first line is
// "driver VERSION". Exit status: 0 ok, 10 dlopen, 11 init (rc in `out`).
int Dump(const std::string& lib, const std::string& out) {
  void* h = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) return 10;
  auto sym = [h](const char* n) { return ::dlsym(h, n); };
  std::ofstream o(out);
  nvmlReturn_t r = reinterpret_cast<nvmlReturn_t (*)()>(sym("nvmlInit_v2"))();
  if (r != NVML_SUCCESS) {
    o << "init " << r << " " << reinterpret_cast<const char* (*)()>(sym("nvmlMockLastError"))() << "\n";
    return 11;
  }
  using Str = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned);
  using U32 = nvmlReturn_t (*)(nvmlDevice_t, unsigned*);
  auto uuid = [&](nvmlDevice_t d) {
    char b[96] = {};
    reinterpret_cast<Str>(sym("nvmlDeviceGetUUID"))(d, b, sizeof b);
    return std::string(b);
  };
  char ver[80] = {};
  reinterpret_cast<nvmlReturn_t (*)(char*, unsigned)>(sym("nvmlSystemGetDriverVersion"))(ver, sizeof ver);
  o << "driver " << ver << "\n";
  unsigned count = 0;
  reinterpret_cast<nvmlReturn_t (*)(unsigned*)>(sym("nvmlDeviceGetCount_v2"))(&count);
  for (unsigned i = 0; i < count; ++i) {
    nvmlDevice_t d = nullptr;
    reinterpret_cast<nvmlReturn_t (*)(unsigned, nvmlDevice_t*)>(sym("nvmlDeviceGetHandleByIndex_v2"))(i, &d);
    o << "gpu " << uuid(d) << "\n";
    unsigned max = 0;
    if (reinterpret_cast<U32>(sym("nvmlDeviceGetMaxMigDeviceCount"))(d, &max) != NVML_SUCCESS) continue;
    for (unsigned m = 0; m < max; ++m) {
      nvmlDevice_t md = nullptr;
      auto byIndex = reinterpret_cast<nvmlReturn_t (*)(nvmlDevice_t, unsigned, nvmlDevice_t*)>(
          sym("nvmlDeviceGetMigDeviceHandleByIndex"));
      if (byIndex(d, m, &md) != NVML_SUCCESS) continue;
      unsigned gi = 99, ci = 99;
      reinterpret_cast<U32>(sym("nvmlDeviceGetGpuInstanceId"))(md, &gi);
      reinterpret_cast<U32>(sym("nvmlDeviceGetComputeInstanceId"))(md, &ci);
      o << "mig " << uuid(d) << " " << gi << " " << ci << " " << uuid(md) << "\n";
    }
  }
  return 0;
}

class EmbeddedTest : public MockTest {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/nvml-mock-root.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::string cmd = std::string(NVML_MOCK_MAKE_ROOT) + " --build-dir " + NVML_MOCK_BUILD_DIR + " " +
                      root_ + " " + TopologyPath("dgx-a100-half-balanced");
    ASSERT_EQ(Shell(cmd), 0) << cmd;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void SetUp() override {
    MockTest::SetUp();
    lib64_ = dir_ + "/c/lib64";
    fs::create_directories(lib64_);
    fs::copy_file(root_ + "/lib64/libyaml-cpp.so.0.7", lib64_ + "/libyaml-cpp.so.0.7");
  }
  // Installs `from` as <lib64_>/libnvidia-ml.so.<ver> (+ .so.1 link).
  std::string Install(const std::string& from) {
    std::string lib = lib64_ + "/libnvidia-ml.so." + kDriver;
    fs::copy_file(from, lib, fs::copy_options::overwrite_existing);
    fs::create_symlink(lib, lib64_ + "/libnvidia-ml.so.1");
    return lib64_ + "/libnvidia-ml.so.1";
  }
  // Dump() of `lib` in a child with a clean NVML_MOCK_* environment plus
  // NVML_MOCK_IGNORE_DEV=1; returns the child's exit status.
  int DumpClean(const std::string& lib, std::string* text) {
    std::string out = dir_ + "/dump.txt";
    int rc = InChild([&] {
      ClearMockEnv();
      ::setenv("NVML_MOCK_IGNORE_DEV", "1", 1);
      return Dump(lib, out);
    });
    *text = ReadText(out);
    return rc;
  }
  static std::string root_;
  std::string lib64_;
};

std::string EmbeddedTest::root_;

TEST(EmbeddedFooter, RoundTripAndRejects) {
  std::string f = nvml_mock::MakeFooter(1234);
  ASSERT_EQ(f.size(), kFooterSize);
  EXPECT_EQ(f, "NVML_MOCK_TOPOLOGY_V1 0000001234\n");
  EXPECT_EQ(nvml_mock::ParseFooter(f, 5000), 1234u);
  EXPECT_EQ(nvml_mock::ParseFooter(f, 1234 + kFooterSize), 1234u);
  EXPECT_FALSE(nvml_mock::ParseFooter(f, 1233 + kFooterSize));  // payload larger than file
  EXPECT_FALSE(nvml_mock::ParseFooter(nvml_mock::MakeFooter(0), 5000));
  EXPECT_FALSE(nvml_mock::ParseFooter("NVML_MOCK_TOPOLOGY_V1 00000012x4\n", 5000));
  EXPECT_FALSE(nvml_mock::ParseFooter("NVML_MOCK_TOPOLOGY_V2 0000001234\n", 5000));
  EXPECT_FALSE(nvml_mock::ParseFooter(f.substr(1), 5000));
  EXPECT_FALSE(nvml_mock::ParseFooter(nvml_mock::MakeFooter(nvml_mock::kMaxEmbeddedYaml + 1), 1ull << 40));
}

TEST_F(EmbeddedTest, EmbedReplacesTrailerAndReadsBack) {
  std::string file = dir_ + "/blob";
  WriteText(file, "ELFDATA");
  std::string error, yaml;
  EXPECT_FALSE(nvml_mock::ReadEmbeddedTopology(file, &yaml));
  ASSERT_TRUE(nvml_mock::EmbedTopology(file, "a: 1\n", &error)) << error;
  ASSERT_TRUE(nvml_mock::EmbedTopology(file, "b: 22\n", &error)) << error;
  ASSERT_TRUE(nvml_mock::ReadEmbeddedTopology(file, &yaml));
  EXPECT_EQ(yaml, "b: 22\n");
  EXPECT_EQ(ReadText(file), "ELFDATAb: 22\n" + nvml_mock::MakeFooter(6));
  EXPECT_FALSE(nvml_mock::EmbedTopology(dir_ + "/missing", "a: 1\n", &error));
  EXPECT_THAT(error, ::testing::HasSubstr("/missing"));
  EXPECT_FALSE(nvml_mock::ReadEmbeddedTopology(dir_ + "/missing", &yaml));
}

TEST_F(EmbeddedTest, CopyWithTrailerDlopensAndFindsItsTopology) {
  std::string copy = root_ + "/lib64/libnvidia-ml.so." + kDriver;
  EXPECT_GT(fs::file_size(copy), fs::file_size(NVML_MOCK_LIB));
  std::string text;
  ASSERT_EQ(DumpClean(Install(copy), &text), 0) << text;
  EXPECT_THAT(text, ::testing::StartsWith(std::string("driver ") + kDriver + "\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("gpu GPU-a100a100-0000-4000-8000-000000000007\n"));
  EXPECT_FALSE(fs::exists(lib64_ + "/nvml-mock-topology.yaml"));
}

TEST_F(EmbeddedTest, YamlBesideTheLibraryWins) {
  std::string lib = Install(root_ + "/lib64/libnvidia-ml.so." + kDriver);
  fs::copy_file(TopologyPath("l4"), lib64_ + "/nvml-mock-topology.yaml");
  std::string text;
  ASSERT_EQ(DumpClean(lib, &text), 0) << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("GPU-a100a100")));
}

TEST_F(EmbeddedTest, PlainLibraryWithoutTrailerHasNoDriver) {
  std::string text;
  EXPECT_EQ(DumpClean(Install(NVML_MOCK_LIB), &text), 11);
  EXPECT_THAT(text, ::testing::StartsWith("init 9 "));  // NVML_ERROR_DRIVER_NOT_LOADED
}

TEST_F(EmbeddedTest, BadEmbeddedYamlNamesTheLibrary) {
  std::string lib = Install(NVML_MOCK_LIB);
  std::string error;
  ASSERT_TRUE(nvml_mock::EmbedTopology(lib64_ + "/libnvidia-ml.so." + kDriver, "gpus: [\n", &error));
  std::string text;
  EXPECT_EQ(DumpClean(lib, &text), 11);
  EXPECT_THAT(text, ::testing::StartsWith("init 999 "));  // NVML_ERROR_UNKNOWN
  EXPECT_THAT(text, ::testing::HasSubstr("[embedded]:"));
}

// The container has no state file: its in-memory state starts from the
// topology's pre-created instances and must match the host's state file.
TEST_F(EmbeddedTest, ContainerStateMatchesHostState) {
  std::string host = dir_ + "/host.txt";
  ASSERT_EQ(InChild([&] {
              ClearMockEnv();
              ::setenv("NVML_MOCK_ROOT", root_.c_str(), 1);
              ::setenv("NVML_MOCK_TOPOLOGY", (root_ + "/lib64/nvml-mock-topology.yaml").c_str(), 1);
              ::setenv("NVML_MOCK_DEV_DIR", (root_ + "/dev").c_str(), 1);
              return Dump(root_ + "/lib64/libnvidia-ml.so.1", host);
            }),
            0)
      << ReadText(host);
  ASSERT_TRUE(fs::exists(root_ + "/var/lib/nvml-mock/state.json"));
  std::string container;
  ASSERT_EQ(DumpClean(Install(root_ + "/lib64/libnvidia-ml.so." + kDriver), &container), 0) << container;
  EXPECT_EQ(container, ReadText(host));
  // GPU 2's 3g.20gb instance is GI 2 (second half of the placement tree).
  EXPECT_THAT(container, ::testing::HasSubstr("mig GPU-a100a100-0000-4000-8000-000000000002 2 0 MIG-"));
  EXPECT_THAT(container, ::testing::HasSubstr("mig GPU-a100a100-0000-4000-8000-000000000002 7 0 MIG-"));
}

}  // namespace
}  // namespace nvml_mock_test

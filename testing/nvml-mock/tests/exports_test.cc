// exports_test.cc: the mock exports every symbol of the real 580.159.04
// libnvidia-ml.so.1, our committed list matches the fixture, and unmodeled
// symbols answer NOT_SUPPORTED.
#include <fstream>
#include <set>

#include "mock_test_util.h"

namespace nvml_mock_test {
namespace {

std::vector<std::string> ReadNames(const std::string& path) {
  std::vector<std::string> names;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') names.push_back(line);
  }
  return names;
}

TEST(NvmlMockExports, EveryFixtureSymbolIsExported) {
  std::string fixture = std::string(NVML_MOCK_FIXTURE_DIR) + "/libnvidia-ml-exports.txt";
  if (!std::ifstream(fixture)) GTEST_SKIP() << fixture << " not present";
  std::vector<std::string> names = ReadNames(fixture);
  ASSERT_EQ(names.size(), 404u);
  for (const std::string& n : names) EXPECT_NE(RawSym(n.c_str()), nullptr) << n;
}

TEST(NvmlMockExports, CommittedListMatchesFixture) {
  std::string fixture = std::string(NVML_MOCK_FIXTURE_DIR) + "/libnvidia-ml-exports.txt";
  if (!std::ifstream(fixture)) GTEST_SKIP() << fixture << " not present";
  EXPECT_EQ(ReadNames(NVML_MOCK_SYMBOLS), ReadNames(fixture));
}

TEST(NvmlMockExports, OnlyNvmlNamesAreExported) {
  std::string cmd = std::string("nm -D --defined-only ") + NVML_MOCK_LIB +
                    " | awk '{print $3}' | grep -v '^nvml' | grep -v '^$' > /dev/null";
  EXPECT_NE(Shell(cmd), 0) << "the mock exports non-NVML symbols";
  EXPECT_NE(RawSym("nvmlMockLastError"), nullptr);
}

TEST(NvmlMockExports, StubsReturnNotSupported) {
  auto fn = Sym<nvmlReturn_t (*)(unsigned*)>("nvmlUnitGetCount");
  ASSERT_NE(fn, nullptr);
  unsigned n = 0;
  EXPECT_EQ(fn(&n), NVML_ERROR_NOT_SUPPORTED);
}

TEST(NvmlMockExports, ErrorStrings) {
  auto es = Sym<nvmlErrorString_fn>("nvmlErrorString");
  EXPECT_STREQ(es(NVML_SUCCESS), "Success");
  EXPECT_STREQ(es(NVML_ERROR_UNINITIALIZED), "Uninitialized");
  EXPECT_STREQ(es(NVML_ERROR_INVALID_ARGUMENT), "Invalid Argument");
  EXPECT_STREQ(es(NVML_ERROR_NOT_SUPPORTED), "Not Supported");
  EXPECT_STREQ(es(NVML_ERROR_NO_PERMISSION), "Insufficient Permissions");
  EXPECT_STREQ(es(NVML_ERROR_NOT_FOUND), "Not Found");
  EXPECT_STREQ(es(NVML_ERROR_INSUFFICIENT_SIZE), "Insufficient Size");
  EXPECT_STREQ(es(NVML_ERROR_TIMEOUT), "Timeout");
  EXPECT_STREQ(es(NVML_ERROR_GPU_IS_LOST), "GPU is lost");
  EXPECT_STREQ(es(NVML_ERROR_IN_USE), "In use by another client");
  EXPECT_STREQ(es(NVML_ERROR_INSUFFICIENT_RESOURCES), "Insufficient resources for request");
  EXPECT_STREQ(es(NVML_ERROR_UNKNOWN), "Unknown Error");
}

}  // namespace
}  // namespace nvml_mock_test

// nvml_mock_env.h: points the NVML mock (testing/nvml-mock) of this process
// at a shipped topology, with its own dev dir and state file under `dir`,
// for tests that dlopen the mock library in-process.
//
//   ASSERT_NO_FATAL_FAILURE(testing_util::UseNvmlMockTopology("h100-pcie-vm", dir));
//
// Test-only; sets process environment variables (not thread-safe).
#ifndef DRA_TESTING_NVML_MOCK_ENV_H_
#define DRA_TESTING_NVML_MOCK_ENV_H_

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace testing_util {

// Fails the test when the topology file is missing; recreates `dir`.
inline void UseNvmlMockTopology(const std::string& name, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const std::string topology =
      std::string(DRA_SOURCE_DIR) + "/testing/nvml-mock/topologies/" + name + ".yaml";
  ASSERT_TRUE(fs::exists(topology)) << "no mock topology " << topology;
  fs::remove_all(dir);
  fs::create_directories(dir / "dev");
  ::setenv("NVML_MOCK_TOPOLOGY", topology.c_str(), 1);
  ::setenv("NVML_MOCK_DEV_DIR", (dir / "dev").c_str(), 1);
  ::setenv("NVML_MOCK_IGNORE_DEV", "1", 1);
  ::setenv("NVML_MOCK_STATE", (dir / "state.json").c_str(), 1);
}

}  // namespace testing_util

#endif  // DRA_TESTING_NVML_MOCK_ENV_H_

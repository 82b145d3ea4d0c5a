// mock_test_util.h: helpers for the NVML mock tests: the mock library
// dlopen'd once per process (path from the NVML_MOCK_LIB compile
// definition), typed symbol lookup, a per-test temp dir and a fixture that
// points the mock at a topology with its own state and fault files.
//
// Test-only. Not thread-safe (tests set environment variables).
#ifndef NVML_MOCK_TESTS_MOCK_TEST_UTIL_H_
#define NVML_MOCK_TESTS_MOCK_TEST_UTIL_H_

#include <functional>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "src/nvml/nvml_abi.h"

namespace nvml_mock_test {

// Looks `name` up in the mock library; nullptr if absent.
void* RawSym(const char* name);

template <typename F>
F Sym(const char* name) {
  return reinterpret_cast<F>(RawSym(name));
}

// Calls the NVML function `name` with the signature spelled out by the
// caller: Call<nvmlReturn_t(unsigned*)>("nvmlDeviceGetCount_v2", &n).
template <typename Sig, typename... A>
auto Call(const char* name, A&&... args) {
  Sig* fn = Sym<Sig*>(name);
  if (fn == nullptr) ADD_FAILURE() << "missing symbol " << name;
  return fn(std::forward<A>(args)...);
}

std::string TopologyPath(const std::string& name);
std::string ReadText(const std::string& path);
void WriteText(const std::string& path, const std::string& text);

// Runs `body` in a forked child; returns its exit status (or -1).
int InChild(const std::function<int()>& body);
// Runs a shell command, returns its exit status.
int Shell(const std::string& cmd);

class MockTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Points the mock at `topology` (a name from topologies/ or a path) with
  // state and fault files in this test's temp dir; all GPUs visible.
  void UseTopology(const std::string& topology);
  nvmlReturn_t Init();
  nvmlDevice_t Gpu(unsigned index);
  std::string Ctl(const std::string& args);  // runs nvml-mock-ctl; returns ""

  std::string dir_;
  std::string state_, faults_;
};

}  // namespace nvml_mock_test

#endif  // NVML_MOCK_TESTS_MOCK_TEST_UTIL_H_

// mock_test_util.cc: see mock_test_util.h.
#include "mock_test_util.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nvml_mock_test {

void* RawSym(const char* name) {
  static void* lib = [] {
    void* h = ::dlopen(NVML_MOCK_LIB, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) std::fprintf(stderr, "dlopen %s: %s\n", NVML_MOCK_LIB, ::dlerror());
    return h;
  }();
  return lib == nullptr ? nullptr : ::dlsym(lib, name);
}

std::string TopologyPath(const std::string& name) {
  return std::string(NVML_MOCK_TOPOLOGIES) + "/" + name + ".yaml";
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

int InChild(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int rc = 100;
    try {
      rc = body();
    } catch (...) {
    }
    ::_exit(rc);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int Shell(const std::string& cmd) {
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void MockTest::SetUp() {
  ASSERT_NE(RawSym("nvmlInit_v2"), nullptr) << "cannot load " << NVML_MOCK_LIB;
  char tmpl[] = "/tmp/nvml-mock-test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  dir_ = tmpl;
  state_ = dir_ + "/state.json";
  faults_ = dir_ + "/faults.json";
  for (const char* v : {"NVML_MOCK_ROOT", "NVML_MOCK_TOPOLOGY", "NVML_MOCK_DEV_DIR", "NVML_MOCK_LOG"}) {
    ::unsetenv(v);
  }
  ::setenv("NVML_MOCK_STATE", state_.c_str(), 1);
  ::setenv("NVML_MOCK_FAULTS", faults_.c_str(), 1);
  ::setenv("NVML_MOCK_IGNORE_DEV", "1", 1);
}

void MockTest::TearDown() {
  auto shutdown = Sym<nvmlReturn_t (*)()>("nvmlShutdown");
  if (shutdown != nullptr) {
    while (shutdown() == NVML_SUCCESS) {
    }
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

void MockTest::UseTopology(const std::string& topology) {
  std::string path = topology.find('/') == std::string::npos ? TopologyPath(topology) : topology;
  ::setenv("NVML_MOCK_TOPOLOGY", path.c_str(), 1);
}

nvmlReturn_t MockTest::Init() { return Sym<nvmlInit_v2_fn>("nvmlInit_v2")(); }

nvmlDevice_t MockTest::Gpu(unsigned index) {
  nvmlDevice_t d = nullptr;
  EXPECT_EQ(Sym<nvmlDeviceGetHandleByIndex_v2_fn>("nvmlDeviceGetHandleByIndex_v2")(index, &d), NVML_SUCCESS);
  return d;
}

std::string MockTest::Ctl(const std::string& args) {
  std::string cmd = std::string(NVML_MOCK_CTL) + " --file " + faults_ + " " + args;
  EXPECT_EQ(Shell(cmd), 0) << cmd;
  return "";
}

}  // namespace nvml_mock_test

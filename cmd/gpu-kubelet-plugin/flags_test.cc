#include "cmd/gpu-kubelet-plugin/flags.h"

#include <cstdlib>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plugin {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<ParseResult> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "gpu-kubelet-plugin");
  return ParseFlags(static_cast<int>(args.size()), args.data());
}

class FlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* e : {"NODE_NAME", "IMAGE_NAME", "CDI_ROOT", "NVIDIA_DRIVER_ROOT",
                          "HOST_DRIVER_ROOT", "HEALTHCHECK_PORT", "KUBE_API_QPS", "V",
                          "KUBECONFIG", "FEATURE_GATES", "DRA_PROC_ROOT", "DRA_SYSFS_ROOT"})
      unsetenv(e);
  }
};

TEST_F(FlagsTest, ReferenceDefaults) {
  auto r = Parse({"--node-name=n1", "--image-name=img"});
  ASSERT_TRUE(r.ok()) << r.status();
  const Flags& f = r->flags;
  EXPECT_EQ(f.node_name, "n1");
  EXPECT_EQ(f.namespace_, "default");
  EXPECT_EQ(f.cdi_root, "/etc/cdi");
  EXPECT_EQ(f.nvidia_driver_root, "/");
  EXPECT_EQ(f.container_driver_root, "/driver-root");
  EXPECT_EQ(f.kubelet_registrar_directory_path, "/var/lib/kubelet/plugins_registry");
  EXPECT_EQ(f.kubelet_plugins_directory_path, "/var/lib/kubelet/plugins");
  EXPECT_EQ(f.healthcheck_port, -1);
  EXPECT_EQ(f.http_endpoint, "");
  EXPECT_EQ(f.metrics_path, "/metrics");
  EXPECT_EQ(f.kube_api_qps, 5);
  EXPECT_EQ(f.kube_api_burst, 10);
}

TEST_F(FlagsTest, EnvironmentAndAliases) {
  setenv("NODE_NAME", "envnode", 1);
  setenv("IMAGE_NAME", "envimg", 1);
  setenv("HEALTHCHECK_PORT", "51516", 1);
  setenv("HOST_DRIVER_ROOT", "/run/nvidia/driver", 1);
  setenv("V", "4", 1);
  auto r = Parse({});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->flags.node_name, "envnode");
  EXPECT_EQ(r->flags.healthcheck_port, 51516);
  EXPECT_EQ(r->flags.nvidia_driver_root, "/run/nvidia/driver");
  EXPECT_EQ(r->flags.v, 4);
  // The flag beats the environment; the underscore alias works.
  auto r2 = Parse({"--host_driver-root=/x", "-v", "6"});
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->flags.nvidia_driver_root, "/x");
  EXPECT_EQ(r2->flags.v, 6);
}

TEST_F(FlagsTest, Errors) {
  EXPECT_THAT(std::string(Parse({"--image-name=i"}).status().message()),
              HasSubstr("--node-name is required"));
  EXPECT_THAT(std::string(Parse({"--node-name=n"}).status().message()),
              HasSubstr("--image-name is required"));
  EXPECT_EQ(Parse({"--node-name=n", "--image-name=i", "extra"}).status().message(),
            "arguments not supported");
  EXPECT_FALSE(Parse({"--node-name=n", "--image-name=i", "--healthcheck-port=x"}).ok());
  EXPECT_FALSE(Parse({"--node-name=n", "--image-name=i", "--no-such-flag"}).ok());
  EXPECT_THAT(std::string(Parse({"--node-name=n", "--image-name=i", "--logging-format=json"})
                              .status().message()),
              HasSubstr("only text"));
}

TEST_F(FlagsTest, Help) {
  auto r = Parse({"--help"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->help_requested);
  EXPECT_THAT(r->help, HasSubstr("--kubelet-plugins-directory-path"));
}

}  // namespace
}  // namespace plugin

#include "cdi/spec.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "yaml-cpp/yaml.h"

namespace cdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

Spec Sample() {
  Spec spec;
  spec.kind = "k8s.gpu.nvidia.com/claim";
  Device gpu;
  gpu.name = "4b1c-gpu-0";
  gpu.edits.device_nodes.push_back(DeviceNode{.path = "/dev/nvidia0",
                                              .host_path = "/run/nvidia/driver/dev/nvidia0"});
  DeviceNode cap;
  cap.path = "/dev/nvidia-caps/nvidia-cap21";
  cap.type = "c";
  cap.major = 241;
  cap.minor = 21;
  cap.file_mode = 0444;
  gpu.edits.device_nodes.push_back(cap);
  spec.devices.push_back(gpu);
  spec.edits.env = {"NVIDIA_VISIBLE_DEVICES=void"};
  spec.edits.mounts.push_back(Mount{"/run/nvidia/driver/lib64/libcuda.so.580.159.04",
                                    "/lib64/libcuda.so.580.159.04", "",
                                    {"ro", "nosuid", "nodev", "rbind", "rprivate"}});
  spec.edits.hooks.push_back(Hook{"createContainer", "/usr/bin/cdi-hook",
                                  {"cdi-hook", "update-ldcache", "--folder", "/lib64"},
                                  {"A=1"}, 5});
  return spec;
}

Spec Minimal(const std::string& device_name = "gpu0") {
  Spec spec;
  spec.kind = "k8s.gpu.nvidia.com/claim";
  spec.devices.push_back(Device{.name = device_name});
  spec.devices[0].edits.device_nodes.push_back(DeviceNode{.path = "/dev/nvidia0"});
  return spec;
}

TEST(MinimumVersionTest, Baseline) { EXPECT_EQ(MinimumVersion(Minimal()), "0.3.0"); }

TEST(MinimumVersionTest, MountTypeNeeds040) {
  Spec spec = Minimal();
  spec.edits.mounts.push_back(Mount{"/a", "/b", "bind", {}});
  EXPECT_EQ(MinimumVersion(spec), "0.4.0");
}

TEST(MinimumVersionTest, HostPathNeeds050) {
  Spec spec = Minimal();
  spec.devices[0].edits.device_nodes[0].host_path = "/root/dev/nvidia0";
  EXPECT_EQ(MinimumVersion(spec), "0.5.0");
}

TEST(MinimumVersionTest, DeviceNameStartingWithDigitNeeds050) {
  EXPECT_EQ(MinimumVersion(Minimal("0a-gpu-0")), "0.5.0");
}

TEST(MinimumVersionTest, AnnotationsAndDottedClassNeed060) {
  Spec a = Minimal();
  a.annotations["x"] = "y";
  EXPECT_EQ(MinimumVersion(a), "0.6.0");
  Spec b = Minimal();
  b.devices[0].annotations["x"] = "y";
  EXPECT_EQ(MinimumVersion(b), "0.6.0");
  Spec c = Minimal();
  c.kind = "example.com/gpu.claim";
  EXPECT_EQ(MinimumVersion(c), "0.6.0");
}

TEST(MinimumVersionTest, AdditionalGidsNeed070AndHighestWins) {
  Spec spec = Minimal("1-gpu");
  spec.edits.mounts.push_back(Mount{"/a", "/b", "bind", {}});
  spec.devices[0].edits.additional_gids = {44};
  EXPECT_EQ(MinimumVersion(spec), "0.7.0");
}

TEST(ContainerEditsTest, AppendKeepsOrder) {
  ContainerEdits a;
  a.env = {"A=1"};
  ContainerEdits b;
  b.env = {"B=2"};
  b.device_nodes.push_back(DeviceNode{.path = "/dev/x"});
  a.Append(b);
  EXPECT_THAT(a.env, ElementsAre("A=1", "B=2"));
  ASSERT_EQ(a.device_nodes.size(), 1u);
  EXPECT_EQ(a.device_nodes[0].path, "/dev/x");
  EXPECT_FALSE(a.Empty());
  EXPECT_TRUE(ContainerEdits{}.Empty());
}

TEST(ValidateTest, AcceptsSample) { EXPECT_OK(Validate(Sample())); }

TEST(ValidateTest, RejectsBrokenSpecs) {
  Spec none = Sample();
  none.devices.clear();
  EXPECT_THAT(Validate(none), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no devices")));
  Spec dup = Sample();
  dup.devices.push_back(dup.devices[0]);
  EXPECT_THAT(Validate(dup), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  Spec env = Sample();
  env.edits.env.push_back("=x");
  EXPECT_THAT(Validate(env), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("=x")));
  Spec hook = Sample();
  hook.edits.hooks[0].path = "cdi-hook";
  EXPECT_THAT(Validate(hook), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("absolute")));
  Spec hook_name = Sample();
  hook_name.edits.hooks[0].hook_name = "preStart";
  EXPECT_THAT(Validate(hook_name),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("preStart")));
  Spec kind = Sample();
  kind.kind = "claim";
  EXPECT_THAT(Validate(kind), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  Spec name = Sample();
  name.devices[0].name = "gpu-";
  EXPECT_THAT(Validate(name), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpu-")));
  Spec mount = Sample();
  mount.edits.mounts[0].container_path.clear();
  EXPECT_THAT(Validate(mount), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mount")));
}

TEST(SpecYamlTest, FieldsRoundTrip) {
  YAML::Node y = YAML::Load(ToYaml(Sample()));
  EXPECT_EQ(y["cdiVersion"].as<std::string>(), "0.5.0");
  EXPECT_EQ(y["kind"].as<std::string>(), "k8s.gpu.nvidia.com/claim");
  EXPECT_FALSE(y["annotations"]);
  ASSERT_EQ(y["devices"].size(), 1u);
  YAML::Node dev = y["devices"][0];
  EXPECT_EQ(dev["name"].as<std::string>(), "4b1c-gpu-0");
  YAML::Node nodes = dev["containerEdits"]["deviceNodes"];
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0]["path"].as<std::string>(), "/dev/nvidia0");
  EXPECT_EQ(nodes[0]["hostPath"].as<std::string>(), "/run/nvidia/driver/dev/nvidia0");
  EXPECT_FALSE(nodes[0]["type"]);
  EXPECT_FALSE(nodes[0]["major"]);
  EXPECT_EQ(nodes[1]["type"].as<std::string>(), "c");
  EXPECT_EQ(nodes[1]["major"].as<int>(), 241);
  EXPECT_EQ(nodes[1]["minor"].as<int>(), 21);
  EXPECT_EQ(nodes[1]["fileMode"].as<int>(), 292);
  EXPECT_FALSE(nodes[1]["hostPath"]);
  YAML::Node edits = y["containerEdits"];
  ASSERT_EQ(edits["env"].size(), 1u);
  EXPECT_EQ(edits["env"][0].as<std::string>(), "NVIDIA_VISIBLE_DEVICES=void");
  YAML::Node m = edits["mounts"][0];
  EXPECT_EQ(m["hostPath"].as<std::string>(), "/run/nvidia/driver/lib64/libcuda.so.580.159.04");
  EXPECT_EQ(m["containerPath"].as<std::string>(), "/lib64/libcuda.so.580.159.04");
  EXPECT_EQ(m["options"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"ro", "nosuid", "nodev", "rbind", "rprivate"}));
  EXPECT_FALSE(m["type"]);
  YAML::Node h = edits["hooks"][0];
  EXPECT_EQ(h["hookName"].as<std::string>(), "createContainer");
  EXPECT_EQ(h["path"].as<std::string>(), "/usr/bin/cdi-hook");
  EXPECT_EQ(h["args"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"cdi-hook", "update-ldcache", "--folder", "/lib64"}));
  EXPECT_EQ(h["env"][0].as<std::string>(), "A=1");
  EXPECT_EQ(h["timeout"].as<int>(), 5);
}

TEST(SpecYamlTest, ExplicitVersionAndQuotedScalarsStayStrings) {
  Spec spec = Minimal();
  spec.version = "1.0.0";
  spec.edits.env = {"X=true"};
  spec.devices[0].annotations["n"] = "123";
  YAML::Node y = YAML::Load(ToYaml(spec));
  EXPECT_EQ(y["cdiVersion"].as<std::string>(), "1.0.0");
  EXPECT_EQ(y["devices"][0]["annotations"]["n"].as<std::string>(), "123");
  EXPECT_TRUE(y["devices"][0]["annotations"]["n"].Tag() == "!");  // quoted
}

// yaml-cpp's reading of a node as JSON: quoted scalars are strings, plain
// ones are integers (the writer emits no other plain scalars).
nlohmann::ordered_json YamlAsJson(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = YamlAsJson(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& v : n) a.push_back(YamlAsJson(v));
    return a;
  }
  if (n.Tag() == "!") return n.as<std::string>();
  return n.as<long long>();
}

// The YAML text, read by a YAML parser, is exactly the JSON form: strings
// with quotes, backslashes, newlines, tabs, control and non-ASCII
// characters, YAML indicators ("- ", ": ", "#", "&", "*", "!", "|", ">",
// "%", "@", "`"), words YAML 1.1 reads as bools/null, numbers-as-strings,
// empty strings, and annotation keys that need quoting.
TEST(SpecYamlTest, TrickyStringsAndKeysRoundTripExactly) {
  Spec spec = Sample();
  spec.annotations = {{"plain.key/name", "v"},       {"has space", "a: b"},
                      {"true", "yes"},               {"-lead", "- x"},
                      {"k#", "#comment"},            {"quote\"key", "\"q\" and \\ back"},
                      {"nl", "line1\nline2\ttab"}, {"ctl", std::string("a\x01b")},
                      {"utf8", "gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"},
                      {"ind", "&a *b !c |d >e %f @g `h"},
                      {"num", "0x1F"},              {"empty", ""},
                      {"null", "~"}};
  spec.edits.env = {"A=", "B=1", "C=: x", "D=null"};
  spec.devices[0].edits.hooks = {{"createContainer", "/p a/hook", {"x", "", "--y=\"z\""}, {}, 7}};
  std::string yaml = ToYaml(spec);
  nlohmann::ordered_json want = nlohmann::ordered_json::parse(ToJson(spec));
  YAML::Node y;
  ASSERT_NO_THROW(y = YAML::Load(yaml)) << yaml;
  EXPECT_EQ(YamlAsJson(y), want) << yaml;
  // Empty collections are written as such.
  Spec empty = Minimal();
  empty.devices[0].edits = {};
  YAML::Node e = YAML::Load(ToYaml(empty));
  EXPECT_TRUE(e["devices"][0]["containerEdits"].IsMap());
  EXPECT_EQ(e["devices"][0]["containerEdits"].size(), 0u);
}

TEST(SpecJsonTest, FieldsRoundTrip) {
  nlohmann::json j = nlohmann::json::parse(ToJson(Sample()));
  EXPECT_EQ(j["cdiVersion"], "0.5.0");
  EXPECT_EQ(j["devices"][0]["containerEdits"]["deviceNodes"][1]["fileMode"], 292);
  EXPECT_EQ(j["containerEdits"]["hooks"][0]["args"][3], "/lib64");
  EXPECT_FALSE(j.contains("annotations"));
  // A device with no edits still carries the (required) containerEdits key.
  Spec empty = Minimal();
  empty.devices[0].edits = {};
  nlohmann::json e = nlohmann::json::parse(ToJson(empty));
  EXPECT_TRUE(e["devices"][0].contains("containerEdits"));
  EXPECT_FALSE(e.contains("containerEdits"));
}

TEST(WriteSpecFileTest, AtomicWithMode0644) {
  std::string dir = testing_util::UniqueTempDir();
  std::string path = dir + "/k8s.gpu.nvidia.com-claim_abc.yaml";
  mode_t old = ::umask(077);
  absl::Status s = WriteSpecFile(path, Sample());
  ::umask(old);
  ASSERT_OK(s);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, ToYaml(Sample()));
  // Overwrite in place; no temp files are left behind.
  Spec other = Minimal();
  ASSERT_OK(WriteSpecFile(path, other));
  EXPECT_EQ(YAML::LoadFile(path)["devices"][0]["name"].as<std::string>(), "gpu0");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(WriteSpecFileTest, Failures) {
  std::string dir = testing_util::UniqueTempDir();
  EXPECT_THAT(WriteSpecFile(dir + "/missing/x.yaml", Sample()),
              StatusIs(absl::StatusCode::kInternal, HasSubstr(dir + "/missing/x.yaml")));
  Spec bad = Sample();
  bad.devices.clear();
  EXPECT_THAT(WriteSpecFile(dir + "/bad.yaml", bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.yaml")));
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad.yaml"));
}

TEST(RemoveSpecFileTest, RemovesAndToleratesAbsence) {
  std::string dir = testing_util::UniqueTempDir();
  std::string path = dir + "/x.yaml";
  ASSERT_OK(WriteSpecFile(path, Sample()));
  EXPECT_OK(RemoveSpecFile(path));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_OK(RemoveSpecFile(path));
  std::filesystem::create_directory(dir + "/d.yaml");
  EXPECT_THAT(RemoveSpecFile(dir + "/d.yaml"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("d.yaml")));
}

}  // namespace
}  // namespace cdi

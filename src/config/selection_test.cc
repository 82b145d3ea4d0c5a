// selection_test.cc: config selection steps 1-7, precedence and errors.
#include "config/selection.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "devices/attributes.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing_util::StatusIs;

constexpr char kGpuDriver[] = "gpu.nvidia.com";
constexpr char kCdDriver[] = "compute-domain.nvidia.com";

std::string Params(const std::string& kind, const std::string& body = "") {
  return R"({"apiVersion":"resource.nvidia.com/v1beta1","kind":")" + kind +
         "\"" + (body.empty() ? "" : "," + body) + "}";
}

std::string Ts(const char* interval) {
  return Params("GpuConfig", std::string(R"("sharing":{"strategy":"TimeSlicing","timeSlicingConfig":{"interval":")") +
                                 interval + "\"}}");
}

ConfigEntry Entry(const char* source, std::vector<std::string> requests,
                  std::string params, const char* driver = kGpuDriver) {
  return {source, std::move(requests), ConfigEntry::Opaque{driver, std::move(params)}};
}

AllocationResult Result(const char* request, const char* device,
                        const char* type, const char* driver = kGpuDriver) {
  return {request, driver, "node-a", device, type};
}

class SelectionTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::vector<ConfigGroup>> Select(
      const std::vector<ConfigEntry>& configs,
      const std::vector<AllocationResult>& results,
      PluginKind plugin = PluginKind::kGpu,
      DecodeMode mode = DecodeMode::kStrict) {
    SelectionOptions o;
    o.plugin = plugin;
    o.driver_name = plugin == PluginKind::kGpu ? kGpuDriver : kCdDriver;
    o.mode = mode;
    o.gates = &gates_;
    return SelectConfigs(configs, results, o);
  }
  FeatureGates gates_;
};

std::string Interval(const ConfigGroup& g) {
  const auto& s = std::get<GpuConfig>(g.config).sharing;
  return s ? *s->time_slicing_config->interval : "<none>";
}

TEST_F(SelectionTest, DefaultsApplyByDeviceType) {
  const auto gpu = Result("r0", "gpu-0", devices::kTypeGpu);
  const auto mig = Result("r1", "gpu-1-mig-1g10gb-19-0", devices::kTypeMig);
  const auto migdyn = Result("r1", "gpu-1-mig-2g20gb-14-0", kDeviceTypeMigDynamic);
  const auto vfio = Result("r2", "gpu-2", devices::kTypeVfio);
  auto groups = Select({}, {gpu, mig, migdyn, vfio});
  ASSERT_OK(groups);
  // Without PassthroughSupport no default config covers vfio devices.
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].config, AnyConfig(MigDeviceConfig{}));
  EXPECT_EQ((*groups)[0].source_index, -1);
  EXPECT_THAT((*groups)[0].results, ElementsAre(mig, migdyn));
  EXPECT_EQ((*groups)[1].config, AnyConfig(GpuConfig{}));
  EXPECT_THAT((*groups)[1].results, ElementsAre(gpu));

  gates_.SetForTesting(Feature::kPassthroughSupport, true);
  gates_.SetForTesting(Feature::kTimeSlicingSettings, true);
  groups = Select({}, {gpu, vfio});
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].config,
            AnyConfig(VfioDeviceConfig{IommuConfig{"LegacyOnly", false}}));
  EXPECT_THAT((*groups)[0].results, ElementsAre(vfio));
  EXPECT_EQ(Interval((*groups)[1]), "Default");
}

TEST_F(SelectionTest, ClaimBeatsClassAndLastMatchWins) {
  const auto r0 = Result("r0", "gpu-0", devices::kTypeGpu);
  const auto r1 = Result("r1", "gpu-1", devices::kTypeGpu);
  const auto r2 = Result("r2", "gpu-2", devices::kTypeGpu);
  auto groups = Select(
      {
          Entry(kConfigSourceClaim, {"r0"}, Ts("Short")),          // 0
          Entry(kConfigSourceClass, {"r0", "r1"}, Ts("Medium")),   // 1
          Entry(kConfigSourceClaim, {"r0"}, Ts("Long")),           // 2
          Entry(kConfigSourceClass, {"r2"}, Ts("Default")),        // 3
      },
      {r0, r1, r2});
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 3u);
  // Order: class 1, class 3, claim 0 (unused), claim 2.
  EXPECT_EQ((*groups)[0].source_index, 1);
  EXPECT_EQ(Interval((*groups)[0]), "Medium");
  EXPECT_THAT((*groups)[0].results, ElementsAre(r1));
  EXPECT_EQ((*groups)[1].source_index, 3);
  EXPECT_THAT((*groups)[1].results, ElementsAre(r2));
  EXPECT_EQ((*groups)[2].source_index, 2);
  EXPECT_EQ(Interval((*groups)[2]), "Long");
  EXPECT_THAT((*groups)[2].results, ElementsAre(r0));
}

TEST_F(SelectionTest, LaterConfigWithoutRequestsBeatsEarlierNamedOne) {
  const auto r0 = Result("r0", "gpu-0", devices::kTypeGpu);
  auto groups = Select({Entry(kConfigSourceClaim, {"r0"}, Ts("Long")),
                        Entry(kConfigSourceClaim, {}, Ts("Short"))},
                       {r0});
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].source_index, 1);
  EXPECT_EQ(Interval((*groups)[0]), "Short");
}

TEST_F(SelectionTest, UnnamedConfigsOfOtherKindsAreSkipped) {
  const auto gpu = Result("r0", "gpu-0", devices::kTypeGpu);
  const auto mig = Result("r0", "gpu-0-mig-1g10gb-19-0", devices::kTypeMig);
  auto groups = Select(
      {Entry(kConfigSourceClaim, {}, Ts("Long")),
       Entry(kConfigSourceClaim, {}, Params("MigDeviceConfig")),
       Entry(kConfigSourceClaim, {}, Params("VfioDeviceConfig"))},
      {gpu, mig});
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].source_index, 0);
  EXPECT_THAT((*groups)[0].results, ElementsAre(gpu));
  EXPECT_EQ((*groups)[1].source_index, 1);
  EXPECT_THAT((*groups)[1].results, ElementsAre(mig));
}

TEST_F(SelectionTest, OtherDriversAreSkipped) {
  const auto gpu = Result("r0", "gpu-0", devices::kTypeGpu);
  auto groups = Select(
      {Entry(kConfigSourceClaim, {"r0"}, "not even json", "other.example.com")},
      {gpu, Result("r0", "nic-0", "nic", "other.example.com")});
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].source_index, -1);
  EXPECT_THAT((*groups)[0].results, ElementsAre(gpu));
  EXPECT_THAT(*Select({}, {}), IsEmpty());
}

struct MismatchCase {
  const char* kind;
  const char* device;
  const char* type;
  const char* error;
};

class MismatchTest : public SelectionTest,
                     public ::testing::WithParamInterface<MismatchCase> {};

TEST_P(MismatchTest, NamedConfigOfWrongKindIsAnError) {
  const MismatchCase& tc = GetParam();
  EXPECT_THAT(
      Select({Entry(kConfigSourceClaim, {"req-a"}, Params(tc.kind))},
             {Result("req-a", tc.device, tc.type)}),
      StatusIs(absl::StatusCode::kFailedPrecondition, std::string(tc.error)));
}

INSTANTIATE_TEST_SUITE_P(
    Gpu, MismatchTest,
    ::testing::Values(
        MismatchCase{"GpuConfig", "gpu-0-mig-1g10gb-19-0", "mig",
                     "cannot apply GpuConfig to device \"gpu-0-mig-1g10gb-19-0\" "
                     "of type \"mig\" (request: req-a)"},
        MismatchCase{"GpuConfig", "gpu-3", "vfio",
                     "cannot apply GpuConfig to device \"gpu-3\" of type \"vfio\" "
                     "(request: req-a)"},
        MismatchCase{"MigDeviceConfig", "gpu-0", "gpu",
                     "cannot apply MigDeviceConfig to device \"gpu-0\" of type "
                     "\"gpu\" (request: req-a)"},
        MismatchCase{"VfioDeviceConfig", "gpu-1-mig-x", "migdyn",
                     "cannot apply VfioDeviceConfig to device \"gpu-1-mig-x\" of "
                     "type \"migdyn\" (request: req-a)"}));

TEST_F(SelectionTest, ConfigListErrors) {
  ConfigEntry no_opaque{kConfigSourceClaim, {"r0"}, std::nullopt};
  EXPECT_THAT(Select({Entry(kConfigSourceClaim, {}, Ts("Long")),
                      Entry("FromSomewhere", {}, Ts("Long"))},
                     {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "error getting opaque device configs: invalid config "
                       "source: FromSomewhere"));
  EXPECT_THAT(Select({Entry("", {}, Ts("Long"))}, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "error getting opaque device configs: invalid config "
                       "source: "));
  EXPECT_THAT(Select({no_opaque}, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "error getting opaque device configs: only opaque "
                       "parameters are supported by this driver"));
}

TEST_F(SelectionTest, DecodeErrorsNameTheConfigPosition) {
  const std::string unknown = Params("GpuConfig", R"("foo":1)");
  const std::vector<ConfigEntry> configs = {
      Entry(kConfigSourceClaim, {"r0"}, unknown),       // 0, decoded last
      Entry(kConfigSourceClass, {}, Ts("Long")),        // 1
  };
  EXPECT_THAT(Select(configs, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "error getting opaque device configs: error decoding "
                       "config parameters: devices.config[0]: strict decoding "
                       "error: unknown field \"foo\""));
  // Checkpoint data is decoded non-strictly.
  ASSERT_OK(Select(configs, {}, PluginKind::kGpu, DecodeMode::kNonStrict));
  EXPECT_THAT(
      Select({Entry(kConfigSourceClass, {}, Ts("Long")),
              Entry(kConfigSourceClass, {}, Params("Bogus"))},
             {}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "error getting opaque device configs: error decoding config "
               "parameters: devices.config[1]: no kind \"Bogus\" is registered "
               "for version \"resource.nvidia.com/v1beta1\" in scheme "
               "\"api/nvidia.com/resource/v1beta1/api.go:63\""));
}

TEST_F(SelectionTest, KindsThePluginDoesNotHandleFailAfterGrouping) {
  const auto gpu = Result("r0", "gpu-0", devices::kTypeGpu);
  for (const std::string& params :
       {Params("ComputeDomainChannelConfig", R"("domainID":"x")"),
        Params("ComputeDomain")}) {
    EXPECT_THAT(Select({Entry(kConfigSourceClaim, {}, params)}, {gpu}),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "runtime object is not a recognized configuration"))
        << params;
  }
  // Unused, it is harmless.
  ASSERT_OK(Select({Entry(kConfigSourceClaim, {"other"},
                          Params("ComputeDomainDaemonConfig"))},
                   {gpu}));
}

TEST_F(SelectionTest, ComputeDomainPlugin) {
  const auto channel = Result("channel", "channel-0", kDeviceTypeChannel, kCdDriver);
  const auto daemon = Result("daemon", "daemon-0", kDeviceTypeDaemon, kCdDriver);
  const std::string chan_cfg =
      Params("ComputeDomainChannelConfig", R"("domainID":"cd-1")");
  const std::string daemon_cfg =
      Params("ComputeDomainDaemonConfig", R"("domainID":"cd-1")");

  auto groups = Select({}, {channel, daemon}, PluginKind::kComputeDomain);
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].config, AnyConfig(ComputeDomainDaemonConfig{}));
  EXPECT_THAT((*groups)[0].results, ElementsAre(daemon));
  EXPECT_EQ((*groups)[1].config, AnyConfig(ComputeDomainChannelConfig{}));
  EXPECT_THAT((*groups)[1].results, ElementsAre(channel));

  groups = Select({Entry(kConfigSourceClaim, {"channel"}, chan_cfg, kCdDriver),
                   Entry(kConfigSourceClass, {"daemon"}, daemon_cfg, kCdDriver)},
                  {channel, daemon}, PluginKind::kComputeDomain);
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].source_index, 1);
  EXPECT_EQ((*groups)[1].config,
            AnyConfig(ComputeDomainChannelConfig{"cd-1", ""}));

  EXPECT_THAT(Select({Entry(kConfigSourceClaim, {"daemon"}, chan_cfg, kCdDriver)},
                     {daemon}, PluginKind::kComputeDomain),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cannot apply ComputeDomainChannelConfig to request: daemon"));
  EXPECT_THAT(Select({Entry(kConfigSourceClaim, {"channel"}, daemon_cfg, kCdDriver)},
                     {channel}, PluginKind::kComputeDomain),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cannot apply ComputeDomainDaemonConfig to request: channel"));
  EXPECT_THAT(Select({Entry(kConfigSourceClaim, {}, Ts("Long"), kCdDriver)},
                     {channel}, PluginKind::kComputeDomain),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "runtime object is not a recognized configuration"));
}

}  // namespace
}  // namespace config

// sharing_test.cc: GetTimeSlicingConfig / GetMpsConfig texts and the
// not-yet-supported guard.
#include "config/sharing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace config {
namespace {

using ::testing_util::StatusIs;
constexpr auto kFP = absl::StatusCode::kFailedPrecondition;

TEST(SharingTest, GetTimeSlicingConfig) {
  EXPECT_THAT(GetTimeSlicingConfig(nullptr),
              StatusIs(kFP, "no sharing set to get config from"));
  GpuSharing mps{"MPS", std::nullopt, MpsConfig{}};
  EXPECT_THAT(GetTimeSlicingConfig(&mps),
              StatusIs(kFP, "strategy is not set to 'TimeSlicing'"));
  GpuSharing both{"TimeSlicing", TimeSlicingConfig{"Long"}, MpsConfig{}};
  EXPECT_THAT(GetTimeSlicingConfig(&both),
              StatusIs(kFP, "cannot use MpsConfig with the 'TimeSlicing' strategy"));
  GpuSharing ts{"TimeSlicing", TimeSlicingConfig{"Long"}, std::nullopt};
  absl::StatusOr<const TimeSlicingConfig*> got = GetTimeSlicingConfig(&ts);
  ASSERT_OK(got);
  EXPECT_EQ((*got)->interval, "Long");
  GpuSharing bare{"TimeSlicing", std::nullopt, std::nullopt};
  EXPECT_EQ(*GetTimeSlicingConfig(&bare), nullptr);
}

TEST(SharingTest, GetMpsConfig) {
  EXPECT_THAT(GetMpsConfig(static_cast<const GpuSharing*>(nullptr)),
              StatusIs(kFP, "no sharing set to get config from"));
  GpuSharing ts{"TimeSlicing", std::nullopt, std::nullopt};
  EXPECT_THAT(GetMpsConfig(&ts), StatusIs(kFP, "strategy is not set to 'MPS'"));
  GpuSharing both{"MPS", TimeSlicingConfig{"Long"}, MpsConfig{}};
  EXPECT_THAT(GetMpsConfig(&both),
              StatusIs(kFP, "cannot use TimeSlicingConfig with the 'MPS' strategy"));
  GpuSharing mps{"MPS", std::nullopt, MpsConfig{50, "1Gi", {}}};
  ASSERT_OK(GetMpsConfig(&mps));
  EXPECT_EQ((*GetMpsConfig(&mps))->default_active_thread_percentage, 50);

  EXPECT_THAT(GetMpsConfig(static_cast<const MigDeviceSharing*>(nullptr)),
              StatusIs(kFP, "no sharing set to get config from"));
  MigDeviceSharing mig_ts{"TimeSlicing", std::nullopt};
  EXPECT_THAT(GetMpsConfig(&mig_ts), StatusIs(kFP, "strategy is not set to 'MPS'"));
  MigDeviceSharing mig{"MPS", std::nullopt};
  EXPECT_EQ(*GetMpsConfig(&mig), nullptr);
}

TEST(SharingTest, NotSupportedYetFailsLoudly) {
  EXPECT_OK(SharingNotSupportedYet(GpuConfig{}));
  EXPECT_OK(SharingNotSupportedYet(MigDeviceConfig{}));
  EXPECT_OK(SharingNotSupportedYet(VfioDeviceConfig{}));
  EXPECT_OK(SharingNotSupportedYet(ComputeDomainChannelConfig{}));
  EXPECT_THAT(
      SharingNotSupportedYet(GpuConfig{GpuSharing{"TimeSlicing", {}, {}}}),
      StatusIs(absl::StatusCode::kUnimplemented,
               "GPU sharing strategy TimeSlicing is not supported by this "
               "driver version yet"));
  EXPECT_THAT(
      SharingNotSupportedYet(MigDeviceConfig{MigDeviceSharing{"MPS", {}}}),
      StatusIs(absl::StatusCode::kUnimplemented,
               "GPU sharing strategy MPS is not supported by this driver "
               "version yet"));
}

}  // namespace
}  // namespace config

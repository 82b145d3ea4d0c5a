#include "nvml/fake_library.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nvml/errors.h"
#include "testing/status_matchers.h"

namespace nvml {
namespace {

using ::testing_util::StatusIs;

class FakeLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(nvml_.Init(0)); }
  nvmlDevice_t Gpu(unsigned i) {
    absl::StatusOr<nvmlDevice_t> d = nvml_.DeviceGetHandleByIndex(i);
    EXPECT_OK(d);
    return d.value_or(nullptr);
  }
  FakeLibrary nvml_{FakeA100Config(2, /*mig_enabled=*/true)};
};

TEST(FakeLibrarySessionTest, CallsNeedInit) {
  FakeLibrary nvml(FakeH100Config());
  EXPECT_THAT(nvml.DeviceGetCount(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvmlDeviceGetCount_v2: Uninitialized (1)"));
  EXPECT_THAT(nvml.Shutdown(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        "nvmlShutdown: Uninitialized (1)"));
  ASSERT_OK(nvml.Init(NVML_INIT_FLAG_NO_GPUS));
  ASSERT_OK(nvml.Init(0));
  EXPECT_EQ(nvml.SessionCount(), 2);
  absl::StatusOr<unsigned int> n = nvml.DeviceGetCount();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 1u);
  ASSERT_OK(nvml.Shutdown());
  ASSERT_OK(nvml.Shutdown());
  EXPECT_EQ(nvml.SessionCount(), 0);
  EXPECT_EQ(nvml.CallCount("Init"), 2);
  EXPECT_EQ(nvml.CallCount("DeviceGetCount"), 2);
}

TEST(FakeLibrarySessionTest, MissingSymbol) {
  FakeConfig config = FakeH100Config();
  config.missing_symbols = {"nvmlDeviceGetAddressingMode", "nvmlInitWithFlags"};
  FakeLibrary nvml(config);
  EXPECT_FALSE(nvml.HasSymbol("nvmlDeviceGetAddressingMode"));
  EXPECT_TRUE(nvml.HasSymbol("nvmlDeviceGetMigMode"));
  EXPECT_THAT(nvml.Init(NVML_INIT_FLAG_NO_GPUS),
              StatusIs(absl::StatusCode::kUnimplemented,
                       "nvmlInitWithFlags: Function Not Found (13)"));
  ASSERT_OK(nvml.Init(0));
  absl::StatusOr<nvmlDevice_t> d = nvml.DeviceGetHandleByIndex(0);
  ASSERT_OK(d);
  EXPECT_TRUE(IsFunctionNotFound(nvml.GetAddressingMode(*d).status()));
}

TEST_F(FakeLibraryTest, FailNextAndAlways) {
  nvml_.FailNext("GetMemoryInfo", NVML_ERROR_NOT_SUPPORTED, 2);
  nvmlDevice_t d = Gpu(0);
  EXPECT_THAT(nvml_.GetMemoryInfo(d),
              StatusIs(absl::StatusCode::kUnimplemented,
                       "nvmlDeviceGetMemoryInfo: Not Supported (3)"));
  EXPECT_TRUE(IsNotSupported(nvml_.GetMemoryInfo(d).status()));
  absl::StatusOr<nvmlMemory_t> m = nvml_.GetMemoryInfo(d);
  ASSERT_OK(m);
  EXPECT_EQ(m->total, 42949672960ULL);
  nvml_.FailAlways("GetUUID", NVML_ERROR_GPU_IS_LOST);
  EXPECT_TRUE(IsGpuLost(nvml_.GetUUID(d).status()));
  EXPECT_TRUE(IsGpuLost(nvml_.GetUUID(d).status()));
  nvml_.ClearFailures();
  EXPECT_OK(nvml_.GetUUID(d));
  EXPECT_EQ(nvml_.CallCount("GetMemoryInfo"), 3);
  EXPECT_EQ(nvml_.CallCount("GetUUID"), 3);
}

TEST_F(FakeLibraryTest, HandleLookups) {
  nvmlDevice_t d1 = Gpu(1);
  EXPECT_THAT(nvml_.DeviceGetHandleByIndex(2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "nvmlDeviceGetHandleByIndex_v2: Invalid Argument (2)"));
  absl::StatusOr<std::string> uuid = nvml_.GetUUID(d1);
  ASSERT_OK(uuid);
  absl::StatusOr<nvmlDevice_t> by_uuid = nvml_.DeviceGetHandleByUUID(*uuid);
  ASSERT_OK(by_uuid);
  EXPECT_EQ(*by_uuid, d1);
  absl::StatusOr<nvmlDevice_t> by_pci =
      nvml_.DeviceGetHandleByPciBusId("00000000:0f:00.0");
  ASSERT_OK(by_pci);
  EXPECT_EQ(*by_pci, d1);
  absl::StatusOr<unsigned int> index = nvml_.DeviceGetIndex(d1);
  ASSERT_OK(index);
  EXPECT_EQ(*index, 1u);
  EXPECT_TRUE(IsNvmlNotFound(nvml_.DeviceGetHandleByUUID("GPU-nope").status()));
  EXPECT_TRUE(IsNvmlInvalidArgument(
      nvml_.GetName(reinterpret_cast<nvmlDevice_t>(0x12345)).status()));
}

TEST_F(FakeLibraryTest, MigLifecycle) {
  nvmlDevice_t d = Gpu(0);
  // 3g.20gb (id 9) at 4, then an overlapping 4g.20gb (id 5) at 0 fails.
  absl::StatusOr<nvmlGpuInstance_t> gi =
      nvml_.CreateGpuInstanceWithPlacement(d, 9, {4, 4});
  ASSERT_OK(gi);
  EXPECT_THAT(nvml_.CreateGpuInstanceWithPlacement(d, 0, {0, 8}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "nvmlDeviceCreateGpuInstanceWithPlacement: Insufficient "
                       "resources for request (23)"));
  EXPECT_TRUE(IsNvmlInvalidArgument(
      nvml_.CreateGpuInstanceWithPlacement(d, 9, {2, 4}).status()));
  absl::StatusOr<unsigned int> left = nvml_.GetGpuInstanceRemainingCapacity(d, 9);
  ASSERT_OK(left);
  EXPECT_EQ(*left, 1u);
  left = nvml_.GetGpuInstanceRemainingCapacity(d, 19);
  ASSERT_OK(left);
  EXPECT_EQ(*left, 4u);  // slices 0..3 are free

  absl::StatusOr<nvmlGpuInstanceInfo_t> info = nvml_.GpuInstanceGetInfo(*gi);
  ASSERT_OK(info);
  EXPECT_EQ(info->profileId, 9u);
  EXPECT_EQ(info->placement.start, 4u);
  EXPECT_EQ(info->placement.size, 4u);
  EXPECT_EQ(info->device, d);

  // A CI covering the GI, and one more does not fit.
  absl::StatusOr<nvmlComputeInstanceProfileInfo_v2_t> cip =
      nvml_.GetComputeInstanceProfileInfo(*gi, NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
                                          NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED);
  ASSERT_OK(cip);
  EXPECT_EQ(cip->sliceCount, 3u);
  EXPECT_EQ(cip->multiprocessorCount, 42u);
  EXPECT_TRUE(IsNotSupported(
      nvml_.GetComputeInstanceProfileInfo(*gi, NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE, 0)
          .status()));
  absl::StatusOr<nvmlComputeInstance_t> ci = nvml_.CreateComputeInstance(*gi, cip->id);
  ASSERT_OK(ci);
  EXPECT_EQ(nvml_.CreateComputeInstance(*gi, 0).status().code(),
            absl::StatusCode::kResourceExhausted);

  // The MIG device handle.
  absl::StatusOr<unsigned int> max = nvml_.GetMaxMigDeviceCount(d);
  ASSERT_OK(max);
  EXPECT_EQ(*max, 7u);
  absl::StatusOr<nvmlDevice_t> mig = nvml_.GetMigDeviceHandleByIndex(d, 0);
  ASSERT_OK(mig);
  EXPECT_TRUE(IsNvmlNotFound(nvml_.GetMigDeviceHandleByIndex(d, 1).status()));
  EXPECT_TRUE(IsNvmlInvalidArgument(nvml_.GetMigDeviceHandleByIndex(d, 7).status()));
  absl::StatusOr<bool> is_mig = nvml_.IsMigDeviceHandle(*mig);
  ASSERT_OK(is_mig);
  EXPECT_TRUE(*is_mig);
  absl::StatusOr<nvmlDevice_t> parent = nvml_.GetDeviceHandleFromMigDeviceHandle(*mig);
  ASSERT_OK(parent);
  EXPECT_EQ(*parent, d);
  absl::StatusOr<std::string> uuid = nvml_.GetUUID(*mig);
  ASSERT_OK(uuid);
  EXPECT_THAT(*uuid, ::testing::MatchesRegex(
                         "MIG-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
  absl::StatusOr<nvmlDevice_t> by_uuid = nvml_.DeviceGetHandleByUUID(*uuid);
  ASSERT_OK(by_uuid);
  EXPECT_EQ(*by_uuid, *mig);
  absl::StatusOr<std::string> name = nvml_.GetName(*mig);
  ASSERT_OK(name);
  EXPECT_EQ(*name, "NVIDIA A100-SXM4-40GB MIG 3g.20gb");
  absl::StatusOr<nvmlDeviceAttributes_t> attrs = nvml_.GetDeviceAttributes(*mig);
  ASSERT_OK(attrs);
  EXPECT_EQ(attrs->multiprocessorCount, 42u);
  EXPECT_EQ(attrs->gpuInstanceSliceCount, 3u);
  EXPECT_EQ(attrs->computeInstanceSliceCount, 3u);
  EXPECT_EQ(attrs->memorySizeMB, 19968u);

  // Destroy: GI in use until its CI is gone; then the MIG handle is invalid.
  EXPECT_THAT(nvml_.GpuInstanceDestroy(*gi),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvmlGpuInstanceDestroy: In use by another client (19)"));
  absl::StatusOr<std::vector<nvmlComputeInstance_t>> cis =
      nvml_.GetComputeInstances(*gi, cip->id);
  ASSERT_OK(cis);
  ASSERT_EQ(cis->size(), 1u);
  ASSERT_OK(nvml_.ComputeInstanceDestroy((*cis)[0]));
  ASSERT_OK(nvml_.GpuInstanceDestroy(*gi));
  EXPECT_TRUE(IsNvmlInvalidArgument(nvml_.GetUUID(*mig).status()));
  EXPECT_TRUE(IsNvmlNotFound(nvml_.GetMigDeviceHandleByIndex(d, 0).status()));
  absl::StatusOr<std::vector<nvmlGpuInstance_t>> gis = nvml_.GetGpuInstances(d, 9);
  ASSERT_OK(gis);
  EXPECT_TRUE(gis->empty());
}

TEST_F(FakeLibraryTest, MigModeToggle) {
  nvmlDevice_t d = Gpu(0);
  ASSERT_OK(nvml_.CreateGpuInstance(d, 0));
  EXPECT_EQ(nvml_.SetMigMode(d, NVML_DEVICE_MIG_DISABLE).status().code(),
            absl::StatusCode::kFailedPrecondition);
  nvmlDevice_t d1 = Gpu(1);
  absl::StatusOr<nvmlReturn_t> activation =
      nvml_.SetMigMode(d1, NVML_DEVICE_MIG_DISABLE);
  ASSERT_OK(activation);
  EXPECT_EQ(*activation, NVML_SUCCESS);
  absl::StatusOr<MigMode> mode = nvml_.GetMigMode(d1);
  ASSERT_OK(mode);
  EXPECT_EQ(mode->current, 0u);
  absl::StatusOr<unsigned int> max = nvml_.GetMaxMigDeviceCount(d1);
  ASSERT_OK(max);
  EXPECT_EQ(*max, 0u);
  EXPECT_EQ(nvml_.CreateGpuInstance(d1, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);  // INVALID_STATE
  EXPECT_EQ(nvml_.GpuForTest(1).mig_mode.current, 0u);
}

TEST_F(FakeLibraryTest, Events) {
  nvmlDevice_t d = Gpu(1);
  absl::StatusOr<nvmlEventSet_t> set = nvml_.EventSetCreate();
  ASSERT_OK(set);
  EXPECT_THAT(nvml_.EventSetWait(*set, 1000),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "nvmlEventSetWait_v2: Timeout (10)"));
  ASSERT_OK(nvml_.RegisterEvents(d, nvmlEventTypeXidCriticalError, *set));
  nvml_.InjectEvent(0, nvmlEventTypeXidCriticalError, 79);  // other GPU
  nvml_.InjectEvent(1, nvmlEventTypeXidCriticalError, 48, 1, 0);
  absl::StatusOr<nvmlEventData_t> ev = nvml_.EventSetWait(*set, 1000);
  ASSERT_OK(ev);
  EXPECT_EQ(ev->device, d);
  EXPECT_EQ(ev->eventType, static_cast<unsigned long long>(nvmlEventTypeXidCriticalError));
  EXPECT_EQ(ev->eventData, 48u);
  EXPECT_EQ(ev->gpuInstanceId, 1u);
  EXPECT_EQ(ev->computeInstanceId, 0u);
  EXPECT_TRUE(IsTimeout(nvml_.EventSetWait(*set, 0).status()));
  ASSERT_OK(nvml_.EventSetFree(*set));
  EXPECT_TRUE(IsNvmlInvalidArgument(nvml_.EventSetFree(*set)));
}

TEST(FakeConfigTest, H100MatchesFixture) {
  FakeConfig c = FakeH100Config();
  ASSERT_EQ(c.gpus.size(), 1u);
  EXPECT_STREQ(c.gpus[0].pci.busId, "00000000:00:06.0");
  EXPECT_STREQ(c.gpus[0].pci.busIdLegacy, "0000:00:06.0");
  EXPECT_EQ(c.gpus[0].pci.pciDeviceId, 0x233010DEu);
  EXPECT_EQ(c.gpus[0].profiles.size(), 7u);
  FakeConfig a = FakeA100Config(8, false);
  EXPECT_EQ(a.gpus.size(), 8u);
  EXPECT_STREQ(a.gpus[7].pci.busId, "00000000:BD:00.0");
}

}  // namespace
}  // namespace nvml

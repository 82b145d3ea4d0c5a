#include "nvml/fake_library.h"

#include "nvml/fake_library_state.h"

namespace nvml {

using fake_internal::CiSlices;
using fake_internal::Decode;
using fake_internal::Encode;
using fake_internal::Err;
using fake_internal::kDevice;
using fake_internal::ToHandle;

// ---- Construction and test controls ----------------------------------------
FakeLibrary::FakeLibrary(FakeConfig config) : state_(std::make_unique<State>()) {
  for (FakeGpu& gpu : config.gpus) {
    state_->gpus.push_back(State::Gpu{std::move(gpu), {}});
  }
  config.gpus.clear();
  state_->missing.insert(config.missing_symbols.begin(),
                         config.missing_symbols.end());
  state_->config = std::move(config);
}

FakeLibrary::~FakeLibrary() = default;

void FakeLibrary::FailNext(const std::string& method, nvmlReturn_t code,
                           int times) {
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < times; ++i) state_->fail_next[method].push_back(code);
}

void FakeLibrary::FailAlways(const std::string& method, nvmlReturn_t code) {
  absl::MutexLock lock(&mu_);
  state_->fail_always[method] = code;
}

void FakeLibrary::ClearFailures() {
  absl::MutexLock lock(&mu_);
  state_->fail_next.clear();
  state_->fail_always.clear();
}

int FakeLibrary::CallCount(const std::string& method) const {
  absl::MutexLock lock(&mu_);
  auto it = state_->calls.find(method);
  return it == state_->calls.end() ? 0 : it->second;
}

int FakeLibrary::SessionCount() const {
  absl::MutexLock lock(&mu_);
  return state_->sessions;
}

void FakeLibrary::InjectEvent(unsigned int gpu_index,
                              unsigned long long event_type,
                              unsigned long long event_data,
                              unsigned int gpu_instance_id,
                              unsigned int compute_instance_id) {
  absl::MutexLock lock(&mu_);
  for (auto& [id, set] : state_->event_sets) {
    for (const auto& [gpu, mask] : set.registrations) {
      if (gpu != gpu_index || (mask & event_type) == 0) continue;
      nvmlEventData_t data{};
      data.device = ToHandle<nvmlDevice_t>(Encode(kDevice, gpu_index));
      data.eventType = event_type;
      data.eventData = event_data;
      data.gpuInstanceId = gpu_instance_id;
      data.computeInstanceId = compute_instance_id;
      set.queue.push_back(data);
      break;
    }
  }
}

absl::StatusOr<std::string> FakeLibrary::CreateMigDeviceForTest(
    unsigned int gpu_index, unsigned int profile_index,
    unsigned int placement_start) {
  absl::MutexLock lock(&mu_);
  State& s = *state_;
  const char* symbol = "CreateMigDeviceForTest";
  if (gpu_index >= s.gpus.size()) return Err(NVML_ERROR_INVALID_ARGUMENT, symbol);
  const FakeGpuInstanceProfile* profile =
      State::ProfileByIndex(s.gpus[gpu_index], profile_index);
  if (profile == nullptr || profile->placements.empty()) {
    return Err(NVML_ERROR_NOT_SUPPORTED, symbol);
  }
  nvmlGpuInstancePlacement_t placement{placement_start,
                                       profile->placements.front().size};
  DRA_ASSIGN_OR_RETURN(nvmlGpuInstance_t gi_handle,
                       s.CreateGi(gpu_index, *profile, placement, symbol));
  State::Gi& gi = s.gpus[gpu_index].gis[Decode(gi_handle).gi];
  // The CI profile covering the whole GI.
  unsigned ci_index = 0;
  for (unsigned i = 0; i < NVML_COMPUTE_INSTANCE_PROFILE_COUNT; ++i) {
    if (CiSlices(i) == profile->info.sliceCount) ci_index = i;
  }
  DRA_ASSIGN_OR_RETURN(nvmlComputeInstance_t ci_handle,
                       s.CreateCi(gpu_index, gi, ci_index, symbol));
  return gi.cis[Decode(ci_handle).ci].uuid;
}

FakeGpu FakeLibrary::GpuForTest(unsigned int gpu_index) const {
  absl::MutexLock lock(&mu_);
  return state_->gpus.at(gpu_index).spec;
}

}  // namespace nvml

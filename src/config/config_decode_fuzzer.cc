// config_decode_fuzzer.cc: feeds arbitrary bytes to Decode in both modes;
// whatever decodes must survive Encode -> Decode (strict) unchanged, and
// Encode must be stable. Also exercises Normalize/Validate and the MPS
// pinned-limit normalisation on decoded configs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/decode.h"
#include "config/feature_gates.h"
#include "config/normalize.h"
#include "config/validate.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void Exercise(const config::AnyConfig& decoded) {
  const std::string encoded = config::Encode(decoded);
  absl::StatusOr<config::AnyConfig> again =
      config::Decode(encoded, config::DecodeMode::kStrict);
  Check(again.ok());
  Check(*again == decoded);
  Check(config::Encode(*again) == encoded);

  config::FeatureGates gates;
  gates.SetForTesting(config::Feature::kTimeSlicingSettings, true);
  gates.SetForTesting(config::Feature::kMPSSupport, true);
  config::AnyConfig normalized = decoded;
  if (config::Normalize(&normalized, gates).ok()) {
    (void)config::Validate(normalized, gates);
  }
  if (const auto* g = std::get_if<config::GpuConfig>(&decoded)) {
    if (g->sharing && g->sharing->mps_config) {
      const config::MpsConfig& m = *g->sharing->mps_config;
      const std::vector<std::string> uuids = {"GPU-a", "GPU-b"};
      (void)config::NormalizePinnedMemoryLimits(
          m.default_per_device_pinned_memory_limit, uuids,
          m.default_pinned_device_memory_limit);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<config::AnyConfig> strict =
      config::Decode(input, config::DecodeMode::kStrict);
  absl::StatusOr<config::AnyConfig> lax =
      config::Decode(input, config::DecodeMode::kNonStrict);
  // Strict success implies non-strict success with the same result.
  if (strict.ok()) {
    Check(lax.ok());
    Check(*strict == *lax);
  }
  if (strict.ok()) Exercise(*strict);
  if (lax.ok()) Exercise(*lax);
  return 0;
}

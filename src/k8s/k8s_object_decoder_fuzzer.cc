// k8s_object_decoder_fuzzer.cc: decodes arbitrary JSON as a ResourceSlice,
// ResourceClaim and DeviceClass in every API version (the first byte picks
// kind and version). Whatever decodes must re-encode to JSON that decodes,
// and after that one round encode -> decode must be a fixed point (see
// RoundTrip for why not from the first decode).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "k8s/resource_codec.h"
#include "nlohmann/json.hpp"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

// Quantities are canonicalised as the API server does, and that is not
// idempotent: "1953.125Ki" prints "2000000" (BinarySI without a suffix),
// which parses as DecimalSI and then prints "2M"; a BinarySI value capped
// at 2^63-1 likewise comes back DecimalSI. So the first re-decode may
// differ from the first decode (in a Quantity's format and hence its
// printed form); from there on encode and decode must be a fixed point.
template <typename T, typename Decode>
void RoundTrip(const nlohmann::json& j, k8s::ApiVersion v, Decode decode) {
  absl::StatusOr<T> first = decode(j, v);
  if (!first.ok()) {
    Check(!first.status().message().empty());
    return;
  }
  nlohmann::json enc1 = k8s::ToJson(*first, v);
  absl::StatusOr<T> second = decode(enc1, v);
  Check(second.ok());  // our own encoding always decodes
  nlohmann::json enc2 = k8s::ToJson(*second, v);
  absl::StatusOr<T> third = decode(enc2, v);
  Check(third.ok());
  Check(*third == *second);
  Check(k8s::ToJson(*third, v) == enc2);
  // Reshaping to v1 and back must not break decoding either.
  nlohmann::json v1 = k8s::ToV1Shape(enc2, v);
  (void)k8s::FromV1Shape(v1, v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t sel = data[0];
  nlohmann::json j = nlohmann::json::parse(reinterpret_cast<const char*>(data) + 1,
                                           reinterpret_cast<const char*>(data) + size, nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  const k8s::ApiVersion versions[] = {k8s::ApiVersion::kV1, k8s::ApiVersion::kV1beta2,
                                      k8s::ApiVersion::kV1beta1};
  const k8s::ApiVersion v = versions[(sel >> 2) % 3];
  switch (sel & 3) {
    case 0:
      RoundTrip<k8s::ResourceSlice>(j, v, k8s::ResourceSliceFromJson);
      break;
    case 1:
      RoundTrip<k8s::ResourceClaim>(j, v, k8s::ResourceClaimFromJson);
      break;
    case 2:
      RoundTrip<k8s::DeviceClass>(j, v, k8s::DeviceClassFromJson);
      break;
    default:
      RoundTrip<k8s::ResourceClaimTemplate>(j, v, k8s::ResourceClaimTemplateFromJson);
      break;
  }
  return 0;
}

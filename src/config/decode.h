// decode.h: decoding of opaque config parameters (the JSON in a claim's
// `opaque.parameters`) into typed configs, and the reverse, with the
// reference's semantics and error texts (k8s json serializer over the
// `resource.nvidia.com/v1beta1` scheme):
//   - dispatch on apiVersion/kind; a missing kind or apiVersion, or a kind
//     not registered for that version, is an error;
//   - kStrict rejects unknown and duplicate fields:
//       strict decoding error: unknown field "sharing.foo", duplicate field "kind"
//     (paths dotted from the root, errors in document order, joined by ", ");
//   - kNonStrict drops unknown fields; a repeated key is decoded on top of
//     the earlier value (objects merge, scalars are replaced), as Go does;
//   - a JSON value of the wrong type is an error in both modes, naming the
//     field path:
//       json: cannot unmarshal number into Go struct field
//       TimeSlicingConfig.sharing.timeSlicingConfig.interval of type
//       v1beta1.TimeSliceInterval
//     and it wins over strict-field errors, as in Go.
//
// Used by selection (kubelet plugins), the admission webhook, and checkpoint
// reading (kNonStrict). Pure functions; thread-safe.
#ifndef DRA_CONFIG_DECODE_H_
#define DRA_CONFIG_DECODE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/types.h"

namespace config {

enum class DecodeMode {
  kStrict,     // user input: webhook and Prepare
  kNonStrict,  // our own checkpointed data, possibly from another version
};

// Scheme name printed in "no kind ... is registered" errors. The reference
// prints the Go source location of its runtime.NewScheme() call; we print
// the same file:line without the build-machine prefix.
inline constexpr char kSchemeName[] =
    "api/nvidia.com/resource/v1beta1/api.go:63";

// Decodes one opaque-parameters JSON document. All errors are
// InvalidArgument; texts follow the reference (see file comment), plus:
//   "couldn't get version/kind; json parse error: <detail>"
//   "Object 'Kind' is missing in '<json>'"
//   "Object 'apiVersion' is missing in '<json>'"
//   "unexpected GroupVersion string: a/b/c"
//   "no kind \"Foo\" is registered for version \"resource.nvidia.com/v1beta1\" in scheme \"<kSchemeName>\""
//   "invalid quantity \"abc\" for field sharing.mpsConfig.defaultPinnedDeviceMemoryLimit: quantities must match ..."
// ComputeDomain and ComputeDomainClique objects decode to NonConfigObject
// (their bodies are not checked).
absl::StatusOr<AnyConfig> Decode(std::string_view json, DecodeMode mode);

// Serialises `config` as the reference's serializer would: compact JSON,
// "kind" then "apiVersion", then fields in struct order with omitempty,
// map keys sorted, Go's HTML-safe string escaping. Quantities are written
// as stored (the reference would canonicalise them, e.g. "1024Mi" ->
// "1Gi"). A NonConfigObject encodes as just its kind and apiVersion.
std::string Encode(const AnyConfig& config);

}  // namespace config

#endif  // DRA_CONFIG_DECODE_H_

// quantity_bytes.h: a minimal Kubernetes resource.Quantity reader for the
// opaque config API: syntax check with the apimachinery error texts, and
// the integer value (Quantity.Value(): rounded up, away from zero, and
// capped at the int64 range).
//
// An adapter over util::Quantity (src/util/quantity.h), the project's one
// implementation of Quantity parsing and printing.
//
// Used by config/ (decode of MpsConfig limits, pinned-memory Normalize).
// Pure functions; thread-safe.
#ifndef DRA_CONFIG_QUANTITY_BYTES_H_
#define DRA_CONFIG_QUANTITY_BYTES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace config {

// apimachinery's resource.ErrFormatWrong / ErrNumeric / ErrSuffix texts.
inline constexpr char kQuantityErrFormatWrong[] =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
inline constexpr char kQuantityErrNumeric[] =
    "unable to parse numeric part of quantity";
inline constexpr char kQuantityErrSuffix[] =
    "unable to parse quantity's suffix";

// Parses `s` with resource.ParseQuantity's grammar (sign, digits, optional
// fraction, then a binary-SI, decimal-SI or e/E-exponent suffix) and
// returns Quantity.Value(): the amount rounded up to an integer (away from
// zero for negative amounts), clamped to [-(2^63-1), 2^63-1].
// Returns InvalidArgument with one of the texts above on bad input. The
// caller trims whitespace first if it wants Quantity.UnmarshalJSON's rules.
absl::StatusOr<int64_t> QuantityValue(std::string_view s);

}  // namespace config

#endif  // DRA_CONFIG_QUANTITY_BYTES_H_

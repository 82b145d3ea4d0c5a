// quantity.h: resource.Quantity as Kubernetes parses and prints it
// (k8s.io/apimachinery/pkg/api/resource). Every accepted form parses
// ("1Gi", "500m", "1e3", "1.5G", "+.5", "0.1n" ...), values finer than a
// nano-unit are rounded up (away from zero) to 1n, BinarySI values above
// 2^63-1 are capped, and ToString() gives the canonical form the API server
// stores and returns:
//   DecimalSI  mantissa with the exponent moved to a multiple of 3 and the
//              SI suffix n u m "" k M G T P E ("1500M", "500m", "1k");
//   BinarySI   the largest exact power-of-1024 suffix Ki..Ei ("81559Mi"),
//              falling back to DecimalSI for |v| < 1024 or fractions;
//   DecimalExponent  "e<exp>" with the exponent a multiple of 3 ("1e3").
// As in Go, a DecimalSI exponent beyond the table (>18) prints without a
// suffix; this mirrors the reference bit for bit.
//
// This is the one canonicalisation implementation in the project:
// devices::Quantity and k8s::Quantity are aliases of util::Quantity.
//
// Used by devices/ (capacities), the resource.k8s.io codecs and anyone
// reading Quantity strings. Values; thread-compatible (const methods are
// thread-safe).
#ifndef DRA_UTIL_QUANTITY_H_
#define DRA_UTIL_QUANTITY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace util {

class Quantity {
 public:
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  // Zero, DecimalSI.
  Quantity() = default;
  // Whole amounts in the given format (what the driver publishes).
  static Quantity Decimal(int64_t v) { return FromInt64(v, Format::kDecimalSI); }
  static Quantity Binary(int64_t v) { return FromInt64(v, Format::kBinarySI); }
  static Quantity FromInt64(int64_t v, Format f);
  // v * 10^-3 (NewMilliQuantity).
  static Quantity Milli(int64_t v, Format f = Format::kDecimalSI);

  // Parses any Quantity string. InvalidArgument with the reference's error
  // text ("quantities must match the regular expression ...", "unable to
  // parse numeric part of quantity", "unable to parse quantity's suffix").
  static absl::StatusOr<Quantity> Parse(std::string_view s);

  // The canonical string form (see file comment).
  std::string ToString() const;

  Format format() const { return format_; }
  bool IsZero() const { return digits_ == "0"; }
  int Sign() const { return IsZero() ? 0 : (negative_ ? -1 : 1); }
  // The value rounded up to a whole number (Go's Value()); saturates at the
  // int64 bounds.
  int64_t Value() const;
  // ceil(value * 1000) (Go's MilliValue()); saturates.
  int64_t MilliValue() const;
  // -1, 0, 1 by numeric value (format ignored).
  int Cmp(const Quantity& other) const;

  // Same numeric value and same format (hence the same printed form).
  bool operator==(const Quantity& o) const {
    return negative_ == o.negative_ && digits_ == o.digits_ && exp_ == o.exp_ &&
           format_ == o.format_;
  }

 private:
  void Normalize();
  int64_t ScaledCeil(int scale) const;

  // value = (negative_ ? -1 : 1) * digits_ * 10^exp_; digits_ has no leading
  // zeros and no trailing zeros (they move into exp_), "0" for zero.
  bool negative_ = false;
  std::string digits_ = "0";
  int32_t exp_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace util

#endif  // DRA_UTIL_QUANTITY_H_

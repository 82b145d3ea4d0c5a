// quantity.h: integer resource.Quantity values and their canonical string
// form, as Kubernetes prints them (the form the API server stores and
// returns): BinarySI amounts use the largest power-of-1024 suffix that
// divides them exactly (85520809984 -> "81559Mi"), DecimalSI amounts the
// largest power-of-1000 suffix (132 -> "132", 2000 -> "2k").
//
// Used by devices/ for capacities and by JSON writers. Pure; thread-safe.
#ifndef DRA_DEVICES_QUANTITY_H_
#define DRA_DEVICES_QUANTITY_H_

#include <cstdint>
#include <string>

namespace devices {

struct Quantity {
  enum class Format { kDecimalSI, kBinarySI };
  int64_t value = 0;
  Format format = Format::kDecimalSI;

  static Quantity Decimal(int64_t v) { return {v, Format::kDecimalSI}; }
  static Quantity Binary(int64_t v) { return {v, Format::kBinarySI}; }
  bool operator==(const Quantity&) const = default;

  // Canonical string form (see file comment).
  std::string ToString() const;
};

}  // namespace devices

#endif  // DRA_DEVICES_QUANTITY_H_

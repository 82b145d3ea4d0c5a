#include "devices/quantity.h"

namespace devices {
namespace {

// Kubernetes falls back to DecimalSI for BinarySI amounts in (-1024, 1024).
std::string DecimalString(int64_t v) {
  if (v == 0) return "0";
  static const char* kSuffix[] = {"", "k", "M", "G", "T", "P", "E"};
  int exp = 0;
  int64_t m = v;
  while (m % 1000 == 0 && exp < 6) {
    m /= 1000;
    ++exp;
  }
  return std::to_string(m) + kSuffix[exp];
}

std::string BinaryString(int64_t v) {
  if (v > -1024 && v < 1024) return DecimalString(v);
  static const char* kSuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  int exp = 0;
  int64_t m = v;
  while (m % 1024 == 0 && exp < 6) {
    m /= 1024;
    ++exp;
  }
  // An amount that is not a whole number of Ki keeps no suffix (2000 stays
  // "2000"; it does not become "2k").
  return std::to_string(m) + kSuffix[exp];
}

}  // namespace

std::string Quantity::ToString() const {
  return format == Format::kBinarySI ? BinaryString(value) : DecimalString(value);
}

}  // namespace devices

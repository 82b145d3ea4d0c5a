// quantity_bytes.cc: see quantity_bytes.h. The scanner mirrors
// apimachinery's parseQuantityString loop by loop so that the same inputs
// are accepted; the value is computed exactly with a tiny big integer.
#include "config/quantity_bytes.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace config {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Parsed {
  bool positive = true;
  std::string num;    // integer digits, leading zeros stripped ("0" if none)
  std::string denom;  // fraction digits
  std::string suffix;
};

// Returns false on ErrFormatWrong. Follows parseQuantityString.
bool Scan(std::string_view str, Parsed* p) {
  size_t pos = 0;
  const size_t end = str.size();
  if (pos < end) {
    if (str[0] == '-') {
      p->positive = false;
      ++pos;
    } else if (str[0] == '+') {
      ++pos;
    }
  }
  while (true) {  // strip leading zeros
    if (pos >= end) {
      p->num = "0";
      return true;
    }
    if (str[pos] != '0') break;
    ++pos;
  }
  size_t i = pos;
  while (i < end && IsDigit(str[i])) ++i;
  p->num = std::string(str.substr(pos, i - pos));
  pos = i;
  if (pos >= end) return true;
  if (p->num.empty()) p->num = "0";
  if (str[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && IsDigit(str[i])) ++i;
    p->denom = std::string(str.substr(pos, i - pos));
    pos = i;
    if (pos >= end) return true;
  }
  const size_t suffix_start = pos;
  constexpr std::string_view kSuffixChars = "eEinumkKMGTP";
  while (pos < end && kSuffixChars.find(str[pos]) != std::string_view::npos) {
    ++pos;
  }
  if (pos >= end) {
    p->suffix = std::string(str.substr(suffix_start));
    return true;
  }
  if (str[pos] == '-' || str[pos] == '+') ++pos;
  while (pos < end && IsDigit(str[pos])) ++pos;
  if (pos < end) return false;
  p->suffix = std::string(str.substr(suffix_start));
  return true;
}

// Suffix -> (base, exponent). Returns false on ErrSuffix.
bool Interpret(const std::string& s, int* base, int64_t* exponent) {
  struct Entry {
    const char* suffix;
    int base;
    int exponent;
  };
  static constexpr Entry kTable[] = {
      {"", 10, 0},    {"n", 10, -9},  {"u", 10, -6},  {"m", 10, -3},
      {"k", 10, 3},   {"M", 10, 6},   {"G", 10, 9},   {"T", 10, 12},
      {"P", 10, 15},  {"E", 10, 18},  {"Ki", 2, 10},  {"Mi", 2, 20},
      {"Gi", 2, 30},  {"Ti", 2, 40},  {"Pi", 2, 50},  {"Ei", 2, 60},
  };
  for (const Entry& e : kTable) {
    if (s == e.suffix) {
      *base = e.base;
      *exponent = e.exponent;
      return true;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    // strconv.ParseInt(s[1:], 10, 32).
    size_t i = 1;
    bool negative = false;
    if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
    if (i >= s.size()) return false;
    int64_t v = 0;
    for (; i < s.size(); ++i) {
      if (!IsDigit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
      if (v > (int64_t{1} << 31)) return false;
    }
    if (negative) v = -v;
    if (v > std::numeric_limits<int32_t>::max() ||
        v < std::numeric_limits<int32_t>::min()) {
      return false;
    }
    *base = 10;
    *exponent = v;
    return true;
  }
  return false;
}

// Unsigned big integer in base 1e9, least significant limb first.
class BigUint {
 public:
  explicit BigUint(const std::string& digits) {
    for (size_t end = digits.size(); end > 0;) {
      const size_t begin = end >= 9 ? end - 9 : 0;
      limbs_.push_back(static_cast<uint32_t>(
          std::stoul(digits.substr(begin, end - begin))));
      end = begin;
    }
    Trim();
  }
  bool IsZero() const { return limbs_.empty(); }
  void Mul(uint32_t m) {  // m < 2^32
    uint64_t carry = 0;
    for (uint32_t& l : limbs_) {
      const uint64_t v = uint64_t{l} * m + carry;
      l = static_cast<uint32_t>(v % kBase);
      carry = v / kBase;
    }
    while (carry > 0) {
      limbs_.push_back(static_cast<uint32_t>(carry % kBase));
      carry /= kBase;
    }
  }
  // Divides by 10; returns true if the remainder was non-zero.
  bool DivTen() {
    uint64_t rem = 0;
    for (size_t i = limbs_.size(); i-- > 0;) {
      const uint64_t cur = rem * kBase + limbs_[i];
      limbs_[i] = static_cast<uint32_t>(cur / 10);
      rem = cur % 10;
    }
    Trim();
    return rem != 0;
  }
  bool ExceedsInt64() const {
    if (limbs_.size() > 3) return true;
    // 3 limbs hold up to 1e27; compute with 128-bit arithmetic.
    unsigned __int128 v = 0;
    for (size_t i = limbs_.size(); i-- > 0;) v = v * kBase + limbs_[i];
    return v > static_cast<unsigned __int128>(kMax);
  }
  int64_t ToInt64() const {  // REQUIRES: !ExceedsInt64()
    int64_t v = 0;
    for (size_t i = limbs_.size(); i-- > 0;) v = v * kBase + limbs_[i];
    return v;
  }

 private:
  static constexpr uint64_t kBase = 1000000000;
  void Trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }
  std::vector<uint32_t> limbs_;
};

}  // namespace

absl::StatusOr<int64_t> QuantityValue(std::string_view s) {
  if (s.empty()) return absl::InvalidArgumentError(kQuantityErrFormatWrong);
  if (s == "0") return 0;
  Parsed p;
  if (!Scan(s, &p)) return absl::InvalidArgumentError(kQuantityErrFormatWrong);
  int base = 10;
  int64_t exponent = 0;
  if (!Interpret(p.suffix, &base, &exponent)) {
    return absl::InvalidArgumentError(kQuantityErrSuffix);
  }
  BigUint v(p.num + p.denom);
  int64_t pow10 = -static_cast<int64_t>(p.denom.size());
  if (base == 10) {
    pow10 += exponent;
  } else {
    for (int64_t k = 0; k < exponent && !v.IsZero(); k += 16) {
      v.Mul(1u << (exponent - k >= 16 ? 16 : exponent - k));
      if (pow10 >= 0 && v.ExceedsInt64()) break;
    }
  }
  bool fraction = false;
  bool capped = false;
  for (; pow10 > 0 && !v.IsZero(); --pow10) {
    v.Mul(10);
    if (v.ExceedsInt64()) {
      capped = true;
      break;
    }
  }
  for (; pow10 < 0 && !v.IsZero(); ++pow10) fraction |= v.DivTen();
  if (!capped && v.ExceedsInt64()) capped = true;
  int64_t magnitude = capped ? kMax : v.ToInt64();
  if (!capped && fraction) magnitude = magnitude == kMax ? kMax : magnitude + 1;
  return p.positive ? magnitude : -magnitude;
}

}  // namespace config

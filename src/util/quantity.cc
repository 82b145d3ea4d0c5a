#include "util/quantity.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace util {
namespace {

constexpr char kFormatWrong[] =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr char kNumeric[] = "unable to parse numeric part of quantity";
constexpr char kSuffix[] = "unable to parse quantity's suffix";
constexpr char kMaxInt64[] = "9223372036854775807";
// Exponents beyond this are rejected rather than risk int32 overflow (Go
// wraps them silently; no real quantity comes near).
constexpr int64_t kMaxExponent = 1 << 28;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digit-string arithmetic on magnitudes (no sign, no leading zeros except "0").
void Increment(std::string& d) {
  int i = static_cast<int>(d.size()) - 1;
  for (; i >= 0; --i) {
    if (d[i] == '9') {
      d[i] = '0';
    } else {
      ++d[i];
      return;
    }
  }
  d.insert(d.begin(), '1');
}

void MulSmall(std::string& d, int m) {
  int carry = 0;
  for (int i = static_cast<int>(d.size()) - 1; i >= 0; --i) {
    int v = (d[i] - '0') * m + carry;
    d[i] = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  while (carry > 0) {
    d.insert(d.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
}

// d /= m; returns the remainder.
int DivModSmall(std::string& d, int m) {
  std::string out;
  int rem = 0;
  for (char c : d) {
    rem = rem * 10 + (c - '0');
    char q = static_cast<char>('0' + rem / m);
    if (!out.empty() || q != '0') out.push_back(q);
    rem %= m;
  }
  d = out.empty() ? "0" : out;
  return rem;
}

// Compares magnitudes a*10^ea and b*10^eb of normalised nonzero digit strings.
int CmpMagnitude(const std::string& a, int64_t ea, const std::string& b, int64_t eb) {
  int64_t la = static_cast<int64_t>(a.size()) + ea;
  int64_t lb = static_cast<int64_t>(b.size()) + eb;
  if (la != lb) return la < lb ? -1 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char ca = i < a.size() ? a[i] : '0';
    char cb = i < b.size() ? b[i] : '0';
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

struct Split {
  bool positive = true;
  std::string num, denom, suffix;
};

// Mirrors parseQuantityString in apimachinery's quantity.go.
absl::StatusOr<Split> SplitQuantity(std::string_view s) {
  Split out;
  size_t pos = 0, end = s.size();
  if (pos < end && (s[0] == '-' || s[0] == '+')) {
    out.positive = s[0] == '+';
    ++pos;
  }
  while (pos < end && s[pos] == '0') ++pos;
  if (pos >= end) {
    out.num = "0";
    return out;
  }
  size_t i = pos;
  while (i < end && IsDigit(s[i])) ++i;
  out.num = std::string(s.substr(pos, i - pos));
  if (out.num.empty()) out.num = "0";
  pos = i;
  if (pos < end && s[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && IsDigit(s[i])) ++i;
    out.denom = std::string(s.substr(pos, i - pos));
    pos = i;
  }
  size_t suffix_start = pos;
  while (pos < end && std::string_view("eEinumkKMGTP").find(s[pos]) != std::string_view::npos) {
    ++pos;
  }
  if (pos < end && (s[pos] == '-' || s[pos] == '+')) ++pos;
  while (pos < end && IsDigit(s[pos])) ++pos;
  if (pos < end) return absl::InvalidArgumentError(kFormatWrong);
  out.suffix = std::string(s.substr(suffix_start));
  return out;
}

struct Suffix {
  int base;
  int64_t exponent;
  Quantity::Format format;
};

absl::StatusOr<Suffix> InterpretSuffix(const std::string& s) {
  using F = Quantity::Format;
  static const struct {
    const char* s;
    int base, exp;
  } kTable[] = {{"", 10, 0},   {"n", 10, -9},  {"u", 10, -6},  {"m", 10, -3},
                {"k", 10, 3},  {"M", 10, 6},   {"G", 10, 9},   {"T", 10, 12},
                {"P", 10, 15}, {"E", 10, 18},  {"Ki", 2, 10},  {"Mi", 2, 20},
                {"Gi", 2, 30}, {"Ti", 2, 40},  {"Pi", 2, 50},  {"Ei", 2, 60}};
  for (const auto& e : kTable) {
    if (s == e.s) return Suffix{e.base, e.exp, e.base == 2 ? F::kBinarySI : F::kDecimalSI};
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(absl::string_view(s.data() + 1, s.size() - 1), &v) ||
        v > kMaxExponent || v < -kMaxExponent) {
      return absl::InvalidArgumentError(kSuffix);
    }
    return Suffix{10, v, F::kDecimalExponent};
  }
  return absl::InvalidArgumentError(kSuffix);
}

}  // namespace

void Quantity::Normalize() {
  size_t nz = digits_.find_first_not_of('0');
  if (nz == std::string::npos) {
    digits_ = "0";
    exp_ = 0;
    negative_ = false;
    return;
  }
  digits_.erase(0, nz);
  size_t last = digits_.find_last_not_of('0');
  exp_ += static_cast<int32_t>(digits_.size() - 1 - last);
  digits_.resize(last + 1);
}

Quantity Quantity::FromInt64(int64_t v, Format f) {
  Quantity q;
  q.format_ = f;
  q.negative_ = v < 0;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  q.digits_ = std::to_string(mag);
  q.Normalize();
  return q;
}

Quantity Quantity::Milli(int64_t v, Format f) {
  Quantity q = FromInt64(v, f);
  if (!q.IsZero()) q.exp_ -= 3;
  if (f == Format::kBinarySI && !q.IsZero() && CmpMagnitude(q.digits_, q.exp_, "1", 0) < 0) {
    q.format_ = Format::kDecimalSI;
  }
  return q;
}

absl::StatusOr<Quantity> Quantity::Parse(std::string_view s) {
  if (s.empty()) return absl::InvalidArgumentError(kFormatWrong);
  if (s == "0") return Quantity();
  absl::StatusOr<Split> split = SplitQuantity(s);
  if (!split.ok()) return split.status();
  absl::StatusOr<Suffix> suffix = InterpretSuffix(split->suffix);
  if (!suffix.ok()) return suffix.status();

  Quantity q;
  q.format_ = suffix->format;
  q.negative_ = !split->positive;
  q.digits_ = split->num + split->denom;
  int64_t exp = -static_cast<int64_t>(split->denom.size());
  if (suffix->base == 10) {
    exp += suffix->exponent;
  } else {
    for (int64_t i = 0; i < suffix->exponent; ++i) MulSmall(q.digits_, 2);
  }
  if (exp > kMaxExponent || exp < -kMaxExponent) return absl::InvalidArgumentError(kNumeric);
  q.exp_ = static_cast<int32_t>(exp);
  q.Normalize();
  if (q.IsZero()) return q;

  // Round up (away from zero) to nano precision.
  if (q.exp_ < -9) {
    int64_t drop = -9 - static_cast<int64_t>(q.exp_);
    if (drop >= static_cast<int64_t>(q.digits_.size())) {
      q.digits_ = "1";
    } else {
      q.digits_.resize(q.digits_.size() - static_cast<size_t>(drop));
      Increment(q.digits_);  // the dropped digits were nonzero (normalised)
    }
    q.exp_ = -9;
    q.Normalize();
  }
  if (q.format_ == Format::kBinarySI) {
    if (CmpMagnitude(q.digits_, q.exp_, std::string(kMaxInt64), 0) > 0) {
      q.digits_ = kMaxInt64;
      q.exp_ = 0;
    }
    if (CmpMagnitude(q.digits_, q.exp_, "1", 0) < 0) q.format_ = Format::kDecimalSI;
  }
  return q;
}

std::string Quantity::ToString() const {
  if (IsZero()) return "0";
  Format format = format_;
  if (format == Format::kBinarySI) {
    if (CmpMagnitude(digits_, exp_, "1024", 0) < 0 || exp_ < 0) format = Format::kDecimalSI;
  }
  std::string out = negative_ ? "-" : "";
  if (format == Format::kBinarySI) {
    std::string v = digits_ + std::string(static_cast<size_t>(exp_), '0');
    int e = 0;
    for (;;) {
      std::string t = v;
      if (DivModSmall(t, 1024) != 0) break;
      v = std::move(t);
      ++e;
    }
    static const char* kBin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    return out + v + (e <= 6 ? kBin[e] : "");
  }
  std::string mantissa = digits_;
  int64_t exp = exp_;
  while (exp % 3 != 0) {
    mantissa.push_back('0');
    --exp;
  }
  out += mantissa;
  if (format == Format::kDecimalExponent) {
    if (exp != 0) absl::StrAppend(&out, "e", exp);
    return out;
  }
  switch (exp) {
    case -9: return out + "n";
    case -6: return out + "u";
    case -3: return out + "m";
    case 3: return out + "k";
    case 6: return out + "M";
    case 9: return out + "G";
    case 12: return out + "T";
    case 15: return out + "P";
    case 18: return out + "E";
    default: return out;  // no suffix, as the reference's table lookup fails
  }
}

int64_t Quantity::ScaledCeil(int scale) const {
  if (IsZero()) return 0;
  // magnitude * 10^-scale, rounded away from zero.
  int64_t e = static_cast<int64_t>(exp_) - scale;
  std::string mag = digits_;
  if (e >= 0) {
    if (e > 19) return negative_ ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    mag += std::string(static_cast<size_t>(e), '0');
  } else {
    if (static_cast<int64_t>(mag.size()) <= -e) {
      mag = "1";
    } else {
      mag.resize(mag.size() - static_cast<size_t>(-e));
      Increment(mag);
    }
  }
  if (CmpMagnitude(mag, 0, kMaxInt64, 0) > 0) {
    return negative_ ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  int64_t v = 0;
  for (char c : mag) v = v * 10 + (c - '0');
  return negative_ ? -v : v;
}

int64_t Quantity::Value() const { return ScaledCeil(0); }
int64_t Quantity::MilliValue() const { return ScaledCeil(-3); }

int Quantity::Cmp(const Quantity& o) const {
  if (Sign() != o.Sign()) return Sign() < o.Sign() ? -1 : 1;
  if (IsZero()) return 0;
  int c = CmpMagnitude(digits_, exp_, o.digits_, o.exp_);
  return negative_ ? -c : c;
}

}  // namespace util

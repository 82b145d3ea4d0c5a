// quantity_bytes.cc: see quantity_bytes.h; a thin adapter over
// util::Quantity, the project's one Quantity implementation.
#include "config/quantity_bytes.h"

#include "util/quantity.h"

namespace config {

absl::StatusOr<int64_t> QuantityValue(std::string_view s) {
  absl::StatusOr<util::Quantity> q = util::Quantity::Parse(s);
  if (!q.ok()) return q.status();
  return q->Value();
}

}  // namespace config

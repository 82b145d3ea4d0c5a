// quantity.h: the Quantity type devices use for capacities. It is
// util::Quantity (src/util/quantity.h), the project's single implementation
// of Kubernetes' resource.Quantity parsing and canonical printing:
// BinarySI amounts use the largest power-of-1024 suffix that divides them
// exactly (85520809984 -> "81559Mi"), DecimalSI amounts the largest
// power-of-1000 suffix (132 -> "132", 2000 -> "2k").
//
// Used by devices/ for capacities and by JSON writers. Pure; thread-safe.
#ifndef DRA_DEVICES_QUANTITY_H_
#define DRA_DEVICES_QUANTITY_H_

#include "util/quantity.h"

namespace devices {

using Quantity = ::util::Quantity;

}  // namespace devices

#endif  // DRA_DEVICES_QUANTITY_H_

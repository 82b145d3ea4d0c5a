// quantity.h: k8s::Quantity, the resource.Quantity of the API objects. It is
// util::Quantity (src/util/quantity.h), the project's one implementation of
// Kubernetes' Quantity parsing and canonical printing, which lives in util/
// because lower layers (devices/, config/) use it too.
// Thread safety: see util/quantity.h.
#ifndef DRA_K8S_QUANTITY_H_
#define DRA_K8S_QUANTITY_H_

#include "util/quantity.h"

namespace k8s {

using Quantity = ::util::Quantity;

}  // namespace k8s

#endif  // DRA_K8S_QUANTITY_H_

// status_macros.h: early-return helpers for absl::Status / absl::StatusOr.
//
// Used by every layer. Header-only, no state, thread-safe.
//
//   DRA_RETURN_IF_ERROR(DoThing());
//   DRA_ASSIGN_OR_RETURN(auto value, ComputeThing());
#ifndef DRA_UTIL_STATUS_MACROS_H_
#define DRA_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DRA_RETURN_IF_ERROR(expr)                  \
  do {                                             \
    ::absl::Status dra_status_ = (expr);           \
    if (!dra_status_.ok()) return dra_status_;     \
  } while (0)

#define DRA_STATUS_CONCAT_INNER_(a, b) a##b
#define DRA_STATUS_CONCAT_(a, b) DRA_STATUS_CONCAT_INNER_(a, b)

#define DRA_ASSIGN_OR_RETURN(lhs, expr) \
  DRA_ASSIGN_OR_RETURN_IMPL_(DRA_STATUS_CONCAT_(dra_statusor_, __LINE__), lhs, expr)

#define DRA_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // DRA_UTIL_STATUS_MACROS_H_

// Private helpers for absl::Status plumbing. Debian's Abseil 20220623 has no
// ABSL_RETURN_IF_ERROR, so the library keeps its own small macros.
#ifndef HANDOFF_SRC_INTERNAL_STATUS_MACROS_H_
#define HANDOFF_SRC_INTERNAL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HANDOFF_CONCAT_INNER_(a, b) a##b
#define HANDOFF_CONCAT_(a, b) HANDOFF_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function when not OK.
#define HANDOFF_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status handoff_status_ = (expr);           \
    if (!handoff_status_.ok()) return handoff_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the value
// into `lhs` (a declaration such as `auto x` or an existing variable).
#define HANDOFF_ASSIGN_OR_RETURN(lhs, rexpr) \
  HANDOFF_ASSIGN_OR_RETURN_IMPL_(HANDOFF_CONCAT_(handoff_statusor_, __LINE__), lhs, rexpr)
#define HANDOFF_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#endif  // HANDOFF_SRC_INTERNAL_STATUS_MACROS_H_

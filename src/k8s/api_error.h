// api_error.h: turns API-server error responses (a metav1.Status body, or
// whatever a proxy sent) into absl::Status, keeping the server's own
// message and its reason.
//
// Code mapping (HTTP -> absl): 400 BadRequest and 422 Invalid ->
// InvalidArgument; 401 -> Unauthenticated; 403 -> PermissionDenied;
// 404 -> NotFound; 405 -> Unimplemented; 409 AlreadyExists ->
// AlreadyExists; other 409 (Conflict) -> Aborted; 410 Gone/Expired ->
// OutOfRange; 412 -> FailedPrecondition; 413 -> ResourceExhausted (too
// large); 415 -> InvalidArgument; 429 -> ResourceExhausted; 500 -> Internal;
// 503 -> Unavailable; 504 -> DeadlineExceeded; others by class.
// The message is the Status message verbatim (or the body's first 512
// bytes when it is not a Status). Payloads carry the reason
// ("k8s.io/reason") and the HTTP code ("k8s.io/code").
//
// Used by client.h and every caller that branches on NotFound/Conflict.
// Pure; thread-safe.
#ifndef DRA_K8S_API_ERROR_H_
#define DRA_K8S_API_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "k8s/transport.h"

namespace k8s {

inline constexpr char kReasonPayload[] = "k8s.io/reason";
inline constexpr char kCodePayload[] = "k8s.io/code";

// OK for 2xx, otherwise the mapped error (see file comment).
absl::Status StatusFromResponse(const HttpResponse& resp);

// Builds the error for HTTP `code` with `reason` and `message` (used by
// watch ERROR events, which carry a Status object).
absl::Status MakeApiError(int code, const std::string& reason, const std::string& message);

// The reason ("NotFound", "Conflict", "Invalid", "Expired", ...) or "".
std::string ReasonOf(const absl::Status& s);
// The HTTP code, or 0 for errors that did not come from the server.
int HttpCodeOf(const absl::Status& s);

// NotFound / AlreadyExists: use absl::IsNotFound / absl::IsAlreadyExists.
inline bool IsConflict(const absl::Status& s) { return s.code() == absl::StatusCode::kAborted; }
inline bool IsGone(const absl::Status& s) { return s.code() == absl::StatusCode::kOutOfRange; }
inline bool IsInvalid(const absl::Status& s) { return ReasonOf(s) == "Invalid"; }

}  // namespace k8s

#endif  // DRA_K8S_API_ERROR_H_

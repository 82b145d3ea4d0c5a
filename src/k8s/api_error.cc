#include "k8s/api_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace k8s {
namespace {

absl::StatusCode CodeFor(int http, const std::string& reason) {
  switch (http) {
    case 400: case 415: case 422: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405: return absl::StatusCode::kUnimplemented;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410: return absl::StatusCode::kOutOfRange;
    case 412: return absl::StatusCode::kFailedPrecondition;
    case 413: case 429: return absl::StatusCode::kResourceExhausted;
    case 500: return absl::StatusCode::kInternal;
    case 503: return absl::StatusCode::kUnavailable;
    case 504: return absl::StatusCode::kDeadlineExceeded;
  }
  if (http >= 500) return absl::StatusCode::kUnavailable;
  if (http >= 400) return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kUnknown;
}

std::string DefaultReason(int http) {
  switch (http) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
  }
  return "Unknown";
}

}  // namespace

absl::Status MakeApiError(int code, const std::string& reason_in, const std::string& message) {
  std::string reason = reason_in.empty() ? DefaultReason(code) : reason_in;
  absl::Status s(CodeFor(code, reason), message.empty() ? absl::StrCat("HTTP ", code, " ", reason)
                                                        : message);
  s.SetPayload(kReasonPayload, absl::Cord(reason));
  s.SetPayload(kCodePayload, absl::Cord(std::to_string(code)));
  return s;
}

absl::Status StatusFromResponse(const HttpResponse& resp) {
  if (resp.status >= 200 && resp.status < 300) return absl::OkStatus();
  std::string reason, message;
  nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.value("kind", "") == "Status") {
    if (auto r = j.find("reason"); r != j.end() && r->is_string()) reason = r->get<std::string>();
    if (auto m = j.find("message"); m != j.end() && m->is_string()) message = m->get<std::string>();
  } else {
    message = resp.body.substr(0, 512);
    if (!message.empty()) message = absl::StrCat("HTTP ", resp.status, ": ", message);
  }
  return MakeApiError(resp.status, reason, message);
}

std::string ReasonOf(const absl::Status& s) {
  auto p = s.GetPayload(kReasonPayload);
  return p ? std::string(*p) : "";
}

int HttpCodeOf(const absl::Status& s) {
  auto p = s.GetPayload(kCodePayload);
  return p ? std::atoi(std::string(*p).c_str()) : 0;
}

}  // namespace k8s

#include "jira/http_error.h"

#include <vector>

namespace epicsync::jira {

std::string_view to_string(HttpFailure k) {
  switch (k) {
    case HttpFailure::kConnect:
      return "cannot connect";
    case HttpFailure::kDns:
      return "host not found";
    case HttpFailure::kTls:
      return "TLS failure";
    case HttpFailure::kTimeout:
      return "timed out";
    case HttpFailure::kTooLarge:
      return "answer too large";
    case HttpFailure::kAuth:
      return "authentication refused";
    case HttpFailure::kForbidden:
      return "permission denied";
    case HttpFailure::kNotFound:
      return "not found";
    case HttpFailure::kGone:
      return "endpoint removed";
    case HttpFailure::kRejected:
      return "rejected";
    case HttpFailure::kRateLimited:
      return "rate-limited";
    case HttpFailure::kServer:
      return "server error";
    case HttpFailure::kAmbiguousWrite:
      return "write outcome unknown";
    case HttpFailure::kInsecureUrl:
      return "insecure URL";
    case HttpFailure::kInvalidUrl:
      return "invalid URL";
    case HttpFailure::kNotJira:
      return "not Jira's REST API";
    case HttpFailure::kProtocol:
      return "protocol error";
  }
  return "error";
}

HttpFailure kind_for_status(int status) {
  switch (status) {
    case 401:
      return HttpFailure::kAuth;
    case 403:
      return HttpFailure::kForbidden;
    case 404:
      return HttpFailure::kNotFound;
    case 410:
      return HttpFailure::kGone;
    case 429:
      return HttpFailure::kRateLimited;
    default:
      break;
  }
  if (status >= 500) return HttpFailure::kServer;
  if (status >= 400) return HttpFailure::kRejected;
  return HttpFailure::kProtocol;
}

std::string HttpError::to_string() const {
  std::string out;
  if (!method.empty()) out += method + " " + path + ": ";
  out += std::string(jira::to_string(kind));
  if (status != 0) out += " (HTTP " + std::to_string(status) + ")";
  // The reason is often just the status again ("401"), which "(HTTP 401)" already says.
  std::vector<std::string> parts;
  if (!detail.empty() && detail != std::to_string(status)) parts.push_back(detail);
  for (const auto& m : messages) parts.push_back(m);
  for (const auto& [field, msg] : field_errors) parts.push_back(field + ": " + msg);
  if (messages.empty() && field_errors.empty() && !body_excerpt.empty()) {
    parts.push_back(body_excerpt);
  }
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? ": " : "; ") + parts[i];
  if (retries > 0 && elapsed.count() > 0) {
    // Tenths of a second: enough to see that the retry budget, not a hang, ended it.
    const long long tenths = (elapsed.count() + 50) / 100;
    out += " (" + std::to_string(retries + 1) + " attempts over " + std::to_string(tenths / 10) +
           "." + std::to_string(tenths % 10) + " s)";
  } else if (retries > 0) {
    out += " (after " + std::to_string(retries) + " retries)";
  }
  return out;
}

}  // namespace epicsync::jira

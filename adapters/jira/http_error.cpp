#include "jira/http_error.h"

#include <vector>

namespace epicsync::jira {

std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::kConnect:
      return "cannot connect";
    case ErrorKind::kDns:
      return "host not found";
    case ErrorKind::kTls:
      return "TLS failure";
    case ErrorKind::kTimeout:
      return "timed out";
    case ErrorKind::kTooLarge:
      return "answer too large";
    case ErrorKind::kAuth:
      return "authentication refused";
    case ErrorKind::kForbidden:
      return "permission denied";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kGone:
      return "endpoint removed";
    case ErrorKind::kRejected:
      return "rejected";
    case ErrorKind::kRateLimited:
      return "rate-limited";
    case ErrorKind::kServer:
      return "server error";
    case ErrorKind::kAmbiguousWrite:
      return "write outcome unknown";
    case ErrorKind::kInsecureUrl:
      return "insecure URL";
    case ErrorKind::kInvalidUrl:
      return "invalid URL";
    case ErrorKind::kNotJira:
      return "not Jira's REST API";
    case ErrorKind::kProtocol:
      return "protocol error";
  }
  return "error";
}

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 401:
      return ErrorKind::kAuth;
    case 403:
      return ErrorKind::kForbidden;
    case 404:
      return ErrorKind::kNotFound;
    case 410:
      return ErrorKind::kGone;
    case 429:
      return ErrorKind::kRateLimited;
    default:
      break;
  }
  if (status >= 500) return ErrorKind::kServer;
  if (status >= 400) return ErrorKind::kRejected;
  return ErrorKind::kProtocol;
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

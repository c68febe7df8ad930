#pragma once

// What a failed HTTP request carries inside the transport: the program's one Result type with a
// richer error than epicsync::Error. The adapter turns it into an Error (to_error) at its
// boundary; `messages`/`field_errors` carry the tracker's own words so users see what Jira said.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace epicsync::jira {

// How a request failed, finer than the exit-code kinds of epicsync::ErrorKind (which
// to_error() in jira_tracker.cpp maps these to).
enum class HttpFailure {
  kConnect,         // refused, reset or dropped connection
  kDns,             // host name did not resolve
  kTls,             // handshake or certificate verification failed
  kTimeout,         // connect or total timeout
  kTooLarge,        // the answer passed the response size cap (a read; a write is ambiguous)
  kAuth,            // 401
  kForbidden,       // 403
  kNotFound,        // 404
  kGone,            // 410: the endpoint was removed
  kRejected,        // other 4xx (400, 409, 422 ...): the tracker refused the content
  kRateLimited,     // 429 (or 503 with Retry-After) beyond the retry budget
  kServer,          // 5xx that is not retried or exhausted the budget
  kAmbiguousWrite,  // a write failed in a way that leaves its effect unknown
  kInsecureUrl,     // http:// to a non-loopback host without the insecure option
  kInvalidUrl,      // malformed base URL or unsupported scheme
  kNotJira,         // an HTML page (a login page, a proxy), not Jira's REST API
  kProtocol,        // anything else: unexpected redirect, malformed response, internal curl error
};

std::string_view to_string(HttpFailure k);

struct HttpError {
  HttpFailure kind = HttpFailure::kProtocol;
  int status = 0;  // 0 when no HTTP response was received
  std::string method;
  std::string path;    // redacted, with query
  std::string detail;  // our own description (libcurl's text, the retry reason ...); redacted
  // Jira's {"errorMessages":[...],"errors":{"field":"msg"}} verbatim (secrets scrubbed).
  std::vector<std::string> messages;
  std::map<std::string, std::string> field_errors;
  std::string body_excerpt;  // start of a non-JSON error body, for diagnosis
  int retries = 0;           // attempts made minus one
  // All attempts and waits of the request together; 0 when not measured.
  std::chrono::milliseconds elapsed{0};

  // One line for humans: "POST /rest/api/3/issue: rejected (HTTP 400): Summary is required ..."
  std::string to_string() const;
};

template <class T>
using Result = epicsync::Result<T, HttpError>;

// Maps an HTTP status (>= 300) to the error kind the CLI understands.
HttpFailure kind_for_status(int status);

}  // namespace epicsync::jira

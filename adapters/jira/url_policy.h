#pragma once

// Which tracker URLs we are willing to talk to. Credentials travel in every request, so a
// cleartext URL is only accepted where the traffic cannot leave the machine.

#include <string>
#include <string_view>

#include "jira/http_error.h"

namespace epicsync::jira {

struct BaseUrl {
  std::string scheme;  // "https" or "http", lower-case
  std::string host;    // lower-case; IPv6 without brackets
  int port = 0;        // 0 when not given
  std::string path;    // context path without trailing slash, e.g. "/jira" or ""

  // scheme://host[:port]path, ready to have a request path appended.
  std::string to_string() const;
};

// 127.0.0.0/8, ::1 (any spelling, also IPv4-mapped) and "localhost".
bool is_loopback_host(std::string_view host);

// Parses and checks a base URL. Errors: kInvalidUrl (malformed, unsupported scheme, user info,
// query or fragment) and kInsecureUrl (http:// to a non-loopback host without allow_insecure).
Result<BaseUrl> check_base_url(std::string_view url, bool allow_insecure);

}  // namespace epicsync::jira

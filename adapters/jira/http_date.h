#pragma once

// Timestamp formats servers use to tell us when to come back.

#include <chrono>
#include <optional>
#include <string_view>

namespace epicsync::jira {

using SysTime = std::chrono::system_clock::time_point;

// RFC 9110 HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and the two obsolete
// forms recipients must still accept (RFC 850 and asctime).
std::optional<SysTime> parse_http_date(std::string_view s);

// ISO-8601 as Atlassian sends X-RateLimit-Reset ("2024-05-01T12:30Z"), also with seconds,
// fractions and numeric offsets.
std::optional<SysTime> parse_iso8601(std::string_view s);

}  // namespace epicsync::jira

#pragma once

// What --verbose shows for each attempt. Everything in here is already redacted.

#include <chrono>
#include <string>

namespace epicsync::jira {

struct LogEvent {
  std::string method;
  std::string path;  // with query; token-looking parameters redacted
  int status = 0;    // 0 when no HTTP response arrived
  std::chrono::milliseconds elapsed{0};
  int attempt = 1;
  std::string retry_reason;  // set when this attempt will be retried
  std::chrono::milliseconds retry_delay{0};
  std::string error;  // transport failure or give-up reason, secrets scrubbed
};

// "GET /rest/api/3/myself 200 12ms attempt 1" [+ " retry in 1000ms: 429, ..."] [+ " error: ..."]
std::string format_log_line(const LogEvent& e);

}  // namespace epicsync::jira

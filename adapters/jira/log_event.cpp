#include "jira/log_event.h"

namespace epicsync::jira {

std::string format_log_line(const LogEvent& e) {
  std::string out = e.method + " " + e.path + " ";
  out += e.status != 0 ? std::to_string(e.status) : std::string("---");
  out += " " + std::to_string(e.elapsed.count()) + "ms attempt " + std::to_string(e.attempt);
  if (!e.retry_reason.empty()) {
    out += " retry in " + std::to_string(e.retry_delay.count()) + "ms: " + e.retry_reason;
  }
  if (!e.error.empty()) out += " error: " + e.error;
  return out;
}

}  // namespace epicsync::jira

#pragma once

// Decides, without doing any I/O, whether a failed attempt is retried, after how long, or
// handed back to the caller. Time and randomness are parameters so every rule is testable.

#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "jira/http_date.h"

namespace epicsync::jira {

struct RetryConfig {
  int max_attempts = 5;                                // first try included
  std::chrono::milliseconds base_delay{500};           // first backoff ceiling
  std::chrono::milliseconds max_delay{30'000};         // cap on one computed backoff
  std::chrono::milliseconds max_server_delay{60'000};  // longest Retry-After we accept to wait
  // All attempts and waits of one request together: a server that accepts and never answers
  // costs at most this, whatever the attempt count and per-attempt timeout say.
  std::chrono::milliseconds max_total_wait{120'000};
  // A retry is started only when at least this much of the budget is left after its wait: an
  // attempt cut to a few milliseconds could only fail, and would hide the real error.
  std::chrono::milliseconds min_attempt_time{1'000};
};

// How an attempt failed below HTTP.
enum class TransportFailure {
  kNone,            // an HTTP response arrived
  kDns,             // name did not resolve: nothing was sent
  kConnectRefused,  // TCP connect failed: nothing was sent
  kTimeout,         // connect or transfer timeout; see request_sent
  kConnectionLost,  // reset, empty reply, broken HTTP/2 stream ...
  kTls,             // certificate or handshake: retrying cannot help
  kTooLarge,        // the answer passed the response size cap: retrying gets the same answer
  kOther,           // misuse or unsupported: retrying cannot help
};

struct AttemptOutcome {
  int status = 0;  // HTTP status when failure == kNone
  std::optional<std::string> retry_after;
  std::optional<std::string> rate_limit_reset;
  TransportFailure failure = TransportFailure::kNone;
  // Whether any part of the request may have reached the server. Only a failure before the
  // connection was established proves a write was not applied.
  bool request_sent = true;
};

struct RetryContext {
  int attempt = 1;                      // attempts made so far, including the one that just failed
  std::chrono::milliseconds waited{0};  // delays already spent on this request
  bool retry_safe = true;               // GET/HEAD or a read-only POST
  SysTime now{};
  std::chrono::milliseconds attempts_time{0};  // time the attempts themselves took so far
};

enum class RetryAction {
  kRetry,      // wait `delay`, then send again
  kGiveUp,     // final error
  kAmbiguous,  // a write whose effect is unknown: the caller must look before resending
};

struct RetryDecision {
  RetryAction action = RetryAction::kGiveUp;
  std::chrono::milliseconds delay{0};
  std::string reason;            // for logs and error details, e.g. "429, Retry-After 1s"
  bool throttled = false;        // the server asked us to slow down: shrink concurrency
  bool server_directed = false;  // the delay came from the server: hold other requests too
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryConfig config = {}) : config_(config) {}

  RetryDecision decide(const AttemptOutcome& outcome, const RetryContext& ctx,
                       std::mt19937_64& rng) const;

  // Full jitter: uniform in [0, min(max_delay, base_delay * 2^(attempt-1))].
  std::chrono::milliseconds backoff(int attempt, std::mt19937_64& rng) const;

  // The timeout of the next attempt: its own, cut to what is left of the request's budget after
  // `used` (attempts and waits so far), so that all of them together stay within
  // max_total_wait. decide() never retries when less than min_attempt_time would be left.
  std::chrono::milliseconds attempt_timeout(std::chrono::milliseconds per_attempt,
                                            std::chrono::milliseconds used) const;

  const RetryConfig& config() const { return config_; }

 private:
  RetryConfig config_;
};

// Retry-After as delta-seconds or HTTP-date, relative to `now`; nullopt when absent/garbled.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, SysTime now);

// The wait the server asked for: Retry-After first (it is exact), else X-RateLimit-Reset
// (Atlassian sends it with minute precision only).
std::optional<std::chrono::milliseconds> server_requested_delay(const AttemptOutcome& outcome,
                                                                SysTime now);

}  // namespace epicsync::jira

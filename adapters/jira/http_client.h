#pragma once

// The only door to the tracker: every request goes through send()/send_all(), which apply the
// URL policy, authentication, retries, the AIMD concurrency limit and redacted logging.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "jira/auth.h"
#include "jira/concurrency_limiter.h"
#include "jira/http_error.h"
#include "jira/http_request.h"
#include "jira/log_event.h"
#include "jira/retry_policy.h"

namespace epicsync::jira {

class CurlLoop;

// A failed attempt is about to be followed by another one, after `delay`.
struct RetryNotice {
  std::string host;  // the base URL's host only: no credentials, path or query
  int next_attempt = 2;
  int max_attempts = 5;
  std::chrono::milliseconds delay{0};
};

struct ClientOptions {
  std::string base_url;
  bool allow_insecure_http = false;  // the explicit opt-in for http:// to non-loopback hosts
  std::string ca_bundle;             // empty: the system trust store
  std::chrono::milliseconds connect_timeout{10'000};  // never more than total_timeout
  // One attempt, connect included. The request's budget (retry.max_total_wait, all attempts
  // and waits together) is raised to at least this, so one full attempt always fits.
  std::chrono::milliseconds total_timeout{30'000};
  // The most one answer's body may hold; past it the transfer stops (kTooLarge for a read,
  // kAmbiguousWrite for a write) rather than letting a runaway server exhaust memory.
  size_t max_response_bytes = size_t{64} << 20;
  int max_concurrency = 8;
  int increase_after_successes = 8;  // AIMD: successes in a row before the limit grows by one
  RetryConfig retry;
  std::shared_ptr<const AuthProvider> auth;  // may be null (anonymous)
  std::function<void(const LogEvent&)> logger;
  // Called (from the requesting thread, possibly several at once) when a retry starts waiting,
  // so a front end can say why nothing seems to happen. No terminal knowledge here.
  std::function<void(const RetryNotice&)> on_retry;

  // Seams so tests never sleep for real: how to wait, what time it is, and the jitter seed.
  std::function<void(std::chrono::milliseconds)> sleep;  // default: std::this_thread::sleep_for
  std::function<SysTime()> now;                          // default: system_clock::now
  std::optional<std::uint64_t> jitter_seed;              // default: random_device
};

class HttpClient {
 public:
  // Fails with kInvalidUrl / kInsecureUrl before any network traffic.
  static Result<std::unique_ptr<HttpClient>> create(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Blocking; thread-safe. 2xx is a Response, everything else an HttpError.
  Result<Response> send(const Request& request);

  // Runs independent requests concurrently (bounded by the limiter); results keep input order.
  std::vector<Result<Response>> send_all(const std::vector<Request>& requests);

  const ConcurrencyLimiter& limiter() const { return limiter_; }
  const std::string& base_url() const { return base_url_; }

 private:
  HttpClient(ClientOptions options, std::string base_url);

  void wait_out_pause();
  void extend_pause(std::chrono::milliseconds d);
  RetryDecision decide(const AttemptOutcome& o, const RetryContext& ctx);
  std::string clean(std::string_view text) const;
  void log(const LogEvent& e) const;

  ClientOptions options_;
  std::string base_url_;
  std::string host_;
  std::vector<std::string> secrets_;
  RetryPolicy policy_;
  ConcurrencyLimiter limiter_;
  std::unique_ptr<CurlLoop> loop_;
  bool bypass_proxy_ = false;
  mutable std::mutex log_mu_;

  std::mutex rng_mu_;
  std::mt19937_64 rng_;
  // A server-directed wait (Retry-After) applies to the whole client, not just one request.
  std::mutex pause_mu_;
  SysTime not_before_{};
};

}  // namespace epicsync::jira

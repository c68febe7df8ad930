#include "jira/retry_policy.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace epicsync::jira {

namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view failure_text(TransportFailure f) {
  switch (f) {
    case TransportFailure::kNone:
      return "no failure";
    case TransportFailure::kDns:
      return "DNS lookup failed";
    case TransportFailure::kConnectRefused:
      return "connection refused";
    case TransportFailure::kTimeout:
      return "timed out";
    case TransportFailure::kConnectionLost:
      return "connection lost";
    case TransportFailure::kTls:
      return "TLS failure";
    case TransportFailure::kTooLarge:
      return "answer too large";
    case TransportFailure::kOther:
      return "transfer failed";
  }
  return "transfer failed";
}

std::string short_duration(milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

RetryDecision give_up(std::string reason) {
  return RetryDecision{RetryAction::kGiveUp, milliseconds{0}, std::move(reason), false, false};
}

RetryDecision ambiguous(std::string reason) {
  return RetryDecision{RetryAction::kAmbiguous, milliseconds{0}, std::move(reason), false, false};
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, SysTime now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    // Anything beyond a day is nonsense for us; clamp rather than overflow.
    if (value.size() > 6) return milliseconds{std::numeric_limits<int>::max()};
    long secs = 0;
    for (char c : value) secs = secs * 10 + (c - '0');
    return milliseconds{secs * 1000};
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  auto d = std::chrono::duration_cast<milliseconds>(*when - now);
  return std::max(d, milliseconds{0});
}

std::optional<milliseconds> server_requested_delay(const AttemptOutcome& o, SysTime now) {
  if (o.retry_after) {
    if (auto d = parse_retry_after(*o.retry_after, now)) return d;
  }
  if (o.rate_limit_reset) {
    if (auto when = parse_iso8601(*o.rate_limit_reset)) {
      auto d = std::chrono::duration_cast<milliseconds>(*when - now);
      // A reset already past says nothing useful; let the caller fall back to backoff.
      if (d > milliseconds{0}) return d;
    }
  }
  return std::nullopt;
}

milliseconds RetryPolicy::backoff(int attempt, std::mt19937_64& rng) const {
  long long ceiling = config_.base_delay.count();
  for (int i = 1; i < attempt && ceiling < config_.max_delay.count(); ++i) ceiling *= 2;
  ceiling = std::min<long long>(ceiling, config_.max_delay.count());
  std::uniform_int_distribution<long long> dist(0, std::max<long long>(ceiling, 0));
  return milliseconds{dist(rng)};
}

milliseconds RetryPolicy::attempt_timeout(milliseconds per_attempt, milliseconds used) const {
  const milliseconds left = config_.max_total_wait - used;
  // Never zero or less: libcurl reads a zero timeout as "no timeout at all".
  return std::max(std::min(per_attempt, left), milliseconds{1});
}

RetryDecision RetryPolicy::decide(const AttemptOutcome& o, const RetryContext& ctx,
                                  std::mt19937_64& rng) const {
  const bool exhausted = ctx.attempt >= config_.max_attempts;
  // The attempts' own time counts as much as the waits: against a server that accepts and never
  // answers, the attempts are where the time goes.
  auto within_wait_budget = [&](milliseconds d) {
    return ctx.waited + ctx.attempts_time + d + config_.min_attempt_time <= config_.max_total_wait;
  };

  if (o.failure != TransportFailure::kNone) {
    std::string what(failure_text(o.failure));
    if (o.failure == TransportFailure::kTls) return give_up(what);
    if (!ctx.retry_safe && o.request_sent) {
      return ambiguous(what + " after the request may have been sent");
    }
    // The same request gets the same oversized answer: nothing to gain from asking again.
    if (o.failure == TransportFailure::kOther || o.failure == TransportFailure::kTooLarge) {
      return give_up(what);
    }
    if (exhausted) return give_up(what + "; attempt budget exhausted");
    auto d = backoff(ctx.attempt, rng);
    if (!within_wait_budget(d)) return give_up(what + "; time budget exhausted");
    if (!ctx.retry_safe) what += " before the request was sent";
    return RetryDecision{RetryAction::kRetry, d, what + ", backoff " + short_duration(d), false,
                         false};
  }

  const int st = o.status;
  const std::string code = std::to_string(st);

  // Jira applies nothing it answers with 429, nor with a 503 that names a time to return:
  // both are safe to resend even for writes.
  if (st == 429 || st == 503) {
    auto server = server_requested_delay(o, ctx.now);
    if (st == 503 && !server && !ctx.retry_safe) {
      return ambiguous(code + " without Retry-After");
    }
    if (exhausted) return give_up(code + "; attempt budget exhausted");
    milliseconds d{0};
    std::string why;
    if (server) {
      if (*server > config_.max_server_delay) {
        return give_up(code + "; server asked to wait " + short_duration(*server) +
                       ", beyond the retry budget");
      }
      // A little jitter so that parallel requests told the same time do not stampede.
      long long spread = std::min<long long>(server->count() / 10, 1000);
      std::uniform_int_distribution<long long> dist(0, spread);
      d = *server + milliseconds{dist(rng)};
      why = code + ", server asked to wait " + short_duration(*server);
    } else {
      d = backoff(ctx.attempt, rng);
      why = code + ", backoff " + short_duration(d);
    }
    if (!within_wait_budget(d)) return give_up(code + "; time budget exhausted");
    return RetryDecision{RetryAction::kRetry, d, why, st == 429, server.has_value()};
  }

  if (st >= 500) {
    // The server may have applied the write before failing; only a re-read can tell.
    if (!ctx.retry_safe) return ambiguous(code + " on a write");
    if (st != 502 && st != 504) return give_up(code);
    if (exhausted) return give_up(code + "; attempt budget exhausted");
    auto d = backoff(ctx.attempt, rng);
    if (!within_wait_budget(d)) return give_up(code + "; time budget exhausted");
    return RetryDecision{RetryAction::kRetry, d, code + ", backoff " + short_duration(d), false,
                         false};
  }

  return give_up(code);
}

}  // namespace epicsync::jira

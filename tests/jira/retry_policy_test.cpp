#include "jira/retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace epicsync::jira {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// 2024-05-01T12:00:00Z
const SysTime kNow = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;

AttemptOutcome http(int status) {
  AttemptOutcome o;
  o.status = status;
  return o;
}

AttemptOutcome transport(TransportFailure f, bool sent) {
  AttemptOutcome o;
  o.failure = f;
  o.request_sent = sent;
  return o;
}

RetryContext ctx(int attempt, bool safe, milliseconds waited = 0ms) {
  return RetryContext{attempt, waited, safe, kNow};
}

class RetryPolicyTest : public ::testing::Test {
 protected:
  RetryPolicy policy_;
  std::mt19937_64 rng_{42};
};

TEST_F(RetryPolicyTest, RetryAfterSecondsIsHonoured) {
  auto o = http(429);
  o.retry_after = "7";
  auto d = policy_.decide(o, ctx(1, true), rng_);
  EXPECT_EQ(d.action, RetryAction::kRetry);
  EXPECT_GE(d.delay, 7000ms);
  EXPECT_LE(d.delay, 7700ms);  // at most 10% jitter
  EXPECT_TRUE(d.throttled);
  EXPECT_TRUE(d.server_directed);
  EXPECT_NE(d.reason.find("429"), std::string::npos);
}

TEST_F(RetryPolicyTest, RetryAfterHttpDateIsHonoured) {
  auto o = http(503);
  o.retry_after = "Wed, 01 May 2024 12:00:20 GMT";
  auto d = policy_.decide(o, ctx(1, true), rng_);
  EXPECT_EQ(d.action, RetryAction::kRetry);
  EXPECT_GE(d.delay, 20s);
  EXPECT_LE(d.delay, 21s);
  EXPECT_FALSE(d.throttled);  // only 429 shrinks concurrency
  EXPECT_TRUE(d.server_directed);
}

TEST_F(RetryPolicyTest, RetryAfterDateInThePastMeansNow) {
  EXPECT_EQ(parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", kNow), 0ms);
}

TEST_F(RetryPolicyTest, GarbledRetryAfterFallsBackToBackoff) {
  auto o = http(429);
  o.retry_after = "soon";
  auto d = policy_.decide(o, ctx(1, true), rng_);
  EXPECT_EQ(d.action, RetryAction::kRetry);
  EXPECT_FALSE(d.server_directed);
  EXPECT_LE(d.delay, policy_.config().base_delay);
}

TEST_F(RetryPolicyTest, RateLimitResetIsUsedWithoutRetryAfter) {
  auto o = http(429);
  o.rate_limit_reset = "2024-05-01T12:01Z";
  auto d = policy_.decide(o, ctx(1, true), rng_);
  EXPECT_EQ(d.action, RetryAction::kRetry);
  EXPECT_GE(d.delay, 60s);
  EXPECT_LE(d.delay, 61s);
  EXPECT_TRUE(d.server_directed);
}

TEST_F(RetryPolicyTest, RetryAfterWinsOverRateLimitReset) {
  auto o = http(429);
  o.retry_after = "2";
  o.rate_limit_reset = "2024-05-01T12:01Z";
  auto d = server_requested_delay(o, kNow);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, 2000ms);
}

TEST_F(RetryPolicyTest, RateLimitResetInThePastIsIgnored) {
  auto o = http(429);
  o.rate_limit_reset = "2024-05-01T11:59Z";
  EXPECT_FALSE(server_requested_delay(o, kNow).has_value());
}

TEST_F(RetryPolicyTest, ServerDelayBeyondBudgetGivesUp) {
  auto o = http(429);
  o.retry_after = "3600";
  auto d = policy_.decide(o, ctx(1, true), rng_);
  EXPECT_EQ(d.action, RetryAction::kGiveUp);
  EXPECT_NE(d.reason.find("beyond the retry budget"), std::string::npos);
}

TEST_F(RetryPolicyTest, TotalWaitBudgetGivesUp) {
  auto o = http(429);
  o.retry_after = "30";
  auto d = policy_.decide(o, ctx(2, true, 100s), rng_);
  EXPECT_EQ(d.action, RetryAction::kGiveUp);
}

TEST_F(RetryPolicyTest, AttemptBudgetGivesUp) {
  auto o = http(502);
  EXPECT_EQ(policy_.decide(o, ctx(4, true), rng_).action, RetryAction::kRetry);
  EXPECT_EQ(policy_.decide(o, ctx(5, true), rng_).action, RetryAction::kGiveUp);
  auto limited = http(429);
  limited.retry_after = "1";
  EXPECT_EQ(policy_.decide(limited, ctx(5, true), rng_).action, RetryAction::kGiveUp);
}

TEST_F(RetryPolicyTest, BackoffIsFullJitterWithinGrowingCeiling) {
  for (int attempt = 1; attempt <= 10; ++attempt) {
    long long ceiling = std::min<long long>(500LL << (attempt - 1), 30'000);
    for (int i = 0; i < 200; ++i) {
      auto d = policy_.backoff(attempt, rng_);
      EXPECT_GE(d, 0ms);
      EXPECT_LE(d.count(), ceiling) << "attempt " << attempt;
    }
  }
}

TEST_F(RetryPolicyTest, BackoffIsCapped) {
  RetryConfig c;
  c.base_delay = 1000ms;
  c.max_delay = 3000ms;
  RetryPolicy p(c);
  for (int i = 0; i < 500; ++i) EXPECT_LE(p.backoff(50, rng_), 3000ms);
}

TEST_F(RetryPolicyTest, BackoffIsReproducibleWithTheSameSeed) {
  std::mt19937_64 a(7), b(7);
  for (int attempt = 1; attempt < 6; ++attempt) {
    EXPECT_EQ(policy_.backoff(attempt, a), policy_.backoff(attempt, b));
  }
}

TEST_F(RetryPolicyTest, BackoffActuallyJitters) {
  std::set<long long> seen;
  for (int i = 0; i < 50; ++i) seen.insert(policy_.backoff(3, rng_).count());
  EXPECT_GT(seen.size(), 10u);
}

TEST_F(RetryPolicyTest, IdempotentTransientStatusesAreRetried) {
  for (int st : {502, 503, 504}) {
    EXPECT_EQ(policy_.decide(http(st), ctx(1, true), rng_).action, RetryAction::kRetry) << st;
  }
}

TEST_F(RetryPolicyTest, NonTransientStatusesAreNotRetried) {
  for (int st : {400, 401, 403, 404, 409, 410, 422, 500, 501}) {
    EXPECT_EQ(policy_.decide(http(st), ctx(1, true), rng_).action, RetryAction::kGiveUp) << st;
  }
}

TEST_F(RetryPolicyTest, WriteGettingServerErrorIsAmbiguous) {
  for (int st : {500, 502, 504}) {
    EXPECT_EQ(policy_.decide(http(st), ctx(1, false), rng_).action, RetryAction::kAmbiguous) << st;
  }
}

TEST_F(RetryPolicyTest, Write503WithoutRetryAfterIsAmbiguous) {
  EXPECT_EQ(policy_.decide(http(503), ctx(1, false), rng_).action, RetryAction::kAmbiguous);
}

TEST_F(RetryPolicyTest, Write503WithRetryAfterIsRetried) {
  auto o = http(503);
  o.retry_after = "1";
  EXPECT_EQ(policy_.decide(o, ctx(1, false), rng_).action, RetryAction::kRetry);
}

TEST_F(RetryPolicyTest, Write429IsRetriedBecauseJiraAppliedNothing) {
  EXPECT_EQ(policy_.decide(http(429), ctx(1, false), rng_).action, RetryAction::kRetry);
}

TEST_F(RetryPolicyTest, WriteRejectedByClientErrorIsFinalNotAmbiguous) {
  for (int st : {400, 401, 403, 404, 409, 422}) {
    EXPECT_EQ(policy_.decide(http(st), ctx(1, false), rng_).action, RetryAction::kGiveUp) << st;
  }
}

TEST_F(RetryPolicyTest, WriteFailingBeforeSendingIsRetried) {
  for (auto f :
       {TransportFailure::kDns, TransportFailure::kConnectRefused, TransportFailure::kTimeout}) {
    auto d = policy_.decide(transport(f, false), ctx(1, false), rng_);
    EXPECT_EQ(d.action, RetryAction::kRetry);
    EXPECT_NE(d.reason.find("before the request was sent"), std::string::npos);
  }
}

TEST_F(RetryPolicyTest, WriteFailingAfterSendingIsAmbiguous) {
  for (auto f :
       {TransportFailure::kTimeout, TransportFailure::kConnectionLost, TransportFailure::kOther}) {
    EXPECT_EQ(policy_.decide(transport(f, true), ctx(1, false), rng_).action,
              RetryAction::kAmbiguous);
  }
}

TEST_F(RetryPolicyTest, ReadsRetryTransportFailures) {
  for (auto f : {TransportFailure::kDns, TransportFailure::kConnectRefused,
                 TransportFailure::kTimeout, TransportFailure::kConnectionLost}) {
    EXPECT_EQ(policy_.decide(transport(f, true), ctx(1, true), rng_).action, RetryAction::kRetry);
  }
}

TEST_F(RetryPolicyTest, TlsFailuresAreNeverRetried) {
  EXPECT_EQ(policy_.decide(transport(TransportFailure::kTls, false), ctx(1, true), rng_).action,
            RetryAction::kGiveUp);
  EXPECT_EQ(policy_.decide(transport(TransportFailure::kTls, false), ctx(1, false), rng_).action,
            RetryAction::kGiveUp);
}

TEST_F(RetryPolicyTest, UnclassifiedReadFailureGivesUp) {
  EXPECT_EQ(policy_.decide(transport(TransportFailure::kOther, true), ctx(1, true), rng_).action,
            RetryAction::kGiveUp);
}

// An answer past the size cap comes again on a resend: a read gives up at once; a write that
// got an answer was sent, so whether it was applied is unknown.
TEST_F(RetryPolicyTest, AnAnswerTooLargeIsNotRetried) {
  EXPECT_EQ(policy_.decide(transport(TransportFailure::kTooLarge, true), ctx(1, true), rng_).action,
            RetryAction::kGiveUp);
  EXPECT_EQ(
      policy_.decide(transport(TransportFailure::kTooLarge, true), ctx(1, false), rng_).action,
      RetryAction::kAmbiguous);
}

// Against a server that accepts and never answers the time goes into the attempts, not the
// waits: they count against the request's budget too, so the retries end.
TEST_F(RetryPolicyTest, TimeSpentInAttemptsCountsAgainstTheBudget) {
  auto timed_out = transport(TransportFailure::kTimeout, true);
  RetryContext fresh{2, 0ms, true, kNow, 10s};
  EXPECT_EQ(policy_.decide(timed_out, fresh, rng_).action, RetryAction::kRetry);
  RetryContext spent{2, 0ms, true, kNow, 119s};
  auto d = policy_.decide(timed_out, spent, rng_);
  EXPECT_EQ(d.action, RetryAction::kGiveUp);
  EXPECT_NE(d.reason.find("time budget exhausted"), std::string::npos) << d.reason;
}

TEST_F(RetryPolicyTest, AnAttemptIsCutToWhatIsLeftOfTheBudget) {
  EXPECT_EQ(policy_.attempt_timeout(30s, 0ms), 30s);
  EXPECT_EQ(policy_.attempt_timeout(30s, 100s), 20s);
  // Never zero, which libcurl would read as "no timeout".
  EXPECT_EQ(policy_.attempt_timeout(30s, 200s), 1ms);
}

}  // namespace
}  // namespace epicsync::jira

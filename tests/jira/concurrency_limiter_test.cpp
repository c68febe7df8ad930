#include "jira/concurrency_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace epicsync::jira {
namespace {

TEST(ConcurrencyLimiter, StartsAtTheConfiguredMaximum) {
  ConcurrencyLimiter l(8);
  EXPECT_EQ(l.limit(), 8);
  EXPECT_EQ(ConcurrencyLimiter(0).limit(), 1);  // never zero: that would deadlock
}

TEST(ConcurrencyLimiter, PermitsCountInFlightAndReleaseOnDestruction) {
  ConcurrencyLimiter l(3);
  {
    auto a = l.acquire();
    auto b = l.acquire();
    EXPECT_EQ(l.in_flight(), 2);
    auto moved = std::move(a);
    EXPECT_EQ(l.in_flight(), 2);
    moved.release();
    EXPECT_EQ(l.in_flight(), 1);
  }
  EXPECT_EQ(l.in_flight(), 0);
}

TEST(ConcurrencyLimiter, HalvesOnThrottleDownToOne) {
  ConcurrencyLimiter l(8);
  for (int expected : {4, 2, 1, 1}) {
    auto p = l.acquire();
    l.on_throttled(p);
    EXPECT_EQ(l.limit(), expected);
  }
}

TEST(ConcurrencyLimiter, ThrottlesFromTheSameBurstShrinkOnlyOnce) {
  ConcurrencyLimiter l(8);
  std::vector<ConcurrencyLimiter::Permit> burst;
  for (int i = 0; i < 4; ++i) burst.push_back(l.acquire());
  for (auto& p : burst) l.on_throttled(p);
  EXPECT_EQ(l.limit(), 4);
}

TEST(ConcurrencyLimiter, GrowsByOneAfterEnoughSuccessesUpToMax) {
  ConcurrencyLimiter l(4, /*increase_after=*/3);
  {
    auto p = l.acquire();
    l.on_throttled(p);
  }
  {
    auto p = l.acquire();
    l.on_throttled(p);
  }
  ASSERT_EQ(l.limit(), 1);
  for (int expected : {2, 3, 4, 4}) {
    for (int i = 0; i < 3; ++i) {
      auto p = l.acquire();
      l.on_success(p);
    }
    EXPECT_EQ(l.limit(), expected);
  }
}

TEST(ConcurrencyLimiter, ThrottleResetsTheSuccessStreak) {
  ConcurrencyLimiter l(8, 2);
  {
    auto p = l.acquire();
    l.on_throttled(p);  // 4
  }
  {
    auto p = l.acquire();
    l.on_success(p);
  }
  {
    auto p = l.acquire();
    l.on_throttled(p);  // 2, streak gone
  }
  {
    auto p = l.acquire();
    l.on_success(p);
  }
  EXPECT_EQ(l.limit(), 2);
}

TEST(ConcurrencyLimiter, BlocksBeyondTheLimit) {
  ConcurrencyLimiter l(2);
  std::atomic<int> current{0}, peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto p = l.acquire();
        int now = ++current;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --current;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(l.in_flight(), 0);
}

}  // namespace
}  // namespace epicsync::jira

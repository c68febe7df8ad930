#pragma once

#include <chrono>
#include <mutex>

namespace jira_sim {

// A token bucket: `rate` requests per second on average, bursts of up to `burst`.
class TokenBucket {
 public:
  TokenBucket(double rate, int burst);

  struct Decision {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    int retry_after_s = 0;  // whole seconds, rounded up, as Retry-After carries them
  };
  Decision take();
  bool enabled() const { return rate_ > 0; }

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
  std::mutex mu_;
};

}  // namespace jira_sim

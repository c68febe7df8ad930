#include "rate_limit.h"

#include <algorithm>
#include <cmath>

namespace jira_sim {

TokenBucket::TokenBucket(double rate, int burst)
    : rate_(rate),
      burst_(burst > 0 ? burst : std::max(1.0, std::ceil(rate))),
      tokens_(burst_),
      last_(std::chrono::steady_clock::now()) {}

TokenBucket::Decision TokenBucket::take() {
  Decision d;
  if (rate_ <= 0) return d;
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  d.limit = static_cast<int>(burst_);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    d.remaining = static_cast<int>(tokens_);
    return d;
  }
  d.allowed = false;
  d.remaining = 0;
  d.retry_after_s = std::max(1, static_cast<int>(std::ceil((1.0 - tokens_) / rate_)));
  return d;
}

}  // namespace jira_sim

#include "jira/concurrency_limiter.h"

#include <algorithm>

namespace epicsync::jira {

ConcurrencyLimiter::Permit& ConcurrencyLimiter::Permit::operator=(Permit&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = o.owner_;
    generation_ = o.generation_;
    o.owner_ = nullptr;
  }
  return *this;
}

void ConcurrencyLimiter::Permit::release() {
  if (owner_ != nullptr) {
    owner_->release_slot();
    owner_ = nullptr;
  }
}

ConcurrencyLimiter::ConcurrencyLimiter(int max_limit, int increase_after)
    : max_limit_(std::max(1, max_limit)),
      increase_after_(std::max(1, increase_after)),
      limit_(max_limit_) {}

ConcurrencyLimiter::Permit ConcurrencyLimiter::acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ < limit_; });
  ++in_flight_;
  return Permit(this, generation_);
}

void ConcurrencyLimiter::release_slot() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_one();
}

void ConcurrencyLimiter::on_success(const Permit& p) {
  bool grew = false;
  {
    std::lock_guard lock(mu_);
    if (p.generation() != generation_) return;  // measured under an older limit
    if (limit_ >= max_limit_) return;
    if (++successes_ >= increase_after_) {
      ++limit_;
      successes_ = 0;
      grew = true;
    }
  }
  if (grew) cv_.notify_one();
}

void ConcurrencyLimiter::on_throttled(const Permit& p) {
  std::lock_guard lock(mu_);
  if (p.generation() != generation_) return;
  limit_ = std::max(1, limit_ / 2);
  successes_ = 0;
  ++generation_;
}

int ConcurrencyLimiter::limit() const {
  std::lock_guard lock(mu_);
  return limit_;
}

int ConcurrencyLimiter::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace epicsync::jira

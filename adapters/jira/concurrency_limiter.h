#pragma once

// A counting semaphore whose capacity follows AIMD: halve on throttling, creep back up by one
// after a run of successes. Keeps us just under what the tracker tolerates.

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace epicsync::jira {

class ConcurrencyLimiter {
 public:
  // A slot held by one in-flight request; returns itself on destruction.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& o) noexcept : owner_(o.owner_), generation_(o.generation_) {
      o.owner_ = nullptr;
    }
    Permit& operator=(Permit&& o) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }

    void release();
    bool held() const { return owner_ != nullptr; }
    // Limit generation when the slot was taken: throttles reported by requests sent before the
    // last decrease were caused by the old, larger limit and must not shrink it again.
    std::uint64_t generation() const { return generation_; }

   private:
    friend class ConcurrencyLimiter;
    Permit(ConcurrencyLimiter* owner, std::uint64_t gen) : owner_(owner), generation_(gen) {}
    ConcurrencyLimiter* owner_ = nullptr;
    std::uint64_t generation_ = 0;
  };

  // max_limit >= 1; the limit starts there. increase_after: successes needed for +1.
  explicit ConcurrencyLimiter(int max_limit = 8, int increase_after = 8);

  Permit acquire();  // blocks while in_flight >= limit

  void on_success(const Permit& p);
  void on_throttled(const Permit& p);

  int limit() const;
  int in_flight() const;
  int max_limit() const { return max_limit_; }

 private:
  void release_slot();

  const int max_limit_;
  const int increase_after_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int limit_;
  int in_flight_ = 0;
  int successes_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace epicsync::jira

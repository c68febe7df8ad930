#include "cli/interrupt.h"

#include <signal.h>

#include <atomic>
#include <mutex>

namespace epicsync::cli {
namespace {

// Lock-free, so the handler may set it (a plain std::atomic<bool> is on every target we build).
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

struct sigaction g_old_int;
struct sigaction g_old_term;
// Scopes nest, also across threads (several epics written at once): the handlers are installed
// by the first scope and restored by the last, and a request is cleared only when no scope is
// open, so a Ctrl-C during one epic's writes stops every epic's.
std::mutex g_mu;
int g_depth = 0;
bool g_sticky = false;

void on_signal(int) {
  g_requested.store(true);
}

}  // namespace

InterruptScope::InterruptScope() {
  std::lock_guard lock(g_mu);
  if (g_depth++ > 0) return;
  if (!g_sticky) g_requested.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // One graceful stop; the next signal has its default action again and ends the process.
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptScope::~InterruptScope() {
  std::lock_guard lock(g_mu);
  if (--g_depth > 0) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool interrupt_requested() {
  return g_requested.load();
}

void keep_interrupt_requests() {
  std::lock_guard lock(g_mu);
  g_sticky = true;
}

}  // namespace epicsync::cli

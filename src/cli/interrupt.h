#pragma once

// Ctrl-C and SIGTERM while a run writes to the tracker: the first one stops the run gracefully
// (no new request is sent, those in flight finish and are journalled, the journal stays open so
// that the same command continues the run); a second one ends the process at once, which is as
// safe as kill -9 (the next run continues from the journal). Outside a scope the signals keep
// their default action: before any write, stopping at once loses nothing.

namespace epicsync::cli {

class InterruptScope {
 public:
  InterruptScope();   // installs the handlers (and clears an earlier request)
  ~InterruptScope();  // restores what was there before
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// Whether Ctrl-C or SIGTERM arrived inside the current scope. Safe from any thread.
bool interrupt_requested();

// A run over many epics: once a stop was asked for, it stays asked for (a later epic's scope does
// not clear it), so no epic writes after a Ctrl-C.
void keep_interrupt_requests();

}  // namespace epicsync::cli

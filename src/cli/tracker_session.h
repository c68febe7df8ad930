#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "config/config.h"
#include "error.h"
#include "tracker/tracker.h"

namespace epicsync::cli {

// The command files see the tracker interface only; which adapter serves it (and the ~450
// headers of its HTTP and JSON machinery) stays inside tracker_session.cpp.
struct TrackerSession {
  std::unique_ptr<tracker::Tracker> tracker;
  tracker::TrackerInfo info;
};

// Connects to the configured tracker and runs discovery for `project`. With `verbose`, each
// request is logged on `log` (method, path, status, time, retries), already redacted.
// The project an epic belongs to: configured, else the key's prefix (PROJ-123 → PROJ).
std::string project_of(const std::string& epic_key, const config::Config& config);

// Whether the clients open_tracker makes say on `log` when a retry starts waiting:
// "waiting for HOST (attempt 2 of 5)…". main() sets it once, from the options and the terminal
// (stderr a terminal, no --quiet, no --output json), like the progress bar; a process-wide
// switch keeps it out of every command's call to open_tracker. Off until set.
void set_retry_notices(bool on);

Result<TrackerSession> open_tracker(const config::Config& config, const std::string& project,
                                    bool verbose, std::ostream& log);

// Sessions for many epics of one run: one client (one connection pool, one rate-limit budget)
// for all of them, discovery once per project, and a tracker of its own for each epic (what it
// wrote, what it counted). Thread-safe. `log` must outlive the pool.
class TrackerPool {
 public:
  TrackerPool(const config::Config& config, bool verbose, std::ostream& log);
  ~TrackerPool();
  TrackerPool(const TrackerPool&) = delete;
  TrackerPool& operator=(const TrackerPool&) = delete;
  Result<TrackerSession> session(const std::string& project);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epicsync::cli

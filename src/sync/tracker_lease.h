#pragma once

// One writer per epic, across machines. The file lock in the backup folder only sees runs on the
// same machine with the same folder; two CI runners would each hold their own and create the
// whole epic twice. So the run that writes also holds a lease on the tracker itself: an issue
// property on the epic naming the holder, with a random token and an expiry. Jira has no
// compare-and-set for properties, so a lease is taken by writing it, waiting long enough for any
// run that read "free" at the same moment to write too, and reading it back: the last writer
// wins, everyone else sees its token and stops. The holder renews it while it runs and removes
// it at the end; a holder that died leaves a lease that simply expires.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "error.h"
#include "tracker/tracker.h"

namespace epicsync::sync {

inline constexpr const char* kLeaseProperty = "epicsync.lease";

// One run of epicsync that wrote to the epic, as the epic's run record keeps it (newest last,
// the last kRunsKept): what `--list-runs` shows, and what a rollback without a local backup
// starts from. It lives in the lease property, so recording it costs no request: the taker
// carries the record it read forward in the lease it writes, and the release that already
// happens adds the run's end. A run that loses the race for the lease wrote nothing, and its
// entry is lost with its lease, as it should be.
struct RunRecord {
  std::string id;  // also in the epicsync property of each issue the run wrote (`run`)
  std::string mode;
  std::string user;  // the person or CI job (the login name), and the machine
  std::string host;
  // The tracker account the run wrote as: the author of its changelog entries.
  std::string account;
  // In the tracker's clock (ours corrected by what serverInfo said), to the millisecond, so that
  // the run's entries in the changelog fall between them.
  std::chrono::system_clock::time_point started{};
  std::optional<std::chrono::system_clock::time_point> finished;
  // "running" until the run releases the lease; then done, partial (some operations failed),
  // unknown (some outcomes could not be confirmed), interrupted.
  std::string outcome = "running";
  std::string backup;                  // the local backup holding the state before it, if any
  std::map<std::string, long> counts;  // operations, applied, created, transitions, failed, unknown
};

inline constexpr size_t kRunsKept = 20;

// How a run ended, for its entry in the run record.
struct RunSummary {
  std::string outcome;
  std::string backup;
  std::map<std::string, long> counts;
};

struct LeaseOptions {
  std::string mode = "sync";  // what the holder is doing: sync, rollback, restore
  // The tracker's clock minus ours (TrackerInfo::clock_offset) and the account the run writes
  // as, for the run record.
  std::chrono::milliseconds clock_offset{0};
  std::string account;
  std::chrono::seconds ttl{120};
  std::chrono::seconds renew_every{30};
  // How long to wait after writing the lease before reading it back: long enough for any run that
  // read "free" at the same moment to have written its own. That gap is one request's round
  // trip, so the wait is a few times what our own write took, within these bounds.
  std::chrono::milliseconds min_settle{300};
  std::chrono::milliseconds max_settle{5000};
  std::function<std::chrono::system_clock::time_point()> now;  // default: system_clock::now
  std::function<void(std::chrono::milliseconds)> sleep;        // default: sleep_for
};

struct LeaseRecord {
  std::string holder;  // the user running epicsync, for messages
  std::string host;
  long pid = 0;
  std::string token;
  std::string mode;
  std::chrono::system_clock::time_point acquired{};
  std::chrono::system_clock::time_point expires{};
  // Set when the holder finished: the lease is free, and names the issues that run created, which
  // a lagging search may not show yet to the next run (it asks for them by id).
  std::optional<std::chrono::system_clock::time_point> released;
  std::vector<std::string> created_ids;
  bool created_truncated = false;  // too many to list: the next run waits out the lag instead
  std::string run;                 // the holder's run id (its entry in `runs`)
  std::vector<RunRecord> runs;     // the epic's run record, oldest first
};

// The run record an epic's lease property holds (empty when it has none or is not epicsync's).
std::vector<RunRecord> runs_of_lease(const std::string& lease_text);
// Whether a run that never recorded its end is still running (its lease is held and current)
// or was stopped (killed, crashed) before it could.
bool run_is_live(const RunRecord& run, const std::optional<LeaseRecord>& lease,
                 std::chrono::system_clock::time_point now);

std::string lease_to_json(const LeaseRecord& r);
// nullopt when the text is not a lease epicsync wrote.
std::optional<LeaseRecord> lease_from_json(const std::string& text);

class TrackerLease {
 public:
  // Takes the epic's lease: kLocked naming the holder's host and pid when another run holds an
  // unexpired one (or wins the race for it); the tracker's own error when it cannot be read or
  // written. `tracker` must outlive the lease; its calls are made from a renewal thread too.
  static Result<std::unique_ptr<TrackerLease>> acquire(tracker::Tracker& tracker,
                                                       const std::string& epic,
                                                       LeaseOptions options);
  ~TrackerLease();  // releases
  TrackerLease(const TrackerLease&) = delete;
  TrackerLease& operator=(const TrackerLease&) = delete;

  // False once a renewal found another run's token, or could not renew before the lease ran
  // out: from then on nothing more may be written.
  bool held() const { return !lost_; }
  // Frees the lease if it is still this run's, leaving the ids of the issues this run created
  // for the next holder; false when that failed (it then lingers until it expires). Idempotent.
  // `summary`: how the run ended, recorded in its run record entry; without one the run wrote
  // nothing and its entry is dropped.
  bool release(const std::vector<std::string>& created_ids = {},
               const std::optional<RunSummary>& summary = std::nullopt);
  const LeaseRecord& record() const { return record_; }
  const std::string& run_id() const { return record_.run; }
  // The lease as the previous holder left it when it finished, if it did (for its created ids).
  const std::optional<LeaseRecord>& previous() const { return previous_; }

 private:
  TrackerLease(tracker::Tracker& tracker, std::string epic, LeaseOptions options,
               LeaseRecord record);
  void renew_loop();

  tracker::Tracker& tracker_;
  std::string epic_;
  LeaseOptions options_;
  LeaseRecord record_;
  std::optional<LeaseRecord> previous_;
  std::atomic<bool> lost_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool released_ = false;
  std::thread renewer_;
};

}  // namespace epicsync::sync

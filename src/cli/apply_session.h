#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "backup/backup_store.h"
#include "error.h"
#include "plan/plan.h"
#include "plan/status_map.h"
#include "sync/executor.h"
#include "sync/tracker_lease.h"
#include "tracker/tracker.h"

namespace epicsync::cli {

// How every command that writes to the tracker applies its plan (a sync, a rollback, a
// restore): the backup of the state before it (or the interrupted run it continues), the journal,
// the executor with its progress bar and Ctrl-C handling, the lease released, the journal
// sealed, the writes verified by reading the epic again, retention. The caller has taken the
// epic's lock and lease and made the plan; it reports the outcome in its own words.
struct ApplyRequest {
  const backup::BackupStore* store = nullptr;
  std::string epic;
  std::string mode;  // "sync", "rollback", "restore": for messages
  // The backup this run's journal goes in: taken now (with `backup_files` beside the snapshot),
  // or the interrupted run of the same command, continued. No backup: nothing is journalled.
  bool take_backup = true;
  backup::Trigger trigger = backup::Trigger::kPreSync;
  std::string backup_notes;
  std::map<std::string, std::string> backup_files;
  std::optional<backup::BackupInfo> resumed;
  // A run that wrote nothing at all keeps no backup (not a continued one: its backup holds the
  // state before the interrupted run).
  bool drop_unused_backup = false;
  int keep_count = 20;

  const tracker::EpicSnapshot* before = nullptr;  // what the plan was made from
  const plan::Plan* plan = nullptr;
  int concurrency = 8;
  plan::StatusMap status_map = plan::StatusMap::defaults();
  std::string progress_label = "Syncing";
  bool show_progress = false;  // a bar on stderr (a terminal, not -q, not JSON)
  bool quiet = false;          // no "Continuing…" line
  sync::TrackerLease* lease = nullptr;

  // Reads what the run wrote and says what does not hold, one line each; unset: no check.
  std::function<Result<std::vector<std::string>>(tracker::Tracker&, const sync::ExecutionReport&)>
      verify;
};

struct ApplyOutcome {
  sync::ExecutionReport report;
  std::optional<backup::BackupInfo> backup;  // the backup holding the state before the run
  bool resumed = false;                      // it continued an interrupted run
  bool dropped_backup = false;               // nothing was written, so no backup was kept
  // The journal could not be written or sealed: the run stopped at it (exit 12).
  std::optional<Error> storage;
  // What reading the epic again showed not to hold (or that it could not be read).
  std::vector<std::string> unverified;
  std::vector<std::string> notes;  // retention problems and the like
  bool verified() const { return unverified.empty(); }
};

// An error before anything was sent (the backup or the journal could not be made).
Result<ApplyOutcome> apply_plan(const ApplyRequest& request, tracker::Tracker& tracker,
                                std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.h"
#include "restore/changelog_rollback.h"
#include "sync/tracker_lease.h"
#include "tracker/tracker.h"

namespace epicsync::cli {

// A rollback without a local backup (docs/rollback.md, "From the tracker"): the run to undo is
// found in the epic's run record, and the state before it rebuilt from the changelog.

// The epic's run record, oldest first (empty when none is recorded), and its lease as read.
struct RunRecordRead {
  std::vector<sync::RunRecord> runs;
  std::optional<sync::LeaseRecord> lease;
};
Result<RunRecordRead> read_run_record(tracker::Tracker& tracker, const std::string& epic);

// The newest sync in the record, if any.
const sync::RunRecord* newest_sync(const RunRecordRead& record);

// The run `run_id` names (empty: the newest sync), checked to be over: kNotFound when the
// record has no such run, kLocked while it still runs.
Result<sync::RunRecord> run_to_undo(const RunRecordRead& record, const std::string& epic,
                                    const std::string& run_id);

// Reads the changelog of every issue of `current` and rebuilds the state before `run`.
Result<restore::ChangelogRollback> rebuild_before_run(tracker::Tracker& tracker,
                                                      const tracker::TrackerInfo& info,
                                                      const RunRecordRead& record,
                                                      const sync::RunRecord& run,
                                                      const tracker::EpicSnapshot& current);

}  // namespace epicsync::cli

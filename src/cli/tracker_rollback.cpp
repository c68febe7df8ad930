#include "cli/tracker_rollback.h"

#include <algorithm>
#include <chrono>

namespace epicsync::cli {
namespace {

// How far the run's own changelog entries may fall outside the times it recorded: the clock
// offset is measured to half a round trip, and the tracker stamps a change when it commits it.
constexpr std::chrono::seconds kSlack{2};

}  // namespace

Result<RunRecordRead> read_run_record(tracker::Tracker& tracker, const std::string& epic) {
  auto text = tracker.get_property(epic, sync::kLeaseProperty);
  if (!text) return text.error();
  RunRecordRead out;
  if (*text) out.lease = sync::lease_from_json(**text);
  if (out.lease) out.runs = out.lease->runs;
  return out;
}

const sync::RunRecord* newest_sync(const RunRecordRead& record) {
  for (auto it = record.runs.rbegin(); it != record.runs.rend(); ++it) {
    if (it->mode == "sync") return &*it;
  }
  return nullptr;
}

Result<sync::RunRecord> run_to_undo(const RunRecordRead& record, const std::string& epic,
                                    const std::string& run_id) {
  const sync::RunRecord* run = nullptr;
  if (run_id.empty()) {
    run = newest_sync(record);
  } else {
    for (const auto& r : record.runs) {
      if (r.id == run_id) run = &r;
    }
  }
  if (!run) {
    return Error{ErrorKind::kNotFound,
                 run_id.empty() ? "no sync of " + epic +
                                      " to roll back: no local backup, and "
                                      "the tracker records no run on the epic"
                                : "no run " + run_id + " is recorded on " + epic,
                 "epicsync --list-runs --epic " + epic};
  }
  if (sync::run_is_live(*run, record.lease, std::chrono::system_clock::now())) {
    return Error{ErrorKind::kLocked, "run " + run->id + " of " + epic + " is still running",
                 "wait for it to finish, then roll it back"};
  }
  if (run->account.empty()) {
    return Error{ErrorKind::kNotFound,
                 "run " + run->id +
                     " did not record the account it wrote as, so its changes "
                     "cannot be told apart in the changelog",
                 "roll it back from a backup (epicsync --list-backups --epic " + epic + ")"};
  }
  return *run;
}

Result<restore::ChangelogRollback> rebuild_before_run(tracker::Tracker& tracker,
                                                      const tracker::TrackerInfo& info,
                                                      const RunRecordRead& record,
                                                      const sync::RunRecord& run,
                                                      const tracker::EpicSnapshot& current) {
  // The run's stretch of the tracker's clock, never reaching into the runs before and after it
  // (runs of an epic never overlap: the lease).
  restore::TrackedRun tracked{run.id, run.account, run.started - kSlack, {}};
  auto at = std::find_if(record.runs.begin(), record.runs.end(),
                         [&](const sync::RunRecord& r) { return r.id == run.id; });
  const sync::RunRecord* before =
      at != record.runs.begin() && at != record.runs.end() ? &*std::prev(at) : nullptr;
  const sync::RunRecord* after =
      at != record.runs.end() && std::next(at) != record.runs.end() ? &*std::next(at) : nullptr;
  if (before) tracked.from = std::max(tracked.from, before->finished.value_or(before->started));
  if (run.finished) {
    tracked.to = *run.finished + kSlack;
  } else if (after) {
    tracked.to = after->started;
  } else if (record.lease && record.lease->run == run.id) {
    // Stopped before it could record its end (killed): it wrote nothing after its lease ran
    // out, and what its account did since is not the run's.
    tracked.to = record.lease->expires + tracker.clock_offset();
  } else {
    return Error{ErrorKind::kNotFound,
                 "run " + run.id +
                     " recorded no end and no later run follows it, so its "
                     "changes cannot be told apart in the changelog",
                 "roll it back from a backup (epicsync --list-backups)"};
  }
  if (after) tracked.to = std::min(tracked.to, after->started);

  std::vector<tracker::IssueRef> refs = {{current.epic.key, current.epic.id}};
  for (const auto* list : {&current.stories, &current.subtasks}) {
    for (const auto& r : *list) refs.push_back({r.key, r.id});
  }
  auto logs = tracker.changelogs(refs);
  if (!logs) return logs.error();
  auto statuses = tracker.statuses();
  if (!statuses) return statuses.error();
  std::vector<std::string> table;
  for (const auto& f : info.fields) table.push_back(f.key);
  return restore::rollback_from_changelog(current, *logs, tracked, *statuses,
                                          info.story_points_field, table,
                                          info.deployment != tracker::Deployment::kCloud);
}

}  // namespace epicsync::cli

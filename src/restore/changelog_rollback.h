#pragma once

// A rollback without a local backup (docs/rollback.md, "From the tracker"): the state before a
// run, and what the run wrote, rebuilt from what Jira itself keeps (each issue's changelog, the
// run trace epicsync leaves in the issue properties, the comments' authors and times), in the
// shapes a backup-based rollback uses: a snapshot "before" and the run's write history. The
// same restore planner then plans the rollback, with the same drift protection.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "restore/write_history.h"
#include "tracker/remote_issue.h"

namespace epicsync::restore {

// The run to undo, as the epic's run record names it, and the stretch of the tracker's clock its
// changelog entries fall in.
struct TrackedRun {
  std::string id;
  std::string account;  // the changelog's author of the run's writes
  std::chrono::system_clock::time_point from{};
  std::chrono::system_clock::time_point to{};
};

struct ChangelogRollback {
  tracker::EpicSnapshot before;  // the epic as it was before the run, as far as Jira can say
  WriteHistory writes;           // what the run wrote: both `since` and `undo` of the planner
  // What the changelog cannot give back, left as it is: listed as conflicts (exit 10).
  std::vector<plan::Conflict> conflicts;
  std::vector<std::string> notes;
  size_t issues_touched = 0;  // issues the run changed (created ones included)
};

// `story_points_field`: the field id Jira logs story points under; `table`: the ids of the extra
// fields epicsync manages (their changelog items are not restored; each is a conflict).
// `wiki_log`: the changelog holds descriptions as the wiki markup they are (Data Center);
// otherwise (Cloud: a text rendition of the ADF) a description comes back only from the run
// trace's prior value, and is a conflict without one.
ChangelogRollback rollback_from_changelog(
    const tracker::EpicSnapshot& current,
    const std::map<std::string, std::vector<tracker::ChangeHistory>>& changelogs,
    const TrackedRun& run, const std::vector<tracker::RemoteStatus>& statuses,
    const std::string& story_points_field, const std::vector<std::string>& table, bool wiki_log);

// A Jira timestamp ("2026-12-07T23:05:00.816+0000", "…Z", "…+01:00") in UTC; nullopt when it is
// none.
std::optional<std::chrono::system_clock::time_point> parse_jira_time(const std::string& text);

}  // namespace epicsync::restore

#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/backup_store.h"

namespace epicsync::backup {

// The run a re-run continues: the newest automatic backup of `epic`, when it was taken by a run
// of `trigger` (a sync, a rollback) whose journal was never sealed, because that run was killed
// or lost its machine. Continuing it (same backup, the journal appended to) keeps one backup for
// the whole change, so one --rollback undoes what both runs did. Call it under the epic's lock:
// then no live run owns an unsealed journal. nullopt when the newest backup is not such a run.
Result<std::optional<BackupInfo>> interrupted_run(const BackupStore& store, const std::string& epic,
                                                  Trigger trigger);

// The tracker's bulk tasks (ids) that the newest automatic backup's run sent and never saw end:
// operations of its journal whose last outcome names a task (killed meanwhile, or it stopped
// waiting). A run killed
// while Jira still worked through such a task leaves it running; the next run waits for it
// before reading the epic, so it never plans from issues the task is still changing.
std::vector<std::string> unfinished_tasks(const BackupStore& store, const std::string& epic);

// The issues (keys) the newest automatic backup's unsealed journal wrote to or created: a run
// cut short may have changed them without recording the base that says so (a bulk transition's
// status is recorded by a property write after it), so the next run records what it finds in
// step on them.
std::set<std::string> interrupted_issues(const BackupStore& store, const std::string& epic);

}  // namespace epicsync::backup

#pragma once

#include <optional>
#include <string>

#include "backup/backup_store.h"

namespace epicsync::backup {

// The run a re-run continues: the newest automatic backup of `epic`, when it was taken by a run
// of `trigger` (a sync, a rollback) whose journal was never sealed, because that run was killed
// or lost its machine. Continuing it (same backup, the journal appended to) keeps one backup for
// the whole change, so one --rollback undoes what both runs did. Call it under the epic's lock:
// then no live run owns an unsealed journal. nullopt when the newest backup is not such a run.
Result<std::optional<BackupInfo>> interrupted_run(const BackupStore& store, const std::string& epic,
                                                  Trigger trigger);

}  // namespace epicsync::backup

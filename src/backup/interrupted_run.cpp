#include "backup/interrupted_run.h"

namespace epicsync::backup {

Result<std::optional<BackupInfo>> interrupted_run(const BackupStore& store, const std::string& epic,
                                                  Trigger trigger) {
  auto all = store.list(epic);
  if (!all) return all.error();
  // Only the newest automatic backup: an older unsealed journal was already followed by a run
  // that took a backup of its own, so continuing it would split the history.
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    if (it->manifest.trigger == Trigger::kManual) continue;
    if (it->manifest.trigger != trigger || it->manifest.journal.empty())
      return std::optional<BackupInfo>();
    // An imported backup's run happened on another machine: this one cannot continue it.
    std::error_code ec;
    if (std::filesystem::exists(it->dir / kImportedMarker, ec)) return std::optional<BackupInfo>();
    auto seal = read_journal_seal(it->dir / it->manifest.journal);
    if (!seal) return seal.error();
    if (seal->has_value()) return std::optional<BackupInfo>();
    return std::optional<BackupInfo>(*it);
  }
  return std::optional<BackupInfo>();
}

}  // namespace epicsync::backup

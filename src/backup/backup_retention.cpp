// Removing backups: retention and cleanup (automatic backups only), and the sweep of
// interrupted ones.
#include <system_error>

#include "backup/backup_store.h"
#include "backup/store_dir.h"

namespace epicsync::backup {

Result<std::vector<BackupRef>> BackupStore::cleanup(const std::optional<std::string>& epic,
                                                    std::size_t keep) const {
  auto keys = epics(epic);
  if (!keys) return keys.error();
  std::vector<BackupRef> removed;
  for (const auto& key : *keys) {
    auto backups = list(key);
    if (!backups) return backups.error();
    std::size_t automatic_seen = 0;
    // Newest first: the first `keep` automatic backups stay.
    for (auto it = backups->rbegin(); it != backups->rend(); ++it) {
      if (it->manifest.trigger == Trigger::kManual) continue;
      if (++automatic_seen <= keep) continue;
      auto gone = store_dir::remove_backup(options_.root / key, it->manifest.id);
      if (!gone) return gone.error();
      removed.push_back({key, it->manifest.id});
    }
  }
  return removed;
}

Result<std::vector<BackupRef>> BackupStore::apply_retention(const std::string& epic,
                                                            int keep_count) const {
  auto valid = validate_keep_count(keep_count);
  if (!valid) return valid.error();
  auto removed = cleanup(epic, static_cast<std::size_t>(keep_count));
  if (!removed) return removed.error();
  auto swept = sweep_interrupted(epic);
  if (!swept) return swept.error();
  removed->insert(removed->end(), swept->begin(), swept->end());
  return removed;
}

Result<std::vector<BackupRef>> BackupStore::sweep_interrupted(
    const std::optional<std::string>& epic) const {
  auto keys = epics(epic);
  if (!keys) return keys.error();
  std::vector<BackupRef> removed;
  for (const auto& key : *keys) {
    auto epic_dir = options_.root / key;
    std::error_code ec;
    // Removals cut short: already invisible, only their space is left to reclaim.
    for (const auto& entry : std::filesystem::directory_iterator(epic_dir, ec)) {
      if (entry.path().filename().string().rfind(store_dir::kTrashPrefix, 0) == 0) {
        std::error_code ignored;
        std::filesystem::remove_all(entry.path(), ignored);
      }
    }
    for (const auto& id : store_dir::backup_ids(epic_dir)) {
      auto dir = epic_dir / id;
      if (store_dir::has_manifest(dir) || store_dir::being_written(dir)) continue;
      auto gone = store_dir::remove_backup(epic_dir, id);
      if (!gone) return gone.error();
      removed.push_back({key, id});
    }
  }
  return removed;
}

}  // namespace epicsync::backup

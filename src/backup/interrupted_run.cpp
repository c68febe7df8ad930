#include "backup/interrupted_run.h"

#include <algorithm>
#include <set>

#include "backup/journal_record.h"

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

namespace {

// The operations of the newest automatic backup's journal, when it is unsealed (its run was cut
// short) or `sealed_too`; empty otherwise, or when it cannot be read (the callers' checks then
// do nothing more).
std::vector<JournalOp> newest_ops(const BackupStore& store, const std::string& epic,
                                  bool sealed_too) {
  auto all = store.list(epic);
  if (!all) return {};
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    if (it->manifest.trigger == Trigger::kManual) continue;
    if (it->manifest.journal.empty()) return {};
    std::error_code ec;
    if (std::filesystem::exists(it->dir / kImportedMarker, ec)) return {};
    auto seal = read_journal_seal(it->dir / it->manifest.journal);
    if (!seal || (seal->has_value() && !sealed_too)) return {};
    auto journal = store.read_journal(*it);
    if (!journal) return {};
    std::vector<std::string> skipped;
    auto ops = journal_ops(*journal, &skipped);
    return ops ? std::move(*ops) : std::vector<JournalOp>();
  }
  return {};
}

}  // namespace

std::vector<std::string> unfinished_tasks(const BackupStore& store, const std::string& epic) {
  std::vector<std::string> tasks;
  // A sealed journal too: a run that stopped waiting for a task (10 minutes) ended normally.
  for (const auto& op : newest_ops(store, epic, /*sealed_too=*/true)) {
    if (op.open() && op.outcome && !op.outcome->task.empty() &&
        std::find(tasks.begin(), tasks.end(), op.outcome->task) == tasks.end()) {
      tasks.push_back(op.outcome->task);
    }
  }
  return tasks;
}

std::set<std::string> interrupted_issues(const BackupStore& store, const std::string& epic) {
  std::set<std::string> keys;
  for (const auto& op : newest_ops(store, epic, /*sealed_too=*/false)) {
    if (!op.intent.issue.empty()) keys.insert(op.intent.issue);
    if (op.outcome && !op.outcome->key.empty()) keys.insert(op.outcome->key);
  }
  return keys;
}

}  // namespace epicsync::backup

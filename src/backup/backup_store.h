#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/backup_id.h"
#include "backup/epic_lock.h"
#include "backup/journal.h"
#include "backup/manifest.h"
#include "tracker/remote_issue.h"

namespace epicsync::backup {

// The backup store: <root>/<EPIC>/<BACKUP_ID>/ holding snapshot.json, any extra files, the
// run's journal.jsonl, and manifest.json, written last. A directory without a manifest is an
// interrupted backup: never listed or found, removed by sweep_interrupted. Layout and format:
// docs/backup-format.md.
//
// The store writes only what it is given (tracker data, names, notes, extra files); it never
// sees credentials. Every method is safe to call from several threads and processes at once,
// except that cleanup and retention expect the caller to hold the epic's lock, so they cannot
// remove the backup of a run in progress.

struct StoreOptions {
  std::filesystem::path root;  // e.g. ~/.epicsync/backups
  std::string tool_version;    // recorded in each manifest
  Clock clock;                 // std::chrono::system_clock::now when empty
};

struct NewBackup {
  Trigger trigger = Trigger::kPreSync;
  std::string name;  // required for manual backups (--backup NAME)
  std::string notes;
  // Kept beside the snapshot and checksummed, by plain file name (e.g. "source.md", the
  // markdown as it was before --update-source rewrote it).
  std::map<std::string, std::string> files;
};

struct BackupInfo {
  std::filesystem::path dir;
  Manifest manifest;
};

struct BackupRef {
  std::string epic;
  std::string id;
  friend bool operator==(const BackupRef&, const BackupRef&) = default;
};

struct VerifyReport {
  enum class Status {
    kOk,
    kInterrupted,  // no manifest: never usable, swept by the next run
    kFailed,       // see problems
  };
  BackupRef backup;
  Status status = Status::kOk;
  std::vector<std::string> problems;  // why it failed: each names the file and what is wrong
  std::vector<std::string> notes;     // worth showing, not failures (e.g. an unsealed journal)
};

// A complete backup (it has a manifest) whose manifest cannot be read: garbled, truncated, or
// written by a newer epicsync.
struct DamagedBackup {
  BackupRef backup;
  std::filesystem::path dir;
  std::string problem;
};

// backup.keep_count: kUsage unless 10..100.
Result<Done> validate_keep_count(int keep_count);

class BackupStore {
 public:
  explicit BackupStore(StoreOptions options);

  const std::filesystem::path& root() const { return options_.root; }

  // Reserves a new id (unique across processes: mkdir, with a _N suffix when the second is
  // taken), writes the snapshot, the files, an empty journal for automatic backups, and the
  // manifest last. kUsage for an invalid epic, name or file name.
  Result<BackupInfo> create(const std::string& epic, const tracker::EpicSnapshot& snapshot,
                            const NewBackup& what) const;

  // Usable backups (with a readable manifest this version understands), oldest first; all
  // epics when `epic` is nullopt. A missing root is an empty store.
  Result<std::vector<BackupInfo>> list(const std::optional<std::string>& epic = {}) const;

  // Complete backups whose manifest cannot be read, by id (oldest first). list() leaves them
  // out; --list-backups shows them as damaged.
  Result<std::vector<DamagedBackup>> damaged(const std::optional<std::string>& epic = {}) const;

  // For commands that choose "the newest backup" themselves (--rollback, --diff-latest):
  // kInputFile naming the newest backup of `epic` when it is damaged, because skipping it would
  // quietly act on an older one.
  Result<Done> check_newest_intact(const std::string& epic) const;

  // kUsage for an invalid epic or id, kNotFound when absent or interrupted, kInputFile when its
  // manifest is unreadable or from a newer epicsync.
  Result<BackupInfo> find(const std::string& epic, const std::string& id) const;

  // The newest backup of `epic` (of that trigger, when given); kNotFound when there is none.
  Result<BackupInfo> latest(const std::string& epic,
                            std::optional<Trigger> trigger = std::nullopt) const;

  // The snapshot, after checking it against the manifest's SHA-256.
  Result<tracker::EpicSnapshot> load_snapshot(const BackupInfo& backup) const;
  // An extra file's content, after checking it against the manifest's SHA-256.
  Result<std::string> load_file(const BackupInfo& backup, const std::string& name) const;

  // The backup's journal, to append to during the run (kNotFound for a backup without one).
  Result<JournalWriter> open_journal(const BackupInfo& backup) const;
  Result<Journal> read_journal(const BackupInfo& backup) const;

  // Checks every backup (of `epic`, or all): manifest, version, sizes and SHA-256s, that the
  // snapshot parses, journal checksums and seal. Interrupted backups are reported too.
  Result<std::vector<VerifyReport>> verify(const std::optional<std::string>& epic = {}) const;

  // Keeps the `keep` newest automatic backups of `epic` (or of every epic) and removes the
  // older ones. Manual backups are never removed. Returns what was removed.
  Result<std::vector<BackupRef>> cleanup(const std::optional<std::string>& epic,
                                         std::size_t keep) const;

  // Removes one automatic backup (a run that wrote nothing keeps none). Manual backups are
  // refused (kUsage): they are only ever removed by the user.
  Result<Done> remove(const BackupInfo& backup) const;

  // After a successful execute: validate_keep_count, cleanup, sweep_interrupted for `epic`.
  Result<std::vector<BackupRef>> apply_retention(const std::string& epic, int keep_count) const;

  // Removes interrupted backups (no manifest) whose writer is gone, and half-removed ones.
  Result<std::vector<BackupRef>> sweep_interrupted(
      const std::optional<std::string>& epic = {}) const;

  // The epic's run lock (EpicLock::acquire under this root, now from the clock).
  Result<EpicLock> lock(const std::string& epic) const;

 private:
  TimePoint now() const;
  Result<std::vector<std::string>> epics(const std::optional<std::string>& epic) const;

  StoreOptions options_;
};

}  // namespace epicsync::backup

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/backup_id.h"

namespace epicsync::backup {

// The backup format this version writes, and the newest it reads (docs/backup-format.md).
inline constexpr int kFormatVersion = 2;

inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kSnapshotFile = "snapshot.json";
inline constexpr const char* kJournalFile = "journal.jsonl";
inline constexpr const char* kJournalSealFile = "journal.sealed";
// Beside the files of a backup brought in by --import-backup (not in its manifest): its run was
// another machine's, so an unsealed journal in it is never continued here.
inline constexpr const char* kImportedMarker = "imported";

// Why a backup was taken. Only automatic ones (pre-sync, pre-rollback) are removed by retention.
enum class Trigger { kPreSync, kManual, kPreRollback };

std::string_view trigger_name(Trigger trigger);  // "pre-sync", "manual", "pre-rollback"
std::optional<Trigger> trigger_from_name(std::string_view name);

struct ManifestFile {
  std::string path;  // a plain file name inside the backup directory
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex
  friend bool operator==(const ManifestFile&, const ManifestFile&) = default;
};

struct Manifest {
  int format_version = kFormatVersion;
  std::string id;
  std::string epic;
  Trigger trigger = Trigger::kPreSync;
  std::string name;  // set for manual backups
  std::string notes;
  TimePoint created_at;
  std::string tool_version;
  // Where it was taken: the machine's host name and the user's login, so a backup shared with a
  // teammate (--import-backup) says whose it is. Empty in backups older than these fields.
  std::string host;
  std::string user;
  std::size_t issue_count = 0;      // epic + stories + sub-tasks, for --list-backups
  std::vector<ManifestFile> files;  // checksummed, fixed content
  // Grows during the run, so it has no fixed hash here; each record carries a CRC and the run
  // seals it into kJournalSealFile. Empty when a backup has no journal.
  std::string journal;
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

nlohmann::json manifest_to_json(const Manifest& manifest);

// kInputFile for a malformed manifest, or for one written by a newer epicsync (format_version
// above kFormatVersion), with a message saying to upgrade.
Result<Manifest> manifest_from_json(const nlohmann::json& json);

}  // namespace epicsync::backup

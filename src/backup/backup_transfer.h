#pragma once

// Portable backups: one backup as one self-contained, checksummed, versioned file that another
// machine or a teammate imports into their own store (docs/backup-format.md, "Export files").

#include <string>
#include <string_view>

#include "backup/backup_store.h"

namespace epicsync::backup {

// The export format this version writes, and the newest it reads.
inline constexpr int kExportVersion = 1;

// The export of `backup`: its manifest, snapshot, extra files and journal byte for byte, with a
// SHA-256 over all of it. Every member is checked against the manifest first, so a damaged
// backup is never exported as if it were whole.
Result<std::string> export_backup(const BackupStore& store, const BackupInfo& backup);

struct Imported {
  BackupInfo backup;
  bool already_there = false;  // the store held this very backup: nothing was written
};

// Verifies an export and adds it to the store under its own epic and id. kInputFile for anything
// that is not a whole export of this format (a wrong or newer version, a checksum that does not
// match, a member that is not a plain file name or that the manifest does not list); kUsage when
// the store already holds a different backup under that id (never merged, never overwritten).
// Writes only inside the store: into a hidden folder of the epic, renamed into place once
// complete.
Result<Imported> import_backup(const BackupStore& store, std::string_view text);

}  // namespace epicsync::backup

#pragma once

// Internal to the backup store: the directory-level steps shared by create, list, verify and
// removal. Not for use outside src/backup.

#include <filesystem>
#include <string>
#include <vector>

#include "backup/manifest.h"

namespace epicsync::backup::store_dir {

// Present, and flocked by its writer, while a backup is being written; lets a sweep tell a
// backup in progress from one whose writer died.
inline constexpr const char* kCreatingMarker = ".creating";
// A backup being removed is first renamed to a name starting with this, so it stops being a
// backup at once and a removal cut short is finished by the next sweep.
inline constexpr const char* kTrashPrefix = ".trash-";

// The valid backup ids in `epic_dir`, oldest first; an absent directory has none.
std::vector<std::string> backup_ids(const std::filesystem::path& epic_dir);

// The manifest of the backup in `dir`, checked against the directory it is in.
Result<Manifest> read_manifest(const std::filesystem::path& dir);

bool has_manifest(const std::filesystem::path& dir);

// True while the process writing the backup in `dir` is alive.
bool being_written(const std::filesystem::path& dir);

// Renames the backup out of the way, then deletes it.
Result<Done> remove_backup(const std::filesystem::path& epic_dir, const std::string& id);

}  // namespace epicsync::backup::store_dir

#include "backup/backup_transfer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <set>
#include <system_error>

#include "backup/atomic_file.h"
#include "backup/sha256.h"

namespace epicsync::backup {
namespace {

using nlohmann::json;

constexpr const char* kExportFormat = "epicsync-backup-export";

Error bad_export(const std::string& why, const std::string& hint = "") {
  return Error{ErrorKind::kInputFile, "not a usable backup export: " + why, hint};
}

// A member name written by this store: a plain name, never a path, never hidden.
bool plain_member(const std::string& name) {
  return !name.empty() && name[0] != '.' && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
}

// The SHA-256 over the export's content: the document without its checksum, serialized the one
// way nlohmann::json serializes it (keys sorted, no blanks), so writer and reader agree.
Result<std::string> content_hash(const json& doc) {
  try {
    return sha256_hex(doc.dump());
  } catch (const json::exception& e) {  // a member that is not UTF-8 text
    return Error{ErrorKind::kInputFile, std::string("the backup cannot be exported: ") + e.what(),
                 ""};
  }
}

}  // namespace

Result<std::string> export_backup(const BackupStore& store, const BackupInfo& backup) {
  const Manifest& m = backup.manifest;
  json files = json::object();
  auto manifest_text = read_file(backup.dir / kManifestFile);
  if (!manifest_text) return manifest_text.error();
  files[kManifestFile] = *manifest_text;
  for (const auto& f : m.files) {
    auto content = store.load_file(backup, f.path);  // checked against the manifest
    if (!content) return content.error();
    files[f.path] = std::move(*content);
  }
  if (!m.journal.empty()) {
    auto journal = store.read_journal(backup);  // every record's checksum
    if (!journal) return journal.error();
    auto raw = read_file(backup.dir / m.journal);
    if (!raw) return raw.error();
    files[m.journal] = std::move(*raw);
    std::error_code ec;
    if (std::filesystem::exists(backup.dir / kJournalSealFile, ec)) {
      auto seal = read_file(backup.dir / kJournalSealFile);
      if (!seal) return seal.error();
      files[kJournalSealFile] = std::move(*seal);
    }
  }
  json doc = {{"format", kExportFormat},
              {"version", kExportVersion},
              {"epic", m.epic},
              {"id", m.id},
              {"files", std::move(files)}};
  auto hash = content_hash(doc);
  if (!hash) return hash.error();
  doc["sha256"] = *hash;
  return doc.dump(1) + "\n";
}

Result<Imported> import_backup(const BackupStore& store, std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != kExportFormat) {
    return bad_export("it is not an epicsync backup export",
                      "make one with epicsync --export-backup ID FILE");
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) {
    return bad_export("its version is missing or invalid");
  }
  if (version->get<int>() > kExportVersion) {
    return Error{ErrorKind::kInputFile,
                 "this backup export has version " + std::to_string(version->get<int>()) +
                     ", newer than this epicsync reads (up to " + std::to_string(kExportVersion) +
                     ")",
                 "upgrade epicsync to import it"};
  }
  const auto sha = doc.find("sha256");
  if (sha == doc.end() || !sha->is_string()) return bad_export("it has no checksum");
  const std::string claimed = sha->get<std::string>();
  doc.erase("sha256");
  auto hash = content_hash(doc);
  if (!hash) return hash.error();
  if (*hash != claimed) {
    return bad_export("its checksum does not match its content: it was changed or damaged",
                      "export the backup again from its store");
  }
  if (!doc.contains("epic") || !doc["epic"].is_string() || !doc.contains("id") ||
      !doc["id"].is_string() || !doc.contains("files") || !doc["files"].is_object()) {
    return bad_export("epic, id or files is missing");
  }
  const std::string epic = doc["epic"].get<std::string>();
  const std::string id = doc["id"].get<std::string>();
  if (auto ok = validate_epic_key(epic); !ok) return bad_export(ok.error().message);
  if (auto ok = validate_backup_id(id); !ok) return bad_export(ok.error().message);
  std::map<std::string, std::string> files;
  for (const auto& [name, content] : doc["files"].items()) {
    // Names come from the file, so they are never trusted as paths.
    if (!plain_member(name) || !content.is_string()) {
      return bad_export("it names a member \"" + name + "\" that is not a plain file");
    }
    files[name] = content.get<std::string>();
  }
  if (!files.count(kManifestFile)) return bad_export("it has no manifest");
  const json manifest_json = json::parse(files[kManifestFile], nullptr, false);
  auto manifest = manifest_from_json(manifest_json);
  if (!manifest) return manifest.error();
  if (manifest->epic != epic || manifest->id != id) {
    return bad_export("its manifest names another backup (" + manifest->epic + "/" + manifest->id +
                      ")");
  }
  std::set<std::string> expected{kManifestFile};
  for (const auto& f : manifest->files) {
    auto it = files.find(f.path);
    if (it == files.end()) return bad_export("the manifest's file " + f.path + " is missing");
    if (it->second.size() != f.size || sha256_hex(it->second) != f.sha256) {
      return bad_export(f.path + " does not match the manifest's checksum");
    }
    expected.insert(f.path);
  }
  if (!manifest->journal.empty()) {
    if (!files.count(manifest->journal)) return bad_export("its journal is missing");
    expected.insert(manifest->journal);
    expected.insert(kJournalSealFile);
  }
  for (const auto& [name, content] : files) {
    if (!expected.count(name))
      return bad_export("it holds a file the manifest does not list: " + name);
  }

  // Already in the store: the same backup is skipped, a different one is never overwritten.
  const auto epic_dir = store.root() / epic;
  const auto final_dir = epic_dir / id;
  if (auto existing = store.find(epic, id); existing) {
    bool same = true;
    for (const auto& [name, content] : files) {
      auto have = read_file(existing->dir / name);
      same = same && have && *have == content;
    }
    std::error_code ec;
    if (same && !files.count(kJournalSealFile) &&
        std::filesystem::exists(existing->dir / kJournalSealFile, ec)) {
      same = false;
    }
    if (same) return Imported{*existing, true};
    return Error{ErrorKind::kUsage,
                 "backup " + id + " of " + epic +
                     " is already in the store and differs from this export; it is left as it is",
                 "import into another folder (--backup-dir DIR), or remove " + final_dir.string() +
                     " first"};
  }
  std::error_code ec;
  if (std::filesystem::exists(final_dir, ec)) {
    return Error{ErrorKind::kUsage,
                 "the store has a damaged or unfinished backup " + id + " of " + epic +
                     "; it is left as it is",
                 "epicsync --verify-backups says what is wrong with it"};
  }

  // Written into a hidden folder of the epic (never listed, never a backup id), the manifest
  // last, then renamed into place: the store never shows half an import.
  auto made = make_private_dirs(epic_dir);
  if (!made) return made.error();
  const auto staging = epic_dir / (".import-" + id + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(staging, ec);
  if (::mkdir(staging.c_str(), 0700) != 0) {
    return os_error(ErrorKind::kLocalStorage, "cannot create", staging, errno);
  }
  auto abandon = [&](Error e) -> Result<Imported> {
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored);
    return e;
  };
  for (const auto& [name, content] : files) {
    if (name == kManifestFile) continue;
    if (auto written = write_file_atomic(staging / name, content); !written) {
      return abandon(written.error());
    }
  }
  if (auto marked = write_file_atomic(staging / kImportedMarker, ""); !marked) {
    return abandon(marked.error());
  }
  if (auto written = write_file_atomic(staging / kManifestFile, files[kManifestFile]); !written) {
    return abandon(written.error());
  }
  if (::rename(staging.c_str(), final_dir.c_str()) != 0) {
    const int e = errno;
    if (e == EEXIST || e == ENOTEMPTY) {
      return abandon(Error{ErrorKind::kUsage,
                           "backup " + id + " of " + epic + " appeared in the store meanwhile",
                           "run the import again: an identical backup is skipped"});
    }
    return abandon(os_error(ErrorKind::kLocalStorage, "cannot move into place", final_dir, e));
  }
  if (auto synced = sync_directory(epic_dir); !synced) return synced.error();

  // Read back through the store, as a rollback will read it.
  auto placed = store.find(epic, id);
  Result<Done> readable = placed ? Result<Done>(Done{}) : Result<Done>(placed.error());
  if (placed) {
    if (auto snap = store.load_snapshot(*placed); !snap) readable = snap.error();
    if (readable && !manifest->journal.empty()) {
      if (auto journal = store.read_journal(*placed); !journal) readable = journal.error();
    }
  }
  if (!readable) {
    std::filesystem::remove_all(final_dir, ec);
    return bad_export("it does not read back as a backup: " + readable.error().message);
  }
  return Imported{*placed, false};
}

}  // namespace epicsync::backup

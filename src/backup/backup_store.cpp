#include "backup/backup_store.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "backup/atomic_file.h"
#include "backup/sha256.h"
#include "backup/snapshot_json.h"
#include "backup/store_dir.h"

namespace epicsync::backup {
namespace {

Error usage_error(std::string message, std::string hint = "") {
  return Error{ErrorKind::kUsage, std::move(message), std::move(hint)};
}

bool has_control_chars(const std::string& s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (allow_newlines && (c == '\n' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Result<Done> validate_request(const NewBackup& what) {
  if (what.trigger == Trigger::kManual && what.name.empty()) {
    return usage_error("a manual backup needs a name", "give one: --backup NAME");
  }
  if (what.name.size() > 200 || has_control_chars(what.name, false)) {
    return usage_error("a backup name must be one line of at most 200 characters");
  }
  if (what.notes.size() > 10000 || has_control_chars(what.notes, true)) {
    return usage_error("backup notes must be text of at most 10000 characters");
  }
  for (const auto& [name, content] : what.files) {
    bool reserved = name == kManifestFile || name == kSnapshotFile || name == kJournalFile ||
                    name == kJournalSealFile;
    if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos || reserved) {
      return usage_error("cannot keep a file named \"" + name + "\" in a backup");
    }
  }
  return Done{};
}

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// The login of whoever runs epicsync: $USER, else the account database.
std::string this_user() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "";
}

std::size_t issue_count(const tracker::EpicSnapshot& s) {
  return 1 + s.stories.size() + s.subtasks.size();
}

// A reserved backup directory whose writer holds the marker's lock until the manifest is in
// place, so a concurrent sweep leaves it alone.
struct Reservation {
  std::string id;
  std::filesystem::path dir;
  int marker_fd = -1;
  Reservation() = default;
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation() {
    if (marker_fd >= 0) ::close(marker_fd);
  }
};

Result<Done> reserve(const std::filesystem::path& epic_dir, TimePoint now, Reservation& out) {
  for (int attempt = 1; attempt <= 10000; ++attempt) {
    std::string id = make_backup_id(now, attempt);
    auto dir = epic_dir / id;
    // mkdir is atomic: of any number of processes asking for the same name, one gets it.
    if (::mkdir(dir.c_str(), 0700) != 0) {
      if (errno == EEXIST) continue;
      return os_error(ErrorKind::kLocalStorage, "cannot create backup directory", dir, errno);
    }
    auto marker = dir / store_dir::kCreatingMarker;
    int fd = ::open(marker.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    // ENOENT: a sweep took the directory before the marker existed; reserve another.
    if (fd < 0 && errno == ENOENT) continue;
    if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot create", marker, errno);
    if (::flock(fd, LOCK_EX) != 0) {
      int e = errno;
      ::close(fd);
      return os_error(ErrorKind::kLocalStorage, "cannot lock", marker, e);
    }
    // The sweep may have renamed the directory between mkdir and the lock.
    struct stat st;
    if (::stat(marker.c_str(), &st) != 0) {
      ::close(fd);
      continue;
    }
    out.id = id;
    out.dir = dir;
    out.marker_fd = fd;
    return Done{};
  }
  return Error{ErrorKind::kLocalStorage, "cannot reserve a backup id in " + epic_dir.string(), ""};
}

Result<ManifestFile> write_member(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& content) {
  auto written = write_file_atomic(dir / name, content);
  if (!written) return written.error();
  return ManifestFile{name, content.size(), sha256_hex(content)};
}

Result<Done> create_empty_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot create", path, errno);
  int rc = ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (rc != 0) return os_error(ErrorKind::kLocalStorage, "cannot write", path, rc);
  return Done{};
}

Result<std::string> checked_member(const BackupInfo& backup, const std::string& name) {
  const auto& files = backup.manifest.files;
  auto it = std::find_if(files.begin(), files.end(),
                         [&](const ManifestFile& f) { return f.path == name; });
  std::string where = backup.manifest.epic + "/" + backup.manifest.id;
  if (it == files.end()) {
    return Error{ErrorKind::kNotFound, "backup " + where + " has no file " + name, ""};
  }
  auto content = read_file(backup.dir / name);
  if (!content) return content.error();
  if (content->size() != it->size || sha256_hex(*content) != it->sha256) {
    return Error{ErrorKind::kInputFile,
                 "backup " + where + ": " + name + " does not match its checksum (damaged)",
                 "epicsync --verify-backups reports every damaged backup"};
  }
  return content;
}

}  // namespace

Result<Done> validate_keep_count(int keep_count) {
  if (keep_count < 10 || keep_count > 100) {
    return usage_error("backup.keep_count must be between 10 and 100, not " +
                       std::to_string(keep_count));
  }
  return Done{};
}

BackupStore::BackupStore(StoreOptions options) : options_(std::move(options)) {}

TimePoint BackupStore::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

Result<BackupInfo> BackupStore::create(const std::string& epic,
                                       const tracker::EpicSnapshot& snapshot,
                                       const NewBackup& what) const {
  auto valid = validate_epic_key(epic);
  if (!valid) return valid.error();
  auto request_ok = validate_request(what);
  if (!request_ok) return request_ok.error();
  std::string snapshot_text;
  try {
    snapshot_text = snapshot_to_json(snapshot).dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {  // invalid UTF-8 from the tracker
    return Error{ErrorKind::kInternal, std::string("cannot encode the snapshot: ") + e.what(), ""};
  }

  auto epic_dir = options_.root / epic;
  auto made = make_private_dirs(epic_dir);
  if (!made) return made.error();
  TimePoint created = std::chrono::time_point_cast<std::chrono::seconds>(now());
  Reservation r;
  auto reserved = reserve(epic_dir, created, r);
  if (!reserved) return reserved.error();

  auto abandon = [&](Error e) -> Result<BackupInfo> {
    std::error_code ec;
    std::filesystem::remove_all(r.dir, ec);
    return e;
  };

  Manifest m;
  m.id = r.id;
  m.epic = epic;
  m.trigger = what.trigger;
  m.name = what.name;
  m.notes = what.notes;
  m.created_at = created;
  m.tool_version = options_.tool_version;
  m.host = this_host();
  m.user = this_user();
  m.issue_count = issue_count(snapshot);
  auto snap = write_member(r.dir, kSnapshotFile, snapshot_text);
  if (!snap) return abandon(snap.error());
  m.files.push_back(*snap);
  for (const auto& [name, content] : what.files) {
    auto file = write_member(r.dir, name, content);
    if (!file) return abandon(file.error());
    m.files.push_back(*file);
  }
  if (what.trigger != Trigger::kManual) {
    auto journal = create_empty_file(r.dir / kJournalFile);
    if (!journal) return abandon(journal.error());
    m.journal = kJournalFile;
  }
  // Last: from here on the backup is complete and usable.
  auto manifest = write_file_atomic(r.dir / kManifestFile, manifest_to_json(m).dump(2) + "\n");
  if (!manifest) return abandon(manifest.error());
  ::unlink((r.dir / store_dir::kCreatingMarker).c_str());
  return BackupInfo{r.dir, std::move(m)};
}

Result<std::vector<std::string>> BackupStore::epics(const std::optional<std::string>& epic) const {
  if (epic) {
    auto valid = validate_epic_key(*epic);
    if (!valid) return valid.error();
    return std::vector<std::string>{*epic};
  }
  std::vector<std::string> out;
  std::error_code ec;
  // A folder that does not exist yet holds no backups; one that cannot be read, or a file in
  // its place, is an error: "No backups" would hide the backups the user is looking for.
  const auto status = std::filesystem::status(options_.root, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return os_error(ErrorKind::kLocalStorage, "cannot read the backup folder", options_.root,
                    ec.value());
  }
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
    return Error{ErrorKind::kLocalStorage,
                 "the backup folder " + options_.root.string() + " is a file, not a folder",
                 "point --backup-dir, EPICSYNC_BACKUP_DIR or backup.dir at a folder"};
  }
  std::filesystem::directory_iterator it(options_.root, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return os_error(ErrorKind::kLocalStorage, "cannot read the backup folder", options_.root,
                    ec.value());
  }
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (validate_epic_key(name) && it->is_directory(type_ec)) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<BackupInfo>> BackupStore::list(const std::optional<std::string>& epic) const {
  auto keys = epics(epic);
  if (!keys) return keys.error();
  std::vector<BackupInfo> out;
  for (const auto& key : *keys) {
    for (const auto& id : store_dir::backup_ids(options_.root / key)) {
      auto dir = options_.root / key / id;
      auto manifest = store_dir::read_manifest(dir);
      if (manifest) out.push_back(BackupInfo{dir, std::move(*manifest)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return a.manifest.created_at < b.manifest.created_at;
  });
  return out;
}

Result<std::vector<DamagedBackup>> BackupStore::damaged(
    const std::optional<std::string>& epic) const {
  auto keys = epics(epic);
  if (!keys) return keys.error();
  std::vector<DamagedBackup> out;
  for (const auto& key : *keys) {
    for (const auto& id : store_dir::backup_ids(options_.root / key)) {
      auto dir = options_.root / key / id;
      if (!store_dir::has_manifest(dir)) continue;  // interrupted, not damaged
      auto manifest = store_dir::read_manifest(dir);
      if (!manifest) out.push_back({{key, id}, dir, manifest.error().message});
    }
  }
  return out;
}

Result<Done> BackupStore::check_newest_intact(const std::string& epic) const {
  auto valid = validate_epic_key(epic);
  if (!valid) return valid.error();
  auto ids = store_dir::backup_ids(options_.root / epic);
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    auto dir = options_.root / epic / *it;
    if (!store_dir::has_manifest(dir)) continue;
    auto manifest = store_dir::read_manifest(dir);
    if (manifest) return Done{};
    return Error{
        ErrorKind::kInputFile,
        "the newest backup of " + epic + ", " + *it + ", is damaged: " + manifest.error().message,
        "epicsync will not guess which backup to use instead; name one: epicsync "
        "--restore-backup ID --epic " +
            epic + " (epicsync --list-backups --epic " + epic + " lists them)"};
  }
  return Done{};
}

Result<Done> BackupStore::remove(const BackupInfo& backup) const {
  if (backup.manifest.trigger == Trigger::kManual) {
    return Error{ErrorKind::kUsage, "backup " + backup.manifest.id + " is a manual backup", ""};
  }
  auto valid = validate_backup_id(backup.manifest.id);
  if (!valid) return valid.error();
  return store_dir::remove_backup(options_.root / backup.manifest.epic, backup.manifest.id);
}

Result<BackupInfo> BackupStore::find(const std::string& epic, const std::string& id) const {
  auto valid_epic = validate_epic_key(epic);
  if (!valid_epic) return valid_epic.error();
  auto valid_id = validate_backup_id(id);
  if (!valid_id) return valid_id.error();
  auto dir = options_.root / epic / id;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error{ErrorKind::kNotFound, "no backup " + id + " for epic " + epic,
                 "epicsync --list-backups --epic " + epic + " shows its backups"};
  }
  if (!store_dir::has_manifest(dir)) {
    return Error{ErrorKind::kNotFound,
                 "backup " + id + " of epic " + epic + " was interrupted before it was complete",
                 "it cannot be used; epicsync --list-backups shows the usable backups"};
  }
  auto manifest = store_dir::read_manifest(dir);
  if (!manifest) return manifest.error();
  return BackupInfo{dir, std::move(*manifest)};
}

Result<BackupInfo> BackupStore::latest(const std::string& epic,
                                       std::optional<Trigger> trigger) const {
  auto all = list(epic);
  if (!all) return all.error();
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    if (!trigger || it->manifest.trigger == *trigger) return std::move(*it);
  }
  std::string what = trigger ? std::string(trigger_name(*trigger)) + " backup" : "backup";
  return Error{ErrorKind::kNotFound, "epic " + epic + " has no " + what, ""};
}

Result<tracker::EpicSnapshot> BackupStore::load_snapshot(const BackupInfo& backup) const {
  auto text = checked_member(backup, kSnapshotFile);
  if (!text) return text.error();
  auto json = nlohmann::json::parse(*text, nullptr, false);
  auto snapshot = json.is_discarded()
                      ? Result<tracker::EpicSnapshot>(Error{ErrorKind::kInputFile, "not JSON", ""})
                      : snapshot_from_json(json);
  if (!snapshot) {
    Error e = snapshot.error();
    e.message = "backup " + backup.manifest.epic + "/" + backup.manifest.id + ": " + kSnapshotFile +
                ": " + e.message;
    return e;
  }
  return snapshot;
}

Result<std::string> BackupStore::load_file(const BackupInfo& backup,
                                           const std::string& name) const {
  return checked_member(backup, name);
}

Result<JournalWriter> BackupStore::open_journal(const BackupInfo& backup) const {
  if (backup.manifest.journal.empty()) {
    return Error{ErrorKind::kNotFound, "backup " + backup.manifest.id + " has no journal", ""};
  }
  // A copy of the clock: the writer may outlive this store.
  Clock clock = options_.clock ? options_.clock : Clock(std::chrono::system_clock::now);
  return JournalWriter::open(backup.dir / backup.manifest.journal, std::move(clock));
}

Result<Journal> BackupStore::read_journal(const BackupInfo& backup) const {
  if (backup.manifest.journal.empty()) {
    return Error{ErrorKind::kNotFound, "backup " + backup.manifest.id + " has no journal", ""};
  }
  return backup::read_journal(backup.dir / backup.manifest.journal);
}

Result<EpicLock> BackupStore::lock(const std::string& epic) const {
  return EpicLock::acquire(options_.root, epic, now());
}

}  // namespace epicsync::backup

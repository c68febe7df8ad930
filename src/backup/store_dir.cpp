#include "backup/store_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <system_error>

#include "backup/file_io.h"

namespace epicsync::backup::store_dir {

std::vector<std::string> backup_ids(const std::filesystem::path& epic_dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(epic_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (validate_backup_id(name) && entry.is_directory(ec)) ids.push_back(std::move(name));
  }
  std::sort(ids.begin(), ids.end(),
            [](const std::string& a, const std::string& b) { return backup_id_less(a, b); });
  return ids;
}

bool has_manifest(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / kManifestFile, ec);
}

Result<Manifest> read_manifest(const std::filesystem::path& dir) {
  auto text = read_file(dir / kManifestFile);
  if (!text) return text.error();
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) {
    return Error{ErrorKind::kInputFile, (dir / kManifestFile).string() + " is not valid JSON", ""};
  }
  auto manifest = manifest_from_json(json);
  if (!manifest) {
    Error e = manifest.error();
    e.message = dir.string() + ": " + e.message;
    return e;
  }
  if (manifest->id != dir.filename().string() ||
      manifest->epic != dir.parent_path().filename().string()) {
    return Error{ErrorKind::kInputFile,
                 dir.string() + ": manifest names " + manifest->epic + "/" + manifest->id +
                     ", not the directory it is in",
                 ""};
  }
  return manifest;
}

bool being_written(const std::filesystem::path& dir) {
  auto marker = dir / kCreatingMarker;
  int fd = ::open(marker.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

Result<Done> remove_backup(const std::filesystem::path& epic_dir, const std::string& id) {
  std::mt19937_64 rng(std::random_device{}());
  auto from = epic_dir / id;
  auto to = epic_dir / (kTrashPrefix + id + "-" + std::to_string(rng()));
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return os_error(ErrorKind::kLocalStorage, "cannot remove backup", from, errno);
  }
  auto synced = sync_directory(epic_dir);
  if (!synced) return synced.error();
  std::error_code ec;
  std::filesystem::remove_all(to, ec);
  if (ec) return os_error(ErrorKind::kLocalStorage, "cannot delete", to, ec.value());
  return Done{};
}

}  // namespace epicsync::backup::store_dir

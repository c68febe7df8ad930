#include "backup/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace epicsync::backup {

Error os_error(ErrorKind kind, std::string_view action, const std::filesystem::path& path,
               int errnum) {
  std::string message(action);
  message += " ";
  message += path.string();
  message += ": ";
  message += std::strerror(errnum);
  // Local storage that refuses a write is something the user can fix; say where to look.
  std::string hint;
  if (kind == ErrorKind::kLocalStorage) {
    hint =
        "check free space and permissions there; the backup folder is set by --backup-dir, "
        "EPICSYNC_BACKUP_DIR or backup.dir";
  }
  return Error{kind, std::move(message), std::move(hint)};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error(ErrorKind::kInputFile, "cannot open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return os_error(ErrorKind::kInputFile, "cannot read", path, e);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<Done> sync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot open directory", dir, errno);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return os_error(ErrorKind::kLocalStorage, "cannot sync directory", dir, e);
  return Done{};
}

Result<Done> make_private_dirs(const std::filesystem::path& dir) {
  if (dir.empty()) return Done{};
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Done{};
    return os_error(ErrorKind::kLocalStorage, "cannot use as a directory", dir, ENOTDIR);
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    auto parent = make_private_dirs(dir.parent_path());
    if (!parent) return parent.error();
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return os_error(ErrorKind::kLocalStorage, "cannot create directory", dir, errno);
  }
  return Done{};
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace epicsync::backup

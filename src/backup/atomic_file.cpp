#include "backup/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>
#include <string>

namespace epicsync::backup {
namespace {

// Another writer may be replacing the same file, so each temporary name must be its own.
std::filesystem::path temp_name_for(const std::filesystem::path& path, std::mt19937_64& rng) {
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%016llx", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(rng()));
  return path.parent_path() / ("." + path.filename().string() + suffix);
}

}  // namespace

Result<Done> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                               const AtomicWriteOptions& options) {
  mode_t mode = options.mode;
  if (options.keep_existing_mode) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  }
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();

  std::mt19937_64 rng(std::random_device{}());
  std::filesystem::path temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = temp_name_for(path, rng);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return os_error(ErrorKind::kLocalStorage, "cannot create", temp, errno);
    }
  }
  if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot create", temp, EEXIST);

  auto fail = [&](std::string_view action, int errnum) -> Result<Done> {
    ::close(fd);
    ::unlink(temp.c_str());
    return os_error(ErrorKind::kLocalStorage, action, temp, errnum);
  };
  // fchmod, not the open() mode, because the umask would otherwise narrow a kept mode.
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of", errno);
  if (!write_all(fd, content)) return fail("cannot write", errno);
  if (::fsync(fd) != 0) return fail("cannot sync", errno);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(temp.c_str());
    return os_error(ErrorKind::kLocalStorage, "cannot close", temp, e);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(temp.c_str());
    return os_error(ErrorKind::kLocalStorage, "cannot rename into place", path, e);
  }
  return sync_directory(dir);
}

}  // namespace epicsync::backup

#include "backup/epic_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

namespace epicsync::backup {

std::optional<LockHolder> read_lock_holder(const std::filesystem::path& lock_file) {
  auto text = read_file(lock_file);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer()) return std::nullopt;
  return LockHolder{j["pid"].get<long>(), j.value("host", ""), j.value("started_at", "")};
}

Result<EpicLock> EpicLock::acquire(const std::filesystem::path& root, const std::string& epic,
                                   TimePoint now) {
  auto valid = validate_epic_key(epic);
  if (!valid) return valid.error();
  auto dir = root / epic;
  auto made = make_private_dirs(dir);
  if (!made) return made.error();
  auto path = dir / ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot open lock file", path, errno);
  EpicLock lock(fd, path);  // closes fd on every early return
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EWOULDBLOCK) return os_error(ErrorKind::kLocalStorage, "cannot lock", path, errno);
    std::string who = "another epicsync run";
    if (auto holder = read_lock_holder(path)) {
      who += " (pid " + std::to_string(holder->pid);
      if (!holder->host.empty()) who += " on " + holder->host;
      if (!holder->started_at.empty()) who += ", started " + holder->started_at;
      who += ")";
    }
    return Error{ErrorKind::kLocked, "epic " + epic + " is locked by " + who,
                 "wait for that run to finish; a lock whose process has died is taken over "
                 "automatically"};
  }
  char host[HOST_NAME_MAX + 1] = {};
  ::gethostname(host, sizeof host - 1);
  nlohmann::json holder = {
      {"pid", static_cast<long>(::getpid())}, {"host", host}, {"started_at", format_utc(now)}};
  std::string text = holder.dump() + "\n";
  // Only for messages, so no fsync: after a crash the lock itself is gone anyway.
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    return os_error(ErrorKind::kLocalStorage, "cannot write", path, errno);
  }
  return lock;
}

EpicLock::EpicLock(EpicLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

EpicLock& EpicLock::operator=(EpicLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

EpicLock::~EpicLock() {
  // Closing the descriptor releases the flock.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace epicsync::backup

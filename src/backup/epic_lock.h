#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "backup/backup_id.h"

namespace epicsync::backup {

// Who holds an epic's lock, as the holder wrote it into the lock file.
struct LockHolder {
  long pid = 0;
  std::string host;
  std::string started_at;  // UTC, as format_utc writes it
};

// One run at a time per epic: flock(LOCK_EX | LOCK_NB) on <root>/<EPIC>/.lock. The kernel drops
// the lock when its process dies however it dies, so a dead holder's lock is simply taken; the
// file itself is never removed (removing it would let two runs lock two different files).
class EpicLock {
 public:
  // kLocked naming the holder when another process (or another EpicLock in this one) holds it;
  // kUsage for an invalid epic key; kInternal when the file cannot be created.
  static Result<EpicLock> acquire(const std::filesystem::path& root, const std::string& epic,
                                  TimePoint now);

  EpicLock(EpicLock&& other) noexcept;
  EpicLock& operator=(EpicLock&& other) noexcept;
  EpicLock(const EpicLock&) = delete;
  EpicLock& operator=(const EpicLock&) = delete;
  ~EpicLock();  // releases

  const std::filesystem::path& path() const { return path_; }

 private:
  EpicLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// The holder recorded in a lock file, for messages; nullopt when it cannot be read.
std::optional<LockHolder> read_lock_holder(const std::filesystem::path& lock_file);

}  // namespace epicsync::backup

#include "backup/epic_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

namespace epicsync::backup {
namespace {

using testing::TempDir;

const TimePoint kStart = testing::utc("2025-01-13T15:00:00Z");

// A child process that takes the lock, says so on a pipe, and waits to be killed.
class LockHolderProcess {
 public:
  LockHolderProcess(const std::filesystem::path& root, const std::string& epic) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      auto lock = EpicLock::acquire(root, epic, kStart);
      char c = lock ? 'y' : 'n';
      if (::write(fds[1], &c, 1) != 1) ::_exit(1);
      for (;;) ::pause();
    }
    ::close(fds[1]);
    char c = 0;
    locked_ = ::read(fds[0], &c, 1) == 1 && c == 'y';
    ::close(fds[0]);
  }
  ~LockHolderProcess() { kill(); }
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  pid_t pid() const { return pid_; }
  bool locked() const { return locked_; }

 private:
  pid_t pid_ = -1;
  bool locked_ = false;
};

TEST(EpicLock, AnotherProcessHoldingTheLockIsNamed) {
  TempDir tmp;
  LockHolderProcess holder(tmp.path(), "PROJ-123");
  ASSERT_TRUE(holder.locked());
  auto second = EpicLock::acquire(tmp.path(), "PROJ-123", kStart);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kLocked);
  EXPECT_EQ(exit_code(second.error().kind), 9);
  EXPECT_NE(second.error().message.find("pid " + std::to_string(holder.pid())), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("started 2025-01-13T15:00:00Z"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("PROJ-123"), std::string::npos);
}

TEST(EpicLock, TheLockOfAKilledHolderIsTakenOver) {
  TempDir tmp;
  LockHolderProcess holder(tmp.path(), "PROJ-123");
  ASSERT_TRUE(holder.locked());
  ASSERT_FALSE(EpicLock::acquire(tmp.path(), "PROJ-123", kStart));
  holder.kill();
  auto lock = EpicLock::acquire(tmp.path(), "PROJ-123", kStart);
  ASSERT_TRUE(lock) << lock.error().message;
  auto recorded = read_lock_holder(lock->path());
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->pid, static_cast<long>(::getpid()));
  EXPECT_EQ(testing::mode_of(lock->path()), 0600u);
}

TEST(EpicLock, OtherEpicsAreNotLocked) {
  TempDir tmp;
  LockHolderProcess holder(tmp.path(), "PROJ-123");
  ASSERT_TRUE(holder.locked());
  EXPECT_TRUE(EpicLock::acquire(tmp.path(), "PROJ-124", kStart));
}

TEST(EpicLock, IsReleasedWhenDestroyedAndExclusiveWithinAProcess) {
  TempDir tmp;
  {
    auto first = EpicLock::acquire(tmp.path(), "PROJ-1", kStart);
    ASSERT_TRUE(first);
    auto second = EpicLock::acquire(tmp.path(), "PROJ-1", kStart);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, ErrorKind::kLocked);
    EpicLock moved = std::move(*first);
    EXPECT_FALSE(EpicLock::acquire(tmp.path(), "PROJ-1", kStart));
  }
  EXPECT_TRUE(EpicLock::acquire(tmp.path(), "PROJ-1", kStart));
}

TEST(EpicLock, RejectsAnInvalidEpic) {
  TempDir tmp;
  for (const char* bad : {"../x", "/etc", "a/b", "", ".."}) {
    auto lock = EpicLock::acquire(tmp.path(), bad, kStart);
    ASSERT_FALSE(lock) << bad;
    EXPECT_EQ(lock.error().kind, ErrorKind::kUsage);
  }
}

}  // namespace
}  // namespace epicsync::backup

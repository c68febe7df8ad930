#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include "backup/backup_store.h"
#include "test_support.h"

namespace epicsync::backup {
namespace {

using testing::TempDir;
using testing::utc;

const TimePoint kRetentionT0 = utc("2025-01-13T15:00:00Z");

// A store whose clock the test moves.
struct RetentionFixture {
  TempDir tmp;
  TimePoint now = kRetentionT0;
  BackupStore store{{tmp.path() / "backups", "0.1.0", [this] { return now; }}};

  std::string backup(const std::string& epic, Trigger trigger, const std::string& name = "") {
    now += std::chrono::minutes(1);
    auto b = store.create(epic, testing::small_snapshot(), {trigger, name, "", {}});
    EXPECT_TRUE(b) << b.error().message;
    return b ? b->manifest.id : "";
  }
  std::vector<std::string> ids(const std::string& epic) {
    std::vector<std::string> out;
    auto listed = store.list(epic);  // named: a temporary would die before the loop body
    for (const auto& b : *listed) out.push_back(b.manifest.id);
    return out;
  }
};

TEST(BackupRetention, KeepsTheNewestAutomaticBackupsAndEveryManualOne) {
  RetentionFixture f;
  std::vector<std::string> automatic, manual;
  for (int n = 0; n < 15; ++n) {
    automatic.push_back(f.backup("PROJ-1", n % 3 ? Trigger::kPreSync : Trigger::kPreRollback));
    if (n % 5 == 0) manual.push_back(f.backup("PROJ-1", Trigger::kManual, "m" + std::to_string(n)));
  }
  auto removed = f.store.apply_retention("PROJ-1", 10);
  ASSERT_TRUE(removed) << removed.error().message;
  ASSERT_EQ(removed->size(), 5u);
  for (int n = 0; n < 5; ++n) EXPECT_EQ((*removed)[4 - n], (BackupRef{"PROJ-1", automatic[n]}));
  auto left = f.ids("PROJ-1");
  EXPECT_EQ(left.size(), 13u);
  for (const auto& id : manual) EXPECT_NE(std::find(left.begin(), left.end(), id), left.end());
  for (int n = 5; n < 15; ++n) {
    EXPECT_NE(std::find(left.begin(), left.end(), automatic[n]), left.end());
  }
  EXPECT_FALSE(std::filesystem::exists(f.tmp.path() / "backups" / "PROJ-1" / automatic[0]));
  // Nothing half-removed is left behind.
  for (const auto& e : std::filesystem::directory_iterator(f.tmp.path() / "backups" / "PROJ-1")) {
    EXPECT_NE(e.path().filename().string().rfind(".trash-", 0), 0u) << e.path();
  }
}

TEST(BackupRetention, KeepCountMustBeBetween10And100) {
  RetentionFixture f;
  for (int bad : {0, 9, 101, -1}) {
    auto r = f.store.apply_retention("PROJ-1", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  }
  EXPECT_TRUE(validate_keep_count(10));
  EXPECT_TRUE(validate_keep_count(100));
  EXPECT_TRUE(f.store.apply_retention("PROJ-1", 20));
}

TEST(BackupRetention, RetentionSweepsInterruptedBackups) {
  RetentionFixture f;
  f.backup("PROJ-1", Trigger::kPreSync);
  auto interrupted = f.tmp.path() / "backups" / "PROJ-1" / "backup_20250113_140000";
  std::filesystem::create_directories(interrupted);
  testing::spit(interrupted / "snapshot.json", "{\"epic\":");
  auto removed = f.store.apply_retention("PROJ-1", 10);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, (std::vector<BackupRef>{{"PROJ-1", "backup_20250113_140000"}}));
  EXPECT_FALSE(std::filesystem::exists(interrupted));
}

TEST(BackupCleanup, KeepsNAutomaticBackupsPerEpic) {
  RetentionFixture f;
  for (int n = 0; n < 4; ++n) f.backup("PROJ-1", Trigger::kPreSync);
  for (int n = 0; n < 3; ++n) f.backup("PROJ-2", Trigger::kPreSync);
  auto named = f.backup("PROJ-2", Trigger::kManual, "keep me");
  auto removed = f.store.cleanup(std::nullopt, 1);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->size(), 5u);
  EXPECT_EQ(f.ids("PROJ-1").size(), 1u);
  EXPECT_EQ(f.ids("PROJ-2").size(), 2u);
  EXPECT_TRUE(f.store.find("PROJ-2", named));
  auto none_left = f.store.cleanup("PROJ-2", 0);
  ASSERT_TRUE(none_left);
  EXPECT_EQ(f.ids("PROJ-2"), std::vector<std::string>{named});
  EXPECT_EQ(f.ids("PROJ-1").size(), 1u);
}

TEST(BackupSweep, ADirectoryWithoutManifestIsNeverUsableAndIsSwept) {
  RetentionFixture f;
  auto good = f.backup("PROJ-1", Trigger::kPreSync);
  // What a run killed before the manifest leaves: a snapshot, maybe a temp file, no manifest.
  auto later = f.tmp.path() / "backups" / "PROJ-1" / "backup_20250113_160000";
  std::filesystem::create_directories(later);
  testing::spit(later / "snapshot.json", "{}");
  testing::spit(later / ".manifest.json.tmp-1-abc", "{");

  EXPECT_EQ(f.ids("PROJ-1"), std::vector<std::string>{good});
  auto found = f.store.find("PROJ-1", "backup_20250113_160000");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(found.error().message.find("interrupted"), std::string::npos);
  EXPECT_EQ(f.store.latest("PROJ-1")->manifest.id, good);

  auto swept = f.store.sweep_interrupted();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, (std::vector<BackupRef>{{"PROJ-1", "backup_20250113_160000"}}));
  EXPECT_FALSE(std::filesystem::exists(later));
  EXPECT_TRUE(f.store.find("PROJ-1", good));
}

TEST(BackupSweep, LeavesABackupThatIsStillBeingWritten) {
  RetentionFixture f;
  auto dir = f.tmp.path() / "backups" / "PROJ-1" / "backup_20250113_160000";
  std::filesystem::create_directories(dir);
  // The writer's marker, locked as a live writer holds it.
  int fd = ::open((dir / ".creating").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  EXPECT_TRUE(f.store.sweep_interrupted()->empty());
  EXPECT_TRUE(std::filesystem::exists(dir));
  ::close(fd);  // the writer died
  EXPECT_EQ(f.store.sweep_interrupted()->size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(BackupSweep, FinishesARemovalThatWasCutShort) {
  RetentionFixture f;
  auto trash = f.tmp.path() / "backups" / "PROJ-1" / ".trash-backup_20250113_160000-42";
  std::filesystem::create_directories(trash);
  testing::spit(trash / "snapshot.json", "{}");
  ASSERT_TRUE(f.store.sweep_interrupted("PROJ-1"));
  EXPECT_FALSE(std::filesystem::exists(trash));
}

}  // namespace
}  // namespace epicsync::backup

#include <gtest/gtest.h>

#include "backup/backup_store.h"
#include "test_support.h"

namespace epicsync::backup {
namespace {

using Status = VerifyReport::Status;
using testing::slurp;
using testing::spit;
using testing::TempDir;

struct VerifyFixture {
  TempDir tmp;
  BackupStore store{{tmp.path() / "backups", "0.1.0",
                     testing::fixed_clock(testing::utc("2025-01-13T15:00:00Z"))}};
  BackupInfo make() {
    auto b = store.create("PROJ-1", testing::small_snapshot(), {});
    EXPECT_TRUE(b);
    return *b;
  }
  VerifyReport only_report() {
    auto reports = store.verify("PROJ-1");
    EXPECT_TRUE(reports);
    EXPECT_EQ(reports->size(), 1u);
    return reports->empty() ? VerifyReport{} : reports->front();
  }
  static std::string all(const VerifyReport& r) {
    std::string out;
    for (const auto& p : r.problems) out += p + "\n";
    for (const auto& n : r.notes) out += n + "\n";
    return out;
  }
};

TEST(BackupVerify, AnIntactBackupPasses) {
  VerifyFixture f;
  auto b = f.make();
  auto w = f.store.open_journal(b);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->intent("create:US-001", {{"summary", "x"}}));
  ASSERT_TRUE(w->outcome("create:US-001", {{"key", "PROJ-9"}}));
  ASSERT_TRUE(w->seal());
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kOk) << VerifyFixture::all(r);
  EXPECT_TRUE(r.notes.empty()) << VerifyFixture::all(r);
  EXPECT_EQ(r.backup, (BackupRef{"PROJ-1", b.manifest.id}));
}

TEST(BackupVerify, AnUnsealedJournalIsANoteNotAFailure) {
  VerifyFixture f;
  auto b = f.make();
  ASSERT_TRUE(f.store.open_journal(b)->intent("update:PROJ-2", {}));
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_NE(VerifyFixture::all(r).find("not sealed"), std::string::npos) << VerifyFixture::all(r);
  EXPECT_EQ(f.store.read_journal(b)->pending(), std::vector<std::string>{"update:PROJ-2"});
}

TEST(BackupVerify, DetectsAFlippedByte) {
  VerifyFixture f;
  auto b = f.make();
  std::string text = slurp(b.dir / "snapshot.json");
  text[text.find("First story")] ^= 0x01;
  spit(b.dir / "snapshot.json", text);
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("snapshot.json: SHA-256 is"), std::string::npos)
      << VerifyFixture::all(r);
  auto loaded = f.store.load_snapshot(b);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("checksum"), std::string::npos);
}

TEST(BackupVerify, ATruncatedSnapshotFailsWithItsSize) {
  VerifyFixture f;
  auto b = f.make();
  spit(b.dir / "snapshot.json", "{\"epic\":");
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("snapshot.json: size is 8 bytes"), std::string::npos)
      << VerifyFixture::all(r);
}

TEST(BackupVerify, AMissingSnapshotFails) {
  VerifyFixture f;
  auto b = f.make();
  std::filesystem::remove(b.dir / "snapshot.json");
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("No such file"), std::string::npos) << VerifyFixture::all(r);
}

TEST(BackupVerify, ReportsAnInterruptedBackup) {
  VerifyFixture f;
  std::filesystem::create_directories(f.tmp.path() / "backups" / "PROJ-1" /
                                      "backup_20250113_150000");
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kInterrupted);
  EXPECT_NE(VerifyFixture::all(r).find("no manifest"), std::string::npos);
}

TEST(BackupVerify, ACorruptedJournalFails) {
  VerifyFixture f;
  auto b = f.make();
  {
    auto w = f.store.open_journal(b);
    ASSERT_TRUE(w->intent("a", {{"v", "hello"}}));
    ASSERT_TRUE(w->intent("b", {{"v", "world"}}));
  }
  std::string text = slurp(b.dir / "journal.jsonl");
  text[text.find("hello")] = 'j';
  spit(b.dir / "journal.jsonl", text);
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("corrupted"), std::string::npos) << VerifyFixture::all(r);
}

TEST(BackupVerify, AJournalChangedAfterItsSealFails) {
  VerifyFixture f;
  auto b = f.make();
  {
    auto w = f.store.open_journal(b);
    ASSERT_TRUE(w->intent("a", {}));
    ASSERT_TRUE(w->seal());
  }
  std::string text = slurp(b.dir / "journal.jsonl");
  spit(b.dir / "journal.jsonl", text + text.substr(0, 10));  // a torn-looking tail
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("journal.sealed"), std::string::npos)
      << VerifyFixture::all(r);
}

TEST(BackupVerify, ANewerFormatIsRefusedClearly) {
  VerifyFixture f;
  auto b = f.make();
  auto manifest = nlohmann::json::parse(slurp(b.dir / "manifest.json"));
  manifest["format_version"] = kFormatVersion + 1;
  spit(b.dir / "manifest.json", manifest.dump());
  auto found = f.store.find("PROJ-1", b.manifest.id);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorKind::kInputFile);
  EXPECT_NE(found.error().message.find("format version " + std::to_string(kFormatVersion + 1) +
                                       " is newer"),
            std::string::npos)
      << found.error().message;
  EXPECT_TRUE(f.store.list("PROJ-1")->empty());
  auto r = f.only_report();
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(VerifyFixture::all(r).find("newer"), std::string::npos);
}

TEST(BackupVerify, AManifestMovedToAnotherDirectoryFails) {
  VerifyFixture f;
  auto b = f.make();
  auto other = f.tmp.path() / "backups" / "PROJ-1" / "backup_20250113_150001";
  std::filesystem::create_directories(other);
  std::filesystem::copy(b.dir, other, std::filesystem::copy_options::recursive);
  auto reports = f.store.verify();
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ((*reports)[0].status, Status::kOk);
  EXPECT_EQ((*reports)[1].status, Status::kFailed);
}

}  // namespace
}  // namespace epicsync::backup

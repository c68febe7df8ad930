#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

#include "backup/backup_store.h"
#include "backup/sha256.h"
#include "test_support.h"

namespace epicsync::backup {
namespace {

using testing::mode_of;
using testing::slurp;
using testing::TempDir;
using testing::utc;

const TimePoint kT0 = utc("2025-01-13T15:00:00Z");

BackupStore store_at(const TempDir& tmp, TimePoint t = kT0) {
  return BackupStore({tmp.path() / "backups", "0.1.0", testing::fixed_clock(t)});
}

TEST(BackupStoreCreate, WritesSnapshotJournalAndManifestPrivately) {
  TempDir tmp;
  ::umask(022);
  auto store = store_at(tmp);
  auto b = store.create("PROJ-1", testing::small_snapshot(), {Trigger::kPreSync, "", "", {}});
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->manifest.id, "backup_20250113_150000");
  EXPECT_EQ(b->dir, tmp.path() / "backups" / "PROJ-1" / "backup_20250113_150000");
  EXPECT_EQ(b->manifest.issue_count, 4u);
  EXPECT_EQ(b->manifest.tool_version, "0.1.0");
  EXPECT_EQ(b->manifest.journal, "journal.jsonl");
  ASSERT_EQ(b->manifest.files.size(), 1u);
  EXPECT_EQ(b->manifest.files[0].sha256, sha256_hex(slurp(b->dir / "snapshot.json")));

  EXPECT_EQ(mode_of(tmp.path() / "backups"), 0700u);
  EXPECT_EQ(mode_of(tmp.path() / "backups" / "PROJ-1"), 0700u);
  EXPECT_EQ(mode_of(b->dir), 0700u);
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(b->dir)) {
    names.insert(e.path().filename().string());
    EXPECT_EQ(mode_of(e.path()), 0600u) << e.path();
  }
  EXPECT_EQ(names, (std::set<std::string>{"journal.jsonl", "manifest.json", "snapshot.json"}));

  auto manifest = nlohmann::json::parse(slurp(b->dir / "manifest.json"));
  EXPECT_EQ(manifest["format_version"], kFormatVersion);
  EXPECT_EQ(manifest["trigger"], "pre-sync");
  EXPECT_EQ(manifest["created_at"], "2025-01-13T15:00:00Z");
}

TEST(BackupStoreCreate, ManualBackupsAreNamedAndHaveNoJournal) {
  TempDir tmp;
  auto store = store_at(tmp);
  auto unnamed = store.create("PROJ-1", testing::small_snapshot(), {Trigger::kManual, "", "", {}});
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error().kind, ErrorKind::kUsage);
  auto b = store.create("PROJ-1", testing::small_snapshot(),
                        {Trigger::kManual, "before-sprint-5", "notes\nhere", {}});
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->manifest.name, "before-sprint-5");
  EXPECT_TRUE(b->manifest.journal.empty());
  EXPECT_FALSE(std::filesystem::exists(b->dir / "journal.jsonl"));
  EXPECT_EQ(store.open_journal(*b).error().kind, ErrorKind::kNotFound);
}

TEST(BackupStoreCreate, RejectsInvalidEpicsAndFileNames) {
  TempDir tmp;
  auto store = store_at(tmp);
  for (const char* bad : {"../x", "/etc", "a/b", "", ".."}) {
    auto b = store.create(bad, testing::small_snapshot(), {});
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().kind, ErrorKind::kUsage);
  }
  for (const char* bad : {"../x", "a/b", "manifest.json", ".hidden", ""}) {
    auto b = store.create("PROJ-1", testing::small_snapshot(),
                          {Trigger::kPreSync, "", "", {{bad, "x"}}});
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().kind, ErrorKind::kUsage);
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "x"));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "backups" / "PROJ-1"));
}

TEST(BackupStoreCreate, ASnapshotThatCannotBeEncodedIsAnErrorAndLeavesNothing) {
  TempDir tmp;
  auto store = store_at(tmp);
  auto snapshot = testing::small_snapshot();
  snapshot.stories[0].summary = "\xc3\x28";
  auto b = store.create("PROJ-1", snapshot, {});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().kind, ErrorKind::kInternal);
  EXPECT_TRUE(store.list("PROJ-1")->empty());
  EXPECT_TRUE(store.verify("PROJ-1")->empty());
}

TEST(BackupStoreCreate, ExtraFilesAreKeptAndChecksummed) {
  TempDir tmp;
  auto store = store_at(tmp);
  auto b = store.create("PROJ-1", testing::small_snapshot(),
                        {Trigger::kPreSync, "", "", {{"source.md", "# Epic\n"}}});
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*store.load_file(*b, "source.md"), "# Epic\n");
  testing::spit(b->dir / "source.md", "# Epix\n");
  auto damaged = store.load_file(*b, "source.md");
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().kind, ErrorKind::kInputFile);
}

TEST(BackupStoreCreate, SnapshotLoadsBackExactly) {
  TempDir tmp;
  auto store = store_at(tmp);
  auto snapshot = testing::small_snapshot();
  snapshot.stories[0].properties["epicsync"] = R"({"id":"US-001"})";
  auto b = store.create("PROJ-1", snapshot, {});
  ASSERT_TRUE(b);
  auto found = store.find("PROJ-1", b->manifest.id);
  ASSERT_TRUE(found) << found.error().message;
  auto loaded = store.load_snapshot(*found);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->epic, snapshot.epic);
  EXPECT_EQ(loaded->stories, snapshot.stories);
  EXPECT_EQ(loaded->subtasks, snapshot.subtasks);
}

TEST(BackupStoreCreate, IdsInTheSameSecondGetSuffixesThatSortAfter) {
  TempDir tmp;
  auto store = store_at(tmp);
  std::vector<std::string> ids;
  for (int n = 0; n < 11; ++n) ids.push_back(store.create("PROJ-1", {}, {})->manifest.id);
  EXPECT_EQ(ids[0], "backup_20250113_150000");
  EXPECT_EQ(ids[1], "backup_20250113_150000_2");
  EXPECT_EQ(ids[10], "backup_20250113_150000_11");
  auto listed = store.list("PROJ-1");
  ASSERT_TRUE(listed);
  std::vector<std::string> order;
  for (const auto& b : *listed) order.push_back(b.manifest.id);
  EXPECT_EQ(order, ids);
}

TEST(BackupStoreCreate, TwentyThreadsInTheSameSecondGetUniqueIds) {
  TempDir tmp;
  auto store = store_at(tmp);
  std::vector<std::string> ids(20);
  std::vector<std::thread> threads;
  for (int n = 0; n < 20; ++n) {
    threads.emplace_back([&, n] {
      auto b = store.create("PROJ-1", testing::small_snapshot(), {});
      if (b) ids[n] = b->manifest.id;
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), 20u);
  EXPECT_FALSE(unique.count(""));
  EXPECT_TRUE(unique.count("backup_20250113_150000"));
  EXPECT_TRUE(unique.count("backup_20250113_150000_20"));
  EXPECT_EQ(store.list("PROJ-1")->size(), 20u);
}

TEST(BackupStoreCreate, TwentyProcessesInTheSameSecondGetUniqueIds) {
  TempDir tmp;
  auto store = store_at(tmp);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  int go[2];  // released together, to make them collide
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> children;
  for (int n = 0; n < 20; ++n) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      ::close(go[1]);
      char c;
      if (::read(go[0], &c, 1) != 0) ::_exit(1);
      auto b = store.create("PROJ-1", testing::small_snapshot(), {});
      std::string line = (b ? b->manifest.id : std::string("error")) + "\n";
      ::_exit(::write(fds[1], line.data(), line.size()) == static_cast<ssize_t>(line.size()) ? 0
                                                                                             : 1);
    }
    children.push_back(pid);
  }
  ::close(fds[1]);
  ::close(go[0]);
  ::close(go[1]);  // EOF on go: every child starts
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(fds[0]);
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::istringstream lines(out);
  std::set<std::string> ids;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line, "error");
    ids.insert(line);
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_TRUE(ids.count("backup_20250113_150000_20"));
  EXPECT_EQ(store.list("PROJ-1")->size(), 20u);
}

TEST(BackupStoreCreate, ListsEveryEpicOldestFirst) {
  TempDir tmp;
  auto b1 = store_at(tmp, kT0 + std::chrono::hours(2)).create("PROJ-2", {}, {});
  auto b2 = store_at(tmp, kT0).create("PROJ-1", {}, {Trigger::kPreRollback, "", "", {}});
  auto b3 = store_at(tmp, kT0 + std::chrono::hours(1)).create("PROJ-1", {}, {});
  ASSERT_TRUE(b1 && b2 && b3);
  auto all = store_at(tmp).list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].manifest.trigger, Trigger::kPreRollback);
  EXPECT_EQ((*all)[1].manifest.epic, "PROJ-1");
  EXPECT_EQ((*all)[2].manifest.epic, "PROJ-2");
  EXPECT_EQ(store_at(tmp).list("PROJ-2")->size(), 1u);
  EXPECT_TRUE(store_at(tmp).list("PROJ-9")->empty());
  EXPECT_EQ(store_at(tmp).list("../x").error().kind, ErrorKind::kUsage);
}

TEST(BackupStoreCreate, AMissingRootIsAnEmptyStore) {
  TempDir tmp;
  auto store = store_at(tmp);
  ASSERT_TRUE(store.list());
  EXPECT_TRUE(store.list()->empty());
  EXPECT_EQ(store.latest("PROJ-1").error().kind, ErrorKind::kNotFound);
}

TEST(BackupStoreCreate, LatestPicksTheNewestOfATrigger) {
  TempDir tmp;
  ASSERT_TRUE(store_at(tmp, kT0).create("PROJ-1", {}, {}));
  ASSERT_TRUE(store_at(tmp, kT0 + std::chrono::minutes(1))
                  .create("PROJ-1", {}, {Trigger::kManual, "mine", "", {}}));
  auto store = store_at(tmp);
  EXPECT_EQ(store.latest("PROJ-1")->manifest.name, "mine");
  EXPECT_EQ(store.latest("PROJ-1", Trigger::kPreSync)->manifest.id, "backup_20250113_150000");
  EXPECT_EQ(store.latest("PROJ-1", Trigger::kPreRollback).error().kind, ErrorKind::kNotFound);
}

TEST(BackupStoreCreate, FindRejectsIdsThatAreNotPlain) {
  TempDir tmp;
  auto store = store_at(tmp);
  ASSERT_TRUE(store.create("PROJ-1", {}, {}));
  for (const char* bad : {"../x", "/etc", "a/b", "", "..", "backup_20250113_150000/.."}) {
    auto found = store.find("PROJ-1", bad);
    ASSERT_FALSE(found) << bad;
    EXPECT_EQ(found.error().kind, ErrorKind::kUsage) << bad;
  }
  EXPECT_EQ(store.find("../x", "backup_20250113_150000").error().kind, ErrorKind::kUsage);
  auto missing = store.find("PROJ-1", "backup_20250113_150001");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(exit_code(missing.error().kind), 7);
  EXPECT_TRUE(store.find("PROJ-1", "backup_20250113_150000"));
}

TEST(BackupStoreCreate, BackupsHoldOnlyWhatTheyAreGiven) {
  TempDir tmp;
  auto store = store_at(tmp);
  auto b = store.create("PROJ-1", testing::small_snapshot(),
                        {Trigger::kManual, "before-sprint-5", "release prep", {}});
  ASSERT_TRUE(b);
  auto journal = store.create("PROJ-1", testing::small_snapshot(), {});
  auto w = store.open_journal(*journal);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->intent("update:PROJ-2", {{"summary", "x"}}));
  ASSERT_TRUE(w->seal());
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.path())) {
    if (!e.is_regular_file()) continue;
    std::string text = slurp(e.path());
    for (const char* secret : {"Authorization", "Bearer ", "Basic ", "api_token", "JIRA_PAT"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << e.path() << " contains " << secret;
    }
  }
}

}  // namespace
}  // namespace epicsync::backup

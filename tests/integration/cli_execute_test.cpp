#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "backup/backup_store.h"
#include "epic_parser.h"
#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

// Intents and outcomes, without the interim outcomes that name a bulk task a transition went in
// (Jira Cloud's bulk API, docs/backup-format.md): one of each per operation.
size_t final_records(const backup::Journal& journal) {
  size_t n = 0;
  for (const auto& r : journal.records) n += !r.data.contains("task");
  return n;
}

namespace fs = std::filesystem;
using nlohmann::json;

class CliExecuteTest : public CliSimTest {
 protected:
  std::vector<std::string> sync_args(const std::string& file = "checkout.md") {
    return {"-m", fixture(file), "-e", "PROJ-1", "--execute", "--no-confirm"};
  }
  // Summaries of the issues in the simulator, each with its count.
  std::map<std::string, int> summaries() {
    std::map<std::string, int> out;
    const json state = sim().state();
    for (const auto& i : state["issues"]) out[i.value("summary", "")]++;
    return out;
  }
  backup::BackupStore store() const { return backup::BackupStore({backups(), "test", {}}); }
};

TEST_F(CliExecuteTest, FirstSyncAppliesEverythingWithABackupAndTheSecondWritesNothing) {
  auto first = run(sync_args());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // 3 stories, 8 sub-tasks, 7 transitions, 3 comments, and the epic's own update and transition.
  EXPECT_NE(first.out.find("Synced PROJ-1: 23 of 23 operations applied"), std::string::npos)
      << first.out;
  auto s = summaries();
  EXPECT_EQ(s["Guest checkout"], 1);
  EXPECT_EQ(s["Guest form"], 1);
  EXPECT_EQ(sim().state()["issues"].size(), 12u);  // the epic, 3 stories, 8 sub-tasks

  auto listed = store().list(std::string("PROJ-1"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  const auto& b = listed->front();
  EXPECT_EQ(b.manifest.trigger, backup::Trigger::kPreSync);
  EXPECT_EQ(b.manifest.issue_count, 1);  // the epic alone, before the sync
  auto journal = store().read_journal(b);
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  EXPECT_EQ(final_records(*journal), 46u) << "an intent and an outcome for each of 23 operations";
  EXPECT_TRUE(journal->pending().empty());
  auto verified = store().verify(std::string("PROJ-1"));
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->at(0).status, backup::VerifyReport::Status::kOk);

  sim().clear_log();
  auto second = run(sync_args());
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.out.find("Nothing to do"), std::string::npos) << second.out;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(store().list(std::string("PROJ-1"))->size(), 1u) << "no backup when nothing changes";
}

TEST_F(CliExecuteTest, WithoutATerminalConfirmationIsRequiredAndNothingIsTouched) {
  auto r = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-confirm"), std::string::npos);
  EXPECT_TRUE(sim().request_log().empty());
  auto dry = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_EQ(writes(), 0);
}

TEST_F(CliExecuteTest, NoBackupWarnsAndLeavesNoBackup) {
  auto args = sync_args("mixed-formats.md");
  args.push_back("--no-backup");
  auto r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --no-backup"), std::string::npos);
  EXPECT_TRUE(store().list(std::string("PROJ-1"))->empty());
}

TEST_F(CliExecuteTest, AFailingOperationIsReportedAndTheRestApplied) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/[A-Z]+-[0-9]+/comment"},
                   {"action", "error500"},
                   {"nth", 1},
                   {"times", 0}});
  auto r = run(
      {"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm", "-o", "json"});
  EXPECT_EQ(r.exit_code, 64) << r.out << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["error"]["code"], 64);
  EXPECT_EQ(doc["result"]["failures"].size(), 3u) << "the three comments";
  EXPECT_EQ(doc["result"]["applied"], 20);
  EXPECT_EQ(summaries()["Guest checkout"], 1);
  auto journal = store().read_journal(store().list(std::string("PROJ-1"))->front());
  ASSERT_TRUE(journal.ok());
  EXPECT_EQ(final_records(*journal), 46u) << "failures are recorded too";
}

TEST_F(CliExecuteTest, ASecondRunOnTheSameEpicIsRefusedWhileOneHoldsTheLock) {
  auto held = store().lock("PROJ-1");
  ASSERT_TRUE(held.ok());
  auto r = run(sync_args());
  EXPECT_EQ(r.exit_code, 9) << r.err;
  EXPECT_NE(r.err.find(std::to_string(getpid())), std::string::npos) << "names the holder";
  EXPECT_EQ(writes(), 0);
}

TEST_F(CliExecuteTest, BackupCommandsListTakeCleanAndVerify) {
  ASSERT_EQ(run(sync_args("mixed-formats.md")).exit_code, 0);
  auto manual = run({"--backup", "before-sprint-5", "--epic", "PROJ-1", "--notes", "by hand"});
  ASSERT_EQ(manual.exit_code, 0) << manual.err;
  EXPECT_NE(manual.out.find("saved as 'before-sprint-5'"), std::string::npos);

  auto listed = run({"--list-backups", "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto doc = json::parse(listed.out);
  ASSERT_EQ(doc["backups"].size(), 2u);
  EXPECT_EQ(doc["backups"][0]["trigger"], "pre-sync");
  EXPECT_EQ(doc["backups"][1]["trigger"], "manual");
  EXPECT_EQ(doc["backups"][1]["name"], "before-sprint-5");
  EXPECT_EQ(doc["backups"][1]["notes"], "by hand");
  EXPECT_EQ(doc["backups"][1]["issues"], 8);  // the epic, 3 stories and 4 sub-tasks
  auto table = run({"--list-backups", "--epic", "PROJ-1"});
  EXPECT_NE(table.out.find("manual / before-sprint-5"), std::string::npos) << table.out;

  EXPECT_EQ(run({"--verify-backups"}).exit_code, 0);
  // A flipped byte in a snapshot is caught.
  const std::string snapshot =
      backups() + "/PROJ-1/" + doc["backups"][0]["id"].get<std::string>() + "/snapshot.json";
  std::string content;
  {
    std::ifstream in(snapshot);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  content[content.size() / 2] ^= 1;
  std::ofstream(snapshot, std::ios::trunc) << content;
  auto verified = run({"--verify-backups"});
  EXPECT_EQ(verified.exit_code, 3);
  EXPECT_NE(verified.out.find("failed"), std::string::npos) << verified.out;

  // Cleanup keeps N automatic backups per epic and never removes manual ones.
  auto cleaned = run({"--cleanup-backups", "--keep", "1", "-o", "json"});
  ASSERT_EQ(cleaned.exit_code, 0) << cleaned.err;
  EXPECT_TRUE(json::parse(cleaned.out)["removed"].empty());
  EXPECT_EQ(run({"--cleanup-backups"}).exit_code, 2) << "--keep is required";
  EXPECT_EQ(run({"--backup", "x"}).exit_code, 2) << "--epic is required";
}

TEST_F(CliExecuteTest, UpdateSourceWritesTheKeysAndKeepsTheOriginalInTheBackup) {
  const std::string file = dir_ + "/EPIC.md";
  fs::copy_file(fixture("checkout.md"), file);
  std::string original;
  {
    std::ifstream in(file, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto r = run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm", "--update-source"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 3 stories and their 8 sub-tasks.
  EXPECT_NE(r.out.find("Wrote 11 tracker keys into"), std::string::npos) << r.out;
  std::string now;
  {
    std::ifstream in(file, std::ios::binary);
    now.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t pins = 0;
  for (size_t at = now.find("| **Issue** | PROJ-"); at != std::string::npos;
       at = now.find("| **Issue** | PROJ-", at + 1)) {
    ++pins;
  }
  EXPECT_EQ(pins, 3u);
  // Every sub-task is pinned too, and reads back pinned.
  auto pinned = markdown::parse_epic(now);
  ASSERT_TRUE(pinned.ok());
  size_t subtasks = 0;
  for (const auto& st : pinned.epic.stories) {
    for (const auto& sub : st.subtasks) {
      EXPECT_TRUE(sub.tracker_key) << sub.name;
      ++subtasks;
    }
  }
  EXPECT_EQ(subtasks, 8u);
  // Nothing but the keys was added: each line is the original's, or it plus a Key cell.
  std::vector<std::string> was, is;
  std::istringstream orig_lines(original), now_lines(now);
  for (std::string line; std::getline(orig_lines, line);) was.push_back(line);
  for (std::string line; std::getline(now_lines, line);) {
    if (line.find("| **Issue** | PROJ-") == std::string::npos) is.push_back(line);
  }
  ASSERT_EQ(is.size(), was.size());
  for (size_t i = 0; i < was.size(); ++i) {
    if (is[i] == was[i]) continue;
    ASSERT_EQ(is[i].substr(0, was[i].size()), was[i]) << i;
    const std::string added = is[i].substr(was[i].size());
    EXPECT_TRUE(added == " Key |" || added == " --- |" ||
                (added.rfind(" PROJ-", 0) == 0 && added.back() == '|'))
        << "line " << i + 1 << ": '" << added << "'";
  }
  auto b = store().list(std::string("PROJ-1"))->front();
  auto kept = store().load_file(b, "source.md");
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(*kept, original);

  sim().clear_log();
  auto again = run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm", "--update-source"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(
      run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm", "--update-source", "--no-backup"})
          .exit_code,
      2);
}

class CliKilledTest : public CliExecuteTest {
 protected:
  // Slow enough that a kill lands in the middle of the run.
  std::vector<std::string> sim_args() const override { return {"--seed", "--latency-ms", "15"}; }
};

TEST_F(CliKilledTest, KilledAtAnyPointThenRerunConvergesWithoutDuplicates) {
  for (int delay_ms : {150, 400, 800}) {
    sim().reset(/*seed=*/true);
    fs::remove_all(backups());
    auto args = sync_args();
    args.insert(args.begin(), EPICSYNC_PATH);
    BackgroundProcess victim(args, options());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    victim.stop(SIGKILL);

    auto rerun = run(sync_args());
    ASSERT_EQ(rerun.exit_code, 0) << "killed after " << delay_ms << " ms: " << rerun.out
                                  << rerun.err;
    for (const auto& [summary, n] : summaries()) {
      EXPECT_EQ(n, 1) << summary << " after a kill at " << delay_ms << " ms";
    }
    EXPECT_EQ(sim().state()["issues"].size(), 12u);
    auto verified = store().verify(std::string("PROJ-1"));
    ASSERT_TRUE(verified.ok());
    for (const auto& v : *verified) {
      EXPECT_NE(v.status, backup::VerifyReport::Status::kFailed) << v.backup.id;
    }
    sim().clear_log();
    auto third = run(sync_args());
    EXPECT_EQ(third.exit_code, 0);
    EXPECT_EQ(writes(), 0) << "converged after a kill at " << delay_ms << " ms";
  }
}

}  // namespace
}  // namespace epicsync::testing

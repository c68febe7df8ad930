// Issue 11: the promises "never a duplicate" and "every change is undoable", each under the
// fault that breaks them on Jira Cloud every day: a lagging search index, answers lost after the
// write was applied, a journal that cannot be written, runs killed and run again.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "backup/backup_store.h"
#include "epic_generator.h"
#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/managed_state.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliSafetyTest : public CliSimTest {
 protected:
  CliSafetyTest() { no_color_ = true; }
  ProcessResult sync(const std::string& file = fixture("checkout.md")) {
    return run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  ProcessResult rollback() {
    return run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  // A config file in the working directory, where epicsync looks first.
  void config(const std::string& yaml) { write(".epicsync.yaml", yaml); }
  json managed() { return managed_state(sim().state()); }
  // How many issues carry each "parent summary / summary": a duplicate shows as a 2.
  std::map<std::string, int> copies() {
    const json state = sim().state();
    std::map<std::string, std::string> summary_of;
    for (const auto& i : state["issues"]) summary_of[i["key"]] = i.value("summary", "");
    std::map<std::string, int> out;
    for (const auto& i : state["issues"]) {
      out[summary_of[i.value("parent", "")] + " / " + i.value("summary", "")]++;
    }
    return out;
  }
  std::vector<std::string> duplicated() {
    std::vector<std::string> out;
    for (const auto& [name, n] : copies()) {
      if (n > 1) out.push_back(name + " x" + std::to_string(n));
    }
    return out;
  }
  size_t issue_count() { return sim().state()["issues"].size(); }
  backup::BackupStore store() const { return backup::BackupStore({backups(), "test", {}}); }
  std::optional<backup::Journal> latest_journal(backup::Trigger trigger) {
    auto latest = store().latest("PROJ-1", trigger);
    if (!latest) return std::nullopt;
    auto journal = store().read_journal(*latest);
    if (!journal) return std::nullopt;
    return *journal;
  }
  size_t journal_records(backup::Trigger trigger) {
    auto j = latest_journal(trigger);
    return j ? j->records.size() : 0;
  }
  // Every backup of the epic that verify finds damaged (interrupted ones, never listed, aside).
  std::vector<std::string> damaged_backups() {
    std::vector<std::string> out;
    auto reports = store().verify(std::string("PROJ-1"));
    if (!reports) return {reports.error().message};
    for (const auto& r : *reports) {
      if (r.status == backup::VerifyReport::Status::kFailed) {
        out.push_back(r.backup.id + ": " + (r.problems.empty() ? "" : r.problems.front()));
      }
    }
    return out;
  }
  // Starts the run and kills it (-9) once the newest journal of `trigger` has `records`
  // records, however slow the machine. False when the run ended first.
  bool kill_at(std::vector<std::string> args, backup::Trigger trigger, size_t records) {
    return signal_at(std::move(args), trigger, records, SIGKILL).in_time;
  }
  // Starts the run and sends it `signal_number` (SIGKILL, or SIGINT as Ctrl-C does) once the
  // newest journal of `trigger` has `records` records; what the run then said and returned.
  struct Stopped {
    bool in_time = false;  // the signal came while the run was writing
    int exit_code = -1;
    std::string err;
  };
  Stopped signal_at(std::vector<std::string> args, backup::Trigger trigger, size_t records,
                    int signal_number) {
    const size_t before = journal_records(trigger);
    const std::string err_file = dir_ + "/stderr.txt";
    std::vector<std::string> argv = {"/bin/bash", "-c", "exec \"$0\" \"$@\" 2>\"" + err_file + "\"",
                                     EPICSYNC_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    BackgroundProcess victim(argv, options());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    Stopped out;
    while (std::chrono::steady_clock::now() < deadline && victim.running()) {
      const size_t now = journal_records(trigger);
      if (now != before && now >= records) {
        out.in_time = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    out.exit_code = victim.stop(signal_number);
    std::ifstream in(err_file);
    out.err.assign(std::istreambuf_iterator<char>(in), {});
    return out;
  }
};

// 1. A bulk create applied whose answer is lost, while search lags: confirmed by identity, never
//    sent again; a quick re-run sees the new issues (reconcileIssues) and writes nothing.
class CliSearchLagTest : public CliSafetyTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--search-lag-ms", "3000"};
  }
};

TEST_F(CliSearchLagTest, ALostBulkCreateIsConfirmedByIdentityAndNeverSentAgain) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  auto first = sync();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_TRUE(duplicated().empty()) << ::testing::PrintToString(duplicated());
  EXPECT_EQ(issue_count(), 12u) << "the epic, 3 stories, 8 sub-tasks";
  EXPECT_EQ(sim().counts()["POST /rest/api/3/issue/bulk"], 2) << "stories once, sub-tasks once";

  // At once, while search still hides what the first run wrote.
  sim().clear_log();
  auto second = sync();
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("Nothing to do"), std::string::npos) << second.out << second.err;
  EXPECT_EQ(writes(), 0);
  EXPECT_TRUE(duplicated().empty());
}

// 1. A create that search never confirms within jira.search_wait ends as outcome unknown (exit
//    64), with nothing sent twice and nothing that depends on it sent; the next run settles it.
TEST_F(CliSafetyTest, ACreateNobodyCanConfirmEndsUnknownAndTheNextRunCreatesItOnce) {
  config("jira:\n  search_wait: 1\n");
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "drop"},
                   {"nth", 1},
                   {"times", 1}});
  auto first = sync();
  EXPECT_EQ(first.exit_code, 64) << first.out << first.err;
  EXPECT_NE(first.out.find("outcome unknown"), std::string::npos) << first.out;
  EXPECT_EQ(sim().counts()["POST /rest/api/3/issue/bulk"], 1) << "never sent again";
  EXPECT_EQ(issue_count(), 1u) << "no sub-task sent under a story that may not exist";
  auto journal = latest_journal(backup::Trigger::kPreSync);
  ASSERT_TRUE(journal);
  EXPECT_GE(journal->pending().size(), 3u) << "the three story creates stay open";

  auto second = sync();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_TRUE(duplicated().empty()) << ::testing::PrintToString(duplicated());
  EXPECT_EQ(issue_count(), 12u);
}

TEST_F(CliSafetyTest, ACreateAppliedButHiddenBySearchIsFoundByTheNextRunNotMadeAgain) {
  config("jira:\n  search_wait: 1\n");
  sim().put("/_sim/config", {{"search_lag_ms", 60000}});
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  auto first = sync();
  EXPECT_EQ(first.exit_code, 64) << first.out << first.err;
  EXPECT_EQ(issue_count(), 4u) << "the stories exist; their sub-tasks were not sent";
  // The index catches up; the next run finds the stories by identity and uses them.
  sim().put("/_sim/config", {{"search_lag_ms", 0}});
  auto second = sync();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_TRUE(duplicated().empty()) << ::testing::PrintToString(duplicated());
  EXPECT_EQ(issue_count(), 12u);
  EXPECT_EQ(rollback().exit_code, 0);
  EXPECT_EQ(issue_count(), 1u) << "both runs are undone: the stories of the first are deleted too";
}

// Jira's index also lags behind a property put on an issue it already holds: the record of a
// comment just posted. The next run must neither post the comment again nor write at all.
TEST_F(CliSafetyTest, ACommentRecordHiddenBySearchLagIsNeitherPostedAgainNorRewritten) {
  ASSERT_EQ(sync().exit_code, 0);
  sim().put("/_sim/config", {{"search_lag_ms", 3000}});
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));  // the creates are indexed
  std::string text;
  {
    std::ifstream in(fixture("checkout.md"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string file = write("epic.md", text + "\n> **@zed** (2025-04-01): a new remark\n");
  auto comments = [&] {
    size_t n = 0;
    const json state = sim().state();
    for (const auto& i : state["issues"]) n += i.value("comments", json::array()).size();
    return n;
  };
  const size_t before = comments();
  auto posted = sync(file);
  ASSERT_EQ(posted.exit_code, 0) << posted.out << posted.err;
  ASSERT_EQ(comments(), before + 1);
  // The fault is real: search does not show the new record yet (the sim hides an issue written
  // within the lag; a property put alone stays stale, see tests/sim/search_test.cpp).
  const std::string key = key_of("Fraud screening before capture");
  auto searched =
      sim().post("/rest/api/3/search/jql", {{"jql", "key = " + key}, {"properties", {"epicsync"}}});
  const json fresh = sim().get("/rest/api/3/issue/" + key + "/properties/epicsync").body["value"];
  EXPECT_TRUE(searched.body["issues"].empty() ||
              searched.body["issues"][0]["properties"].value("epicsync", json()) != fresh)
      << searched.raw;
  sim().clear_log();
  auto again = sync(file);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << again.out;
  EXPECT_EQ(comments(), before + 1);
}

// 1. Two issues of one identity that the journals show as epicsync's own creates (as a lost
//    answer made them before this fix): the younger is deleted, and that is undoable.
TEST_F(CliSafetyTest, TwoCopiesOfOneOwnCreateAreRepairedNotADeadEnd) {
  ASSERT_EQ(sync().exit_code, 0);
  const json before_repair = managed();
  const std::string original = key_of("Guest checkout");
  const json issue = sim().get("/rest/api/3/issue/" + original).body;
  // The copy a resent create made: same summary, same identity, same epic.
  auto copy = sim().post(
      "/rest/api/3/issue",
      {{"fields",
        {{"project", {{"key", "PROJ"}}},
         {"issuetype", {{"name", "Story"}}},
         {"parent", {{"key", "PROJ-1"}}},
         {"summary", "Guest checkout"}}},
       {"properties", json::array({{{"key", "epicsync"}, {"value", {{"id", "SHOP-101"}}}}})}});
  ASSERT_EQ(copy.status, 201) << copy.raw;
  const std::string copy_key = copy.body["key"];
  auto plan = run({"-m", fixture("checkout.md"), "-e", "PROJ-1"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("delete " + copy_key), std::string::npos) << plan.out;

  auto repaired = sync();
  ASSERT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  EXPECT_EQ(copies()["Checkout Revamp / Guest checkout"], 1);
  EXPECT_EQ(key_of("Guest checkout"), original) << "the older one is kept";
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + copy_key).status, 404);

  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(copies()["Checkout Revamp / Guest checkout"], 2) << "the rollback brings the copy back";
  (void)before_repair;
}

// 2. An update whose answer is lost and whose read-back fails: journalled as unknown, not as
//    refused, so rollback and restore put the old value back instead of missing the write.
class CliLostUpdateTest : public CliSafetyTest {
 protected:
  // Syncs the checkout epic, then a version with one story renamed while PUT on that story is
  // applied but answered 500 and its read-back fails.
  void sync_rename_with_lost_answer() {
    ASSERT_EQ(sync().exit_code, 0);
    before_ = managed();
    key_ = key_of("Guest checkout");
    std::string t = read(fixture("checkout.md"));
    replace(t, "Guest checkout", "Guest checkout without an account");
    v2_ = write("v2.md", t);
    sim().add_fault({{"method", "PUT"},
                     {"path", "/rest/api/3/issue/" + key_},
                     {"action", "apply_then_500"},
                     {"nth", 1},
                     {"times", 1}});
    sim().add_fault({{"method", "GET"},
                     {"path", "/rest/api/3/issue/" + key_},
                     {"action", "error500"},
                     {"nth", 1},
                     {"times", 0}});
    auto lost = sync(v2_);
    EXPECT_EQ(lost.exit_code, 64) << lost.out << lost.err;
    EXPECT_NE(lost.out.find("outcome unknown"), std::string::npos) << lost.out;
    sim().clear_faults();
    EXPECT_EQ(sim().get("/rest/api/3/issue/" + key_).body["fields"]["summary"],
              "Guest checkout without an account")
        << "the write arrived although its answer did not";
  }
  json before_;
  std::string key_, v2_;
};

TEST_F(CliLostUpdateTest, RollbackPutsTheOldValueBack) {
  sync_rename_with_lost_answer();
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(undone.out.find("Nothing to undo"), std::string::npos) << undone.out;
  EXPECT_TRUE(managed() == before_) << differences(before_, managed());
}

TEST_F(CliLostUpdateTest, RestoreBackupPutsTheOldValueBackWithoutBlamingAnyoneElse) {
  sync_rename_with_lost_answer();
  auto latest = store().latest("PROJ-1", backup::Trigger::kPreSync);
  ASSERT_TRUE(latest);
  auto restored =
      run({"--restore-backup", latest->manifest.id, "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err;
  EXPECT_TRUE(managed() == before_) << differences(before_, managed());
}

// 4. The journal cannot be written (a file size limit makes every write past it fail, as a full
//    disk does): the run stops before its next request, exits 12, and what it did is undoable.
TEST_F(CliSafetyTest, AJournalThatCannotBeWrittenStopsTheSyncAndWhatItDidIsUndoable) {
  const json before = managed();
  // 5 KiB: the backup fits, the journal of the 21 operations (11 KiB) does not: it fills up
  // while the sub-tasks' creates are recorded, before they are sent.
  ProcessOptions o = options();
  const std::string cmd = "ulimit -f 5; trap '' XFSZ; exec \"$0\" \"$@\"";
  auto r = run_process({"/bin/bash", "-c", cmd, EPICSYNC_PATH, "-m", fixture("checkout.md"), "-e",
                        "PROJ-1", "--execute", "--no-confirm", "--no-color"},
                       o);
  EXPECT_EQ(r.exit_code, 12) << r.out << r.err;
  EXPECT_NE(r.err.find("journal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint:"), std::string::npos) << r.err;
  auto journal = latest_journal(backup::Trigger::kPreSync);
  ASSERT_TRUE(journal);
  ASSERT_GT(journal->records.size(), 0u) << "some operations ran before the journal filled up";
  EXPECT_LT(issue_count(), 12u) << "the sync stopped";
  // Every issue the run created is one the journal knows it sent.
  std::set<std::string> sent;
  for (const auto& rec : journal->records) {
    if (rec.phase == backup::Phase::kIntent && rec.data.contains("sent")) {
      sent.insert(rec.data["sent"].value("identity", ""));
    }
  }
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    if (i["key"] == "PROJ-1") continue;
    const std::string id = i["properties"]["epicsync"].value("id", "");
    EXPECT_TRUE(sent.count(id)) << i["key"] << " (" << id
                                << ") was created without a journal record";
  }
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_TRUE(managed() == before) << differences(before, managed());
}

TEST_F(CliSafetyTest, ABackupFolderThatIsAFileIsExit12BeforeAnyWrite) {
  std::ofstream(backups()) << "not a folder";
  auto r = sync();
  EXPECT_EQ(r.exit_code, 12) << r.out << r.err;
  EXPECT_NE(r.err.find("hint:"), std::string::npos) << r.err;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(issue_count(), 1u);
}

// 7. A sync killed half-way and run again continues that sync (its backup, its journal), so one
//    --rollback returns the epic to the state before the interrupted run.
class CliInterruptedTest : public CliSafetyTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--latency-ms", "15"}; }
};

TEST_F(CliInterruptedTest, AnInterruptedSyncRunAgainIsOneSyncToRollBack) {
  // The killed run's creates without an outcome make the re-run wait this long for search.
  config("jira:\n  search_wait: 2\n");
  const json before = managed();
  ASSERT_TRUE(kill_at({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"},
                      backup::Trigger::kPreSync, 3));
  auto again = sync();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Continuing the interrupted sync"), std::string::npos) << again.out;
  EXPECT_TRUE(duplicated().empty());
  EXPECT_EQ(store().list(std::string("PROJ-1"))->size(), 1u) << "one backup for the one change";
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_TRUE(managed() == before) << differences(before, managed());
}

// Ctrl-C or SIGTERM while a sync writes: no request after it, the run says how far it got and
// exits 130 (not 143: the signal was handled), the journal stays open, and the same command
// finishes that sync; one --rollback undoes both runs.
TEST_F(CliInterruptedTest, SigtermStopsTheSyncBeforeItsNextWriteAndTheSameCommandFinishesIt) {
  // One request at a time, so that writes are still to come when the signal arrives.
  config("jira:\n  search_wait: 2\n  concurrency: 1\n");
  const json before = managed();
  auto stopped = signal_at(
      {"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm", "--no-color"},
      backup::Trigger::kPreSync, 3, SIGTERM);
  ASSERT_TRUE(stopped.in_time);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("interrupted: "), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("run the same command again to finish"), std::string::npos)
      << stopped.err;
  // Left open: the same command continues it (same backup, chained journal).
  auto again = sync();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Continuing the interrupted sync"), std::string::npos) << again.out;
  EXPECT_TRUE(duplicated().empty()) << ::testing::PrintToString(duplicated());
  EXPECT_EQ(issue_count(), 12u);
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_TRUE(managed() == before) << differences(before, managed());
}

TEST_F(CliInterruptedTest, CtrlCStopsARollbackGracefullyAndTheSameCommandFinishesIt) {
  // One request at a time, so that writes are still to come when the signal arrives.
  config("jira:\n  concurrency: 1\n");
  const json before = managed();
  ASSERT_EQ(sync().exit_code, 0);
  auto stopped = signal_at({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"},
                           backup::Trigger::kPreRollback, 3, SIGINT);
  ASSERT_TRUE(stopped.in_time);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("interrupted: "), std::string::npos) << stopped.err;
  auto again = rollback();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Continuing the interrupted rollback"), std::string::npos) << again.out;
  EXPECT_TRUE(managed() == before) << differences(before, managed());
}

// kill -9 at many points of a sync and of a rollback of a 50 x 5 epic, then the same command
// again: no duplicate, no damaged backup, and --rollback returns the epic to the state before
// the first interrupted run.
class CliKillMatrixTest : public CliSafetyTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--latency-ms", "2"}; }
  std::string epic_file() {
    bench::GeneratorOptions g;
    g.stories = 50;
    g.subtasks_per_story = 5;
    g.seed = 11;
    return write("big.md", bench::render_epic(bench::generate_epic_for_sim(g)));
  }
};

TEST_F(CliKillMatrixTest, KilledSyncsAndRollbacksConvergeAndRollBackExactly) {
  config("jira:\n  search_wait: 2\n");  // the simulator's search does not lag here
  const std::string file = epic_file();
  const std::vector<std::string> sync_args = {"-m",        file,           "-e",        "PROJ-1",
                                              "--execute", "--no-confirm", "--no-color"};
  const std::vector<std::string> rollback_args = {"--rollback", "-e",           "PROJ-1",
                                                  "--execute",  "--no-confirm", "--no-color"};
  // How many journal records a whole sync writes, to spread the kill points over it.
  const json pristine = managed();
  ASSERT_EQ(sync(file).exit_code, 0);
  const size_t total = journal_records(backup::Trigger::kPreSync);
  ASSERT_GT(total, 100u);
  const json synced = managed();

  int points = 0;
  // Kills during the sync: 14 points from the first record to 85 % of the way (the last
  // records are written so fast that, on a loaded machine, the run may end before the kill).
  for (int p = 0; p < 14; ++p) {
    const size_t at = 1 + (total * 85 / 100) * static_cast<size_t>(p) / 13;
    sim().reset(/*seed=*/true);
    fs::remove_all(backups());
    const bool killed = kill_at(sync_args, backup::Trigger::kPreSync, at);
    auto again = sync(file);
    ASSERT_EQ(again.exit_code, 0) << "sync killed at record " << at << "\n"
                                  << again.out << again.err;
    EXPECT_TRUE(duplicated().empty())
        << "killed at " << at << ": " << ::testing::PrintToString(duplicated());
    EXPECT_TRUE(damaged_backups().empty()) << ::testing::PrintToString(damaged_backups());
    EXPECT_TRUE(managed() == synced) << "killed at " << at << "\n"
                                     << differences(synced, managed());
    auto undone = rollback();
    ASSERT_EQ(undone.exit_code, 0) << "killed at " << at << "\n" << undone.out << undone.err;
    EXPECT_TRUE(managed() == pristine) << "killed at " << at << "\n"
                                       << differences(pristine, managed());
    points += killed ? 1 : 0;
  }
  // Kills during the rollback of a whole sync: 8 points.
  for (int p = 0; p < 8; ++p) {
    sim().reset(/*seed=*/true);
    fs::remove_all(backups());
    ASSERT_EQ(sync(file).exit_code, 0);
    const size_t at = 1 + static_cast<size_t>(p) * 12;
    const bool killed = kill_at(rollback_args, backup::Trigger::kPreRollback, at);
    auto again = rollback();
    ASSERT_EQ(again.exit_code, 0) << "rollback killed at " << at << "\n" << again.out << again.err;
    EXPECT_TRUE(damaged_backups().empty()) << ::testing::PrintToString(damaged_backups());
    EXPECT_TRUE(managed() == pristine) << "rollback killed at " << at << "\n"
                                       << differences(pristine, managed());
    points += killed ? 1 : 0;
  }
  EXPECT_GE(points, 20) << "kills that happened before the run ended by itself";
}

// A write Jira acknowledges and then loses (an automation rule reverts it, a proxy swallows it):
// the sync reads the issues it wrote again, says which write did not hold and exits 64 instead of
// reporting success; the next run writes it again.
TEST_F(CliSafetyTest, AnAcknowledgedWriteThatDidNotHoldIsReportedNotAssumed) {
  ASSERT_EQ(sync().exit_code, 0);
  const std::string guest = key_of("Guest checkout");
  std::string t = read(fixture("checkout.md"));
  const std::string from = "| **Story Points** | 5 |";
  ASSERT_NE(t.find(from), std::string::npos);
  t.replace(t.find(from), from.size(), "| **Story Points** | 8 |");
  const std::string file = write("eight.md", t);
  sim().add_fault(
      {{"method", "PUT"}, {"path", "/rest/api/3/issue/" + guest}, {"action", "lose_write"}});
  auto lost = sync(file);
  EXPECT_EQ(lost.exit_code, 64) << lost.out << lost.err;
  EXPECT_NE(lost.out.find("Partly synced PROJ-1"), std::string::npos) << lost.out;
  EXPECT_NE(lost.out.find("not as written: " + guest + ": Story Points reads '5', not '8'"),
            std::string::npos)
      << lost.out;
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + guest).body["fields"]["customfield_10016"], 5);

  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Synced PROJ-1: 1 of 1 operation applied: updated 1 issue"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + guest).body["fields"]["customfield_10016"], 8);
  // Both syncs are undone by rollbacks, the lost write included: back to the first sync's 5.
  auto undone = rollback();
  EXPECT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + guest).body["fields"]["customfield_10016"], 5);
}

// 3. A comment whose answer was dropped after Jira stored it is looked for before it is posted
//    again: one "Related Commits" comment, one copy of each quoted comment.
TEST_F(CliSafetyTest, ACommentWhoseAnswerWasDroppedIsPostedOnce) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/[^/]+/comment"},
                   {"action", "apply_then_drop"},
                   {"nth", 1},
                   {"times", 0}});
  auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json state = sim().state();
  size_t comments = 0;
  for (const auto& issue : state["issues"]) {
    std::map<std::string, int> bodies;
    for (const auto& c : issue.value("comments", json::array())) {
      ++comments;
      EXPECT_EQ(++bodies[c["body"].dump()], 1)
          << issue["key"] << " has a comment twice: " << c["body"].dump().substr(0, 200);
    }
  }
  EXPECT_GE(comments, 2u) << "the fixture's comments were posted";
  // And nothing is left for a re-run to post.
  sim().clear_faults();
  sim().clear_log();
  auto again = sync();
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << again.out;
}

// 6. A damaged newest backup is listed as damaged, and --rollback / --diff-latest refuse to skip
//    it for an older one.
TEST_F(CliSafetyTest, ADamagedNewestBackupIsListedAndNeverSilentlySkipped) {
  ASSERT_EQ(sync().exit_code, 0);
  std::string t = read(fixture("checkout.md"));
  replace(t, "Guest checkout", "Guest checkout v2");
  ASSERT_EQ(sync(write("v2.md", t)).exit_code, 0);
  auto all = store().list(std::string("PROJ-1"));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  const std::string newest = all->back().manifest.id;
  std::ofstream(all->back().dir / "manifest.json", std::ios::trunc) << "{\"format\": garbled";
  const json before = managed();

  auto list = run({"--list-backups", "-e", "PROJ-1"});
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find(newest), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("DAMAGED"), std::string::npos) << list.out;

  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 3) << undo.out << undo.err;
  EXPECT_NE(undo.err.find(newest), std::string::npos) << undo.err;
  EXPECT_NE(undo.err.find("--restore-backup"), std::string::npos) << undo.err;
  EXPECT_TRUE(managed() == before) << "nothing was rolled back";

  auto diff = run({"--diff-latest", "-e", "PROJ-1"});
  EXPECT_EQ(diff.exit_code, 3) << diff.out << diff.err;
  EXPECT_NE(diff.err.find(newest), std::string::npos) << diff.err;

  // The older backup is still usable when named.
  auto older = run({"--restore-backup", all->front().manifest.id, "-e", "PROJ-1"});
  EXPECT_EQ(older.exit_code, 0) << older.out << older.err;
}

// 8. A workflow whose only resolution is Done cannot say Cancelled: a Cancelled story that is
//    done counts as in step (one note naming jira.status_map), and re-runs write nothing and
//    keep no backups, so retention never trades the real pre-sync backup for empty ones.
class CliInexpressibleStatusTest : public CliSafetyTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--workflow",
            std::string(FIXTURES_DIR) + "/workflows/done-only-resolution.json"};
  }
  std::string cancelled_epic() {
    std::string t = read(fixture("checkout.md"));
    const auto first = t.find("| **Status** | 🔄 In Progress |", t.find("### "));
    EXPECT_NE(first, std::string::npos);
    t.replace(first, std::string("| **Status** | 🔄 In Progress |").size(),
              "| **Status** | Cancelled |");
    return write("cancelled.md", t);
  }
};

TEST_F(CliInexpressibleStatusTest, ACancelledStoryThatIsDoneIsInStepAndNoOpRunsKeepNoBackup) {
  const std::string file = cancelled_epic();
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string key = key_of("Guest checkout");
  const json issue = sim().get("/rest/api/3/issue/" + key).body;
  EXPECT_EQ(issue["fields"]["status"]["name"], "Done") << "as close to Cancelled as it gets";
  const auto backups_after_first = store().list(std::string("PROJ-1"))->size();
  ASSERT_EQ(backups_after_first, 1u);

  for (int run = 0; run < 3; ++run) {
    sim().clear_log();
    auto again = sync(file);
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("jira.status_map"), std::string::npos) << again.out;
    EXPECT_EQ(writes(), 0);
  }
  EXPECT_EQ(store().list(std::string("PROJ-1"))->size(), 1u) << "no empty backups";
  // The one backup is still the real one: the rollback undoes the first sync.
  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(issue_count(), 1u) << "only the epic is left";
}

// The same story on a workflow that has Won't Do but no screen to set it: the transition the
// plan asks for turns out to be a no-op every time. Such a run writes nothing and keeps no
// backup.
class CliNoOpRunTest : public CliSafetyTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--workflow",
            std::string(FIXTURES_DIR) + "/workflows/no-resolution-screen.json"};
  }
};

TEST_F(CliNoOpRunTest, ARunWhoseOperationsAllTurnOutToBeNoOpsKeepsNoBackup) {
  std::string t = read(fixture("checkout.md"));
  const auto first = t.find("| **Status** | 🔄 In Progress |", t.find("### "));
  ASSERT_NE(first, std::string::npos);
  t.replace(first, std::string("| **Status** | 🔄 In Progress |").size(),
            "| **Status** | Cancelled |");
  const std::string file = write("cancelled.md", t);
  ASSERT_EQ(sync(file).exit_code, 0);
  ASSERT_EQ(store().list(std::string("PROJ-1"))->size(), 1u);
  for (int run = 0; run < 3; ++run) {
    sim().clear_log();
    auto again = sync(file);
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    // Only the run's lease on the epic is written (taken and released).
    int others = 0;
    for (const auto& r : sim().request_log()) {
      const std::string path = r.value("path", "");
      if (r.value("method", "") != "GET" && path.find("/search") == std::string::npos &&
          path.find("/properties/epicsync.lease") == std::string::npos) {
        ++others;
      }
    }
    EXPECT_EQ(others, 0) << again.out;
    EXPECT_NE(again.out.find("no backup was kept"), std::string::npos) << again.out;
  }
  EXPECT_EQ(store().list(std::string("PROJ-1"))->size(), 1u);
  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(issue_count(), 1u) << "the rollback still undoes the first, real sync";
}

}  // namespace
}  // namespace epicsync::testing

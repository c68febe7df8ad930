// Jira Cloud's bulk API (issue 17): transitions and deletes of many issues in one request, run by
// Jira as asynchronous tasks, and the epicsync property of many issues in one. Each test checks
// the tracker's state afterwards, not only the requests: the bulk API is a way of sending, and
// the outcome must be the one issue-by-issue writes give, under refusals, a missing permission,
// lost answers and a run killed while a task runs.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "backup/backup_store.h"
#include "backup/journal_record.h"
#include "support/cli_sim_test.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace bulk_test {

using nlohmann::json;

// The simulator's status ids (tools/jira-sim/workflows/default.json, and simplified.json).
const std::map<std::string, std::string> kStatusId = {
    {"To Do", "10000"}, {"In Progress", "3"}, {"In Review", "10001"}, {"Done", "10002"}};
const char* const kStatuses[] = {"To Do", "In Progress", "In Review", "Done"};

// An epic of `stories` stories with two sub-tasks each, in every status of the workflow.
std::string epic_file(int stories, int shift = 0, int points = 3) {
  std::string md =
      "# Bulk epic\n\n## Epic Summary\n\n| Field | Value |\n|---|---|\n"
      "| **Epic Key** | PROJ-1 |\n\n## User Stories\n\n";
  for (int i = 1; i <= stories; ++i) {
    const std::string n = std::to_string(i);
    md += "### US-" + std::string(n.size() < 2 ? "00" : "0") + n + ": Story " + n + "\n\n";
    md += "| Field | Value |\n|---|---|\n| **Story Points** | " + std::to_string(points) +
          " |\n| **Status** | " + std::string(kStatuses[(i + shift) % 4]) +
          " |\n\n#### Description\n\nStory " + n +
          ".\n\n#### Subtasks\n\n| # | Task | Points | Status |\n|---|---|---|---|\n";
    md += "| 1 | Sub a" + n + " | 1 | " + kStatuses[(i + shift + 1) % 4] + " |\n";
    md += "| 2 | Sub b" + n + " | 1 | Done |\n\n";
  }
  return md;
}

class CliBulkTest : public CliSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--workflow", std::string(FIXTURES_DIR) + "/workflows/simplified.json",
            "--bulk-task-ms", "20"};
  }
  ProcessResult sync(const std::string& file) {
    return run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  // Every issue's status id by summary, as the simulator holds them.
  std::map<std::string, std::string> statuses() {
    std::map<std::string, std::string> out;
    const json state = sim().state();
    for (const auto& i : state["issues"]) {
      out[i.value("summary", "")] = i.value("status", "");
    }
    return out;
  }
  // The statuses the file asks for, by summary.
  static std::map<std::string, std::string> wanted(int stories, int shift = 0) {
    std::map<std::string, std::string> out;
    for (int i = 1; i <= stories; ++i) {
      const std::string n = std::to_string(i);
      out["Story " + n] = kStatusId.at(kStatuses[(i + shift) % 4]);
      out["Sub a" + n] = kStatusId.at(kStatuses[(i + shift + 1) % 4]);
      out["Sub b" + n] = kStatusId.at("Done");
    }
    return out;
  }
  void expect_statuses(int stories, int shift = 0) {
    auto now = statuses();
    for (const auto& [summary, status] : wanted(stories, shift)) {
      EXPECT_EQ(now[summary], status) << summary;
    }
  }
  int requests(const std::string& method, const std::string& path_part) {
    int n = 0;
    const json log = sim().request_log();
    for (const auto& r : log) {
      if (r.value("method", "") == method &&
          r.value("path", "").find(path_part) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  // PUT /rest/api/3/issue/{key}/properties/epicsync, one issue's property.
  int property_puts() {
    int n = 0;
    const json log = sim().request_log();
    for (const auto& r : log) {
      n += r.value("method", "") == "PUT" && r.value("path", "").ends_with("/properties/epicsync");
    }
    return n;
  }
  // Single-issue transitions: POST /rest/api/3/issue/{key}/transitions.
  int single_transitions() {
    int n = 0;
    const json log = sim().request_log();
    for (const auto& r : log) {
      const std::string path = r.value("path", "");
      if (r.value("method", "") == "POST" && path.find("/issue/") != std::string::npos &&
          path.ends_with("/transitions")) {
        ++n;
      }
    }
    return n;
  }
  json bulk_tasks() { return sim().get("/_sim/bulk-tasks").body["tasks"]; }
};

TEST_F(CliBulkTest, ASyncMovesEveryIssueWithOneBulkRequestPerWorkflowStep) {
  const std::string file = write("EPIC.md", epic_file(24));
  auto r = sync(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(24);
  EXPECT_EQ(single_transitions(), 0) << "every step of the simplified workflow goes in bulk";
  // To Do → In Progress → In Review → Done: three steps, whatever the number of issues.
  EXPECT_EQ(requests("POST", "/bulk/issues/transition"), 3);
  EXPECT_GE(requests("GET", "/bulk/queue/"), 3);
  // The statuses walked are recorded in each issue's property with a few requests, not one
  // request per issue.
  EXPECT_EQ(property_puts(), 0) << sim().counts().dump(1);
  EXPECT_GE(requests("POST", "/issue/properties/multi"), 1);
  // Jira's own history says each step happened, once.
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    if (i.value("summary", "") != "Story 2") continue;  // In Review: two steps
    int steps = 0;
    for (const auto& c : i["changelog"]) {
      for (const auto& item : c["items"]) steps += item.value("field", "") == "status";
    }
    EXPECT_EQ(steps, 2) << i.dump();
  }
  // A re-run writes nothing: the property records where each walk ended.
  sim().clear_log();
  auto again = sync(file);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0) << sim().counts().dump(1);
  // Bulk notifications are Jira's default unless jira.notify says otherwise.
  for (const auto& t : bulk_tasks()) EXPECT_TRUE(t.value("sendBulkNotification", false)) << t;
}

TEST_F(CliBulkTest, ARollbackOfAFirstSyncDeletesWhatItCreatedInOneRequest) {
  ASSERT_EQ(sync(write("EPIC.md", epic_file(12))).exit_code, 0);
  ASSERT_EQ(sim().state()["issues"].size(), 37u);
  sim().clear_log();
  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "only the epic is left";
  EXPECT_EQ(requests("POST", "/bulk/issues/delete"), 1);
  int single_deletes = 0;  // DELETE /rest/api/3/issue/{key} (not of a property)
  const json log = sim().request_log();
  for (const auto& r : log) {
    const std::string path = r.value("path", "");
    single_deletes += r.value("method", "") == "DELETE" &&
                      path.rfind("/rest/api/3/issue/", 0) == 0 &&
                      path.find('/', std::string("/rest/api/3/issue/").size()) == std::string::npos;
  }
  EXPECT_EQ(single_deletes, 0);
}

TEST_F(CliBulkTest, ChangedStatusesWalkBackAndForthAndARollbackWalksThemBack) {
  const std::string file = write("EPIC.md", epic_file(12));
  ASSERT_EQ(sync(file).exit_code, 0);
  // Every issue moves again: some forwards, some back (Reopen, Rework, Stop Progress), and every
  // story gains points: an edit and a walk on one issue.
  write("EPIC.md", epic_file(12, 2, 5));
  sim().clear_log();
  auto second = sync(file);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  expect_statuses(12, 2);
  {
    // The edits go before the walks, as the plan orders them (a status may forbid edits).
    const json log = sim().request_log();
    long last_edit = -1, first_walk = -1;
    for (size_t n = 0; n < log.size(); ++n) {
      const std::string path = log[n].value("path", "");
      const std::string method = log[n].value("method", "");
      if (method == "PUT" && path.rfind("/rest/api/3/issue/PROJ-", 0) == 0 &&
          path.find("/properties/") == std::string::npos && path != "/rest/api/3/issue/PROJ-1") {
        last_edit = static_cast<long>(n);
      }
      if (method == "POST" && path == "/rest/api/3/bulk/issues/transition" && first_walk < 0) {
        first_walk = static_cast<long>(n);
      }
    }
    EXPECT_GE(last_edit, 0);
    EXPECT_GE(first_walk, 0);
    EXPECT_LT(last_edit, first_walk);
    const json state = sim().state();
    for (const auto& i : state["issues"]) {
      if (i.value("summary", "").rfind("Story ", 0) == 0) {
        EXPECT_EQ(i.value("storyPoints", 0.0), 5.0) << i.value("summary", "");
      }
    }
  }
  // The rollback walks them all back, in bulk too.
  sim().clear_log();
  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  expect_statuses(12);
  EXPECT_GE(requests("POST", "/bulk/issues/transition"), 1);
  EXPECT_EQ(single_transitions(), 0);
}

TEST_F(CliBulkTest, IssuesATaskRefusesWalkAloneAndStillArrive) {
  const std::string file = write("EPIC.md", epic_file(8));
  // Two stories a workflow validator refuses in bulk (the single transition accepts them).
  ASSERT_EQ(sim().post("/_sim/bulk-refuse", {{"keys", json::array({"PROJ-2", "PROJ-5"})}}).status,
            200);
  auto r = sync(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(8);
  EXPECT_GE(single_transitions(), 1) << "the refused issues walked alone";
  EXPECT_GE(requests("POST", "/bulk/issues/transition"), 1);
}

TEST_F(CliBulkTest, NotifyFalseAsksForNoBulkNotification) {
  std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  notify: false\n";
  auto r = sync(write("EPIC.md", epic_file(6)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json tasks = bulk_tasks();
  ASSERT_FALSE(tasks.empty());
  for (const auto& t : tasks) {
    if (t.value("kind", "") == "properties") continue;  // no such switch there
    EXPECT_FALSE(t.value("sendBulkNotification", true)) << t;
  }
}

TEST_F(CliBulkTest, JiraBulkFalseSendsIssueByIssue) {
  std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  bulk: false\n";
  auto r = sync(write("EPIC.md", epic_file(4)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(4);
  EXPECT_EQ(bulk_tasks().size(), 0u);
  EXPECT_GT(single_transitions(), 0);
}

TEST_F(CliBulkTest, ALostAnswerToABulkRequestIsUnknownAndTheNextRunWalksOn) {
  // The task is made, and its answer lost: a task may still be moving the issues, with no id to
  // wait for, so the run says the outcome is unknown (exit 64) instead of walking on across it;
  // the next run walks on from where they are.
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/bulk/issues/transition"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  const std::string file = write("EPIC.md", epic_file(8));
  auto r = sync(file);
  ASSERT_EQ(r.exit_code, 64) << r.out << r.err;
  EXPECT_NE(r.out.find("the answer to the bulk transition was lost"), std::string::npos) << r.out;
  auto again = sync(file);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  expect_statuses(8);
  // No issue took a step twice (a status item of its changelog repeated).
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    std::set<std::string> seen;
    for (const auto& c : i["changelog"]) {
      for (const auto& item : c["items"]) {
        if (item.value("field", "") != "status") continue;
        EXPECT_TRUE(seen.insert(item.value("to", "")).second) << i.dump();
      }
    }
  }
  sim().clear_log();
  ASSERT_EQ(sync(file).exit_code, 0);
  EXPECT_EQ(writes(), 0) << sim().counts().dump(1);
}

class CliBulkScreenTest : public CliBulkTest {
 protected:
  // The built-in workflow: Done has a screen (a required resolution), which bulk cannot fill.
  std::vector<std::string> sim_args() const override { return {"--seed", "--bulk-task-ms", "20"}; }
};

TEST_F(CliBulkScreenTest, AStepWithAScreenIsTakenIssueByIssue) {
  auto r = sync(write("EPIC.md", epic_file(8)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(8);
  // The issues that end in Done take the last step alone (8 stories: 2 Done, 16 sub-tasks: 10).
  EXPECT_EQ(single_transitions(), 12) << sim().counts().dump(1);
  EXPECT_EQ(requests("POST", "/bulk/issues/transition"), 2);
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    if (i.value("status", "") == "10002") {
      EXPECT_EQ(i.value("resolution", ""), "10000") << i;
    }
  }
}

class CliBulkNoPermissionTest : public CliBulkTest {
 protected:
  std::vector<std::string> sim_args() const override {
    auto args = CliBulkTest::sim_args();
    args.push_back("--no-bulk-permission");
    return args;
  }
};

TEST_F(CliBulkNoPermissionTest, WithoutTheBulkPermissionEveryIssueWalksAloneAfterOneWarning) {
  const std::string file = write("EPIC.md", epic_file(8));
  auto r = sync(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(8);
  EXPECT_EQ(requests("POST", "/bulk/issues/transition"), 1) << "asked once, then not again";
  EXPECT_GT(single_transitions(), 0);
  const auto warning = r.err.find("warning: Jira refused its bulk API");
  EXPECT_NE(warning, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("warning: Jira refused its bulk API", warning + 1), std::string::npos)
      << r.err;
  sim().clear_log();
  ASSERT_EQ(sync(file).exit_code, 0);
  EXPECT_EQ(writes(), 0);
}

class CliBulkKilledTest : public CliBulkTest {
 protected:
  // Slow tasks: the run is killed while Jira still works through one.
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--workflow", std::string(FIXTURES_DIR) + "/workflows/simplified.json",
            "--bulk-task-ms", "3000"};
  }
};

TEST_F(CliBulkKilledTest, ARunKilledDuringABulkTaskIsContinuedAfterTheTaskAndRollsBackExactly) {
  const std::string file = write("EPIC.md", epic_file(10));
  std::vector<std::string> args = {EPICSYNC_PATH, "-m",        file,          "-e",
                                   "PROJ-1",      "--execute", "--no-confirm"};
  {
    BackgroundProcess victim(args, options());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool running = false;
    while (!running && std::chrono::steady_clock::now() < deadline && victim.running()) {
      for (const auto& t : bulk_tasks()) running = running || t.value("status", "") == "RUNNING";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(running) << "no bulk task was seen running";
    victim.stop(SIGKILL);
  }
  // The journal names the task the killed run was waiting for.
  {
    backup::BackupStore store({backups(), "test", {}});
    auto latest = store.latest("PROJ-1", backup::Trigger::kPreSync);
    ASSERT_TRUE(latest.ok());
    auto journal = store.read_journal(*latest);
    ASSERT_TRUE(journal.ok());
    auto ops = backup::journal_ops(*journal);
    ASSERT_TRUE(ops.ok());
    size_t named = 0;
    for (const auto& op : *ops) named += op.open() && op.outcome && !op.outcome->task.empty();
    EXPECT_GT(named, 0u);
  }
  // The re-run waits for the task before it reads, then finishes the walks.
  auto again = sync(file);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.err.find("waiting for 1 bulk task an interrupted run left running"),
            std::string::npos)
      << again.err;
  expect_statuses(10);
  // One rollback undoes both runs: only the epic is left, as before the first.
  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << sim().state()["issues"].dump(1);
}

class CliBulkDataCenterTest : public CliBulkTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

TEST_F(CliBulkDataCenterTest, DataCenterHasNoBulkApiAndWalksIssueByIssue) {
  auto r = sync(write("EPIC.md", epic_file(4)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_statuses(4);
  EXPECT_EQ(requests("POST", "/bulk/"), 0);
  EXPECT_EQ(requests("POST", "/properties/multi"), 0);
  EXPECT_GT(single_transitions(), 0);
}

}  // namespace bulk_test
}  // namespace epicsync::testing

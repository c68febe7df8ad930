// The file is the whole truth (issue 13): statuses of the team's own workflow, links between
// stories of the same file, and sub-tasks pinned by key so a rename updates the same issue. Each
// test runs the real binary against jira-sim and reads the tracker's state back.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class CliFileTruthTest : public CliSimTest {
 protected:
  CliFileTruthTest() { no_color_ = true; }
  ProcessResult sync(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  ProcessResult dry_run(const std::string& file) { return run({"-m", file, "-e", "PROJ-1"}); }
  ProcessResult rollback() {
    return run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  json issue(const std::string& key) { return sim().get("/rest/api/3/issue/" + key).body; }
  std::string status_of(const std::string& key) {
    return issue(key)["fields"]["status"]["name"].get<std::string>();
  }
  size_t issue_count() { return sim().state()["issues"].size(); }
};

class CliTeamWorkflowTest : public CliFileTruthTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--workflow", std::string(FIXTURES_DIR) + "/workflows/team-statuses.json"};
  }
};

TEST_F(CliTeamWorkflowTest, AnyStatusOfTheWorkflowIsWrittenByNameAndUndone) {
  const std::string file =
      write("team.md",
            "# Team epic\n\n### US-1: Waiting on legal\n**Status**: 🚧 Blocked\n\n"
            "### US-2: Checked by QA\n**Status**: in qa\n\n#### Subtasks\n"
            "| Task | Status |\n|---|---|\n| Test plan | Blocked |\n"
            "| Fixtures | Done |\n");
  auto validate = run({"--validate", "-m", file, "--strict"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_NE(validate.out.find("warning: status 'Blocked' is not To Do"), std::string::npos)
      << validate.out;

  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(status_of(key_of("Waiting on legal")), "Blocked");
  EXPECT_EQ(status_of(key_of("Checked by QA")), "In QA");
  EXPECT_EQ(status_of(key_of("Test plan")), "Blocked");
  EXPECT_EQ(status_of(key_of("Fixtures")), "Done");

  sim().clear_log();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0);

  // Someone moves a story on: a conflict (three-way); forced, the file's status wins again, by
  // the shortest path.
  ASSERT_EQ(sim().edit_as_other(key_of("Waiting on legal"), {{"status", "In Review"}}).status, 200);
  auto shown = dry_run(file);
  EXPECT_EQ(shown.exit_code, 10) << shown.out << shown.err;
  EXPECT_NE(shown.out.find("Status: epicsync wrote 'Blocked', Jira now has 'In Review'"),
            std::string::npos)
      << shown.out;
  auto forced = run({"-m", file, "-e", "PROJ-1", "--force"});
  EXPECT_NE(forced.out.find("In Review → Blocked"), std::string::npos) << forced.out;
  auto back = sync(file, {"--force"});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(status_of(key_of("Waiting on legal")), "Blocked");

  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(status_of(key_of("Waiting on legal")), "In Review") << "as before that sync";
}

TEST_F(CliTeamWorkflowTest, AStatusTheWorkflowLacksStopsThePlanBeforeAnyWrite) {
  const std::string file =
      write("typo.md",
            "# Team epic\n\n### US-1: Waiting on legal\n**Status**: Blokced\n\n"
            "### US-2: Fine\n**Status**: Done\n");
  sim().clear_log();
  auto r = sync(file);
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("status 'Blokced' is not a status of this project's workflow"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("To Do, In Progress, Blocked, In Review, In QA, Done"), std::string::npos)
      << all;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(issue_count(), 1u) << "only the epic";
}

TEST_F(CliFileTruthTest, ALinkToAStoryOfTheFileLinksItsIssueEvenWhenBothAreNew) {
  const std::string file = write("links.md",
                                 "# Search\n\n### SRCH-1: Build the index\nIndex it.\n\n"
                                 "### SRCH-2: Query the index\nQuery it.\n\n#### Links\n"
                                 "- blocks SRCH-3\n- is blocked by SRCH-1\n\n"
                                 "### SRCH-3: Rank results\nRank them.\n");
  auto plan = dry_run(file);
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("SRCH-3 (created by this run)"), std::string::npos) << plan.out;

  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string index = key_of("Build the index"), query = key_of("Query the index"),
                    rank = key_of("Rank results");
  std::set<std::string> seen;
  const json links = sim().get("/rest/api/3/issue/" + query + "?fields=issuelinks").body;
  for (const auto& l : links["fields"]["issuelinks"]) {
    if (l.contains("outwardIssue"))
      seen.insert("out " + l["outwardIssue"]["key"].get<std::string>());
    if (l.contains("inwardIssue")) seen.insert("in " + l["inwardIssue"]["key"].get<std::string>());
  }
  EXPECT_TRUE(seen.count("out " + rank)) << "blocks SRCH-3";
  EXPECT_TRUE(seen.count("in " + index)) << "is blocked by SRCH-1";

  sim().clear_log();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << again.out;

  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(issue_count(), 1u) << "only the epic is left";
}

TEST_F(CliFileTruthTest, APinnedSubtaskRenamedIsUpdatedNotDuplicated) {
  const std::string original =
      "# Checkout\n\n### US-1: Guest checkout\nPay as a guest.\n\n#### Subtasks\n"
      "| # | Task | SP |\n|---|---|---|\n| 1 | Guest form | 2 |\n| 2 | Payment step | 3 |\n\n"
      "### US-2: Receipts\nMail them.\n\n#### Subtasks\n- [ ] Template (1 SP) - the mail\n"
      "- [x] Sender\n";
  const std::string file = write("pins.md", original);
  auto first = sync(file, {"--update-source"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string form = key_of("Guest form"), payment = key_of("Payment step"),
                    templ = key_of("Template"), sender = key_of("Sender");
  const std::string pinned = read(file);
  EXPECT_NE(pinned.find("| # | Task | SP | Key |"), std::string::npos) << pinned;
  EXPECT_NE(pinned.find("| 1 | Guest form | 2 | " + form + " |"), std::string::npos) << pinned;
  EXPECT_NE(pinned.find("- [ ] Template (1 SP) (" + templ + ") - the mail"), std::string::npos)
      << pinned;
  EXPECT_NE(pinned.find("- [x] Sender (" + sender + ")"), std::string::npos) << pinned;

  // The pinned file is in step: nothing to do.
  sim().clear_log();
  auto same = sync(file);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_EQ(writes(), 0) << same.out;

  // Renamed in the file: the same issues get the new names, and no issue is added.
  std::string renamed = pinned;
  renamed.replace(renamed.find("Guest form"), 10, "Guest details form");
  renamed.replace(renamed.find("Template (1 SP)"), 8, "Mail template");
  write("pins.md", renamed);
  const size_t before = issue_count();
  auto second = sync(file);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(issue_count(), before);
  EXPECT_EQ(issue(form)["fields"]["summary"], "Guest details form");
  EXPECT_EQ(issue(templ)["fields"]["summary"], "Mail template");
  EXPECT_EQ(issue(payment)["fields"]["summary"], "Payment step");
  sim().clear_log();
  auto settled = sync(file);
  EXPECT_EQ(settled.exit_code, 0) << settled.out << settled.err;
  EXPECT_EQ(writes(), 0) << settled.out;

  // The rename is undone like any field.
  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(issue(form)["fields"]["summary"], "Guest form");
  EXPECT_EQ(issue(templ)["fields"]["summary"], "Template");
}

// The epic is an issue too: its title, description, status, priority and labels are written
// when the file states them, and a rollback puts them back.
TEST_F(CliFileTruthTest, TheEpicsOwnFieldsAreSyncedAndRolledBack) {
  const json before = issue("PROJ-1")["fields"];
  const std::string file =
      write("epic.md",
            "# 🛒 Checkout revamp\n\nGuests pay in under a minute.\n\n## Epic Summary\n\n"
            "| Field | Value |\n|---|---|\n| Status | In Progress |\n| Priority | High |\n"
            "| Labels | checkout, q3 |\n\n### US-1: Guest checkout\nPay as a guest.\n");
  // A run limited to one story leaves the epic alone.
  auto one = run({"-m", file, "-e", "PROJ-1", "--story", "US-1"});
  EXPECT_EQ(one.out.find("PROJ-1  Demo epic"), std::string::npos) << one.out;

  auto plan = dry_run(file);
  EXPECT_NE(plan.out.find("Summary: Demo epic → Checkout revamp"), std::string::npos) << plan.out;
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json now = issue("PROJ-1")["fields"];
  EXPECT_EQ(now["summary"], "Checkout revamp");
  EXPECT_EQ(now["status"]["name"], "In Progress");
  EXPECT_EQ(now["priority"]["name"], "High");
  EXPECT_EQ(now["labels"], json::array({"checkout", "q3"}));
  EXPECT_NE(now["description"].dump().find("Guests pay in under a minute."), std::string::npos)
      << now["description"].dump();

  sim().clear_log();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << again.out;

  auto undo = rollback();
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  const json after = issue("PROJ-1")["fields"];
  for (const char* field : {"summary", "description", "labels"}) {
    EXPECT_EQ(after[field], before[field]) << field;
  }
  EXPECT_EQ(after["status"]["name"], before["status"]["name"]);
  EXPECT_EQ(after["priority"]["name"], before["priority"]["name"]);
}

// Removed from the file: listed in every plan, left alone; --prune closes (or, configured,
// deletes) them in a journalled run that --rollback undoes. An issue made by hand under the epic
// is never touched.
class CliPruneTest : public CliFileTruthTest {
 protected:
  const std::string full =
      "# Checkout\n\n### US-1: Guest checkout\nPay as a guest.\n\n#### Subtasks\n"
      "| Task | Status |\n|---|---|\n| Guest form | In Progress |\n| Old step | |\n\n"
      "### US-2: Saved carts\nKeep the cart.\n\n#### Subtasks\n- [ ] Cart table\n";
  const std::string trimmed =
      "# Checkout\n\n### US-1: Guest checkout\nPay as a guest.\n\n#### Subtasks\n"
      "| Task | Status |\n|---|---|\n| Guest form | In Progress |\n";
  std::string category_of(const std::string& key) {
    return issue(key)["fields"]["status"]["statusCategory"]["key"].get<std::string>();
  }
};

TEST_F(CliPruneTest, RemovedIssuesAreListedThenClosedByPruneAndRolledBack) {
  const std::string file = write("epic.md", full);
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string story = key_of("Saved carts"), cart = key_of("Cart table"),
                    old = key_of("Old step");
  const std::string hand = sim().create_issue("Story", "Made by hand", "PROJ-1");
  write("epic.md", trimmed);

  // Listed, in text and JSON, and nothing is written without --prune.
  auto shown = dry_run(file);
  EXPECT_EQ(shown.exit_code, 0) << shown.out << shown.err;
  EXPECT_NE(shown.out.find("In Jira, not in the file (3)"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(story + "  Saved carts  (story US-2, To Do)"), std::string::npos)
      << shown.out;
  EXPECT_EQ(shown.out.find("Made by hand"), std::string::npos) << "never managed: not listed";
  auto as_json = run({"-m", file, "-e", "PROJ-1", "-o", "json"});
  const json doc = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << as_json.out;
  EXPECT_EQ(doc["plan"]["orphans"].size(), 3u) << doc["plan"].dump(2);
  sim().clear_log();
  auto untouched = sync(file);
  EXPECT_EQ(untouched.exit_code, 0) << untouched.out << untouched.err;
  EXPECT_NE(untouched.out.find("In Jira, not in the file"), std::string::npos) << untouched.out;
  EXPECT_EQ(writes(), 0);

  // --prune closes the three; a second run has nothing left to do.
  auto pruned = sync(file, {"--prune"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.out << pruned.err;
  for (const auto& key : {story, cart, old}) EXPECT_EQ(category_of(key), "done") << key;
  EXPECT_EQ(category_of(hand), "new") << "an issue epicsync never managed is never pruned";
  sim().clear_log();
  auto again = sync(file, {"--prune"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << again.out;
  EXPECT_NE(again.out.find("(closed already)"), std::string::npos) << again.out;

  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  for (const auto& key : {story, cart, old}) EXPECT_EQ(status_of(key), "To Do") << key;
}

TEST_F(CliPruneTest, ConfiguredToDeleteThePruneDeletesAndRollbackBringsThemBack) {
  write(".epicsync.yaml", "jira:\n  prune: delete\n");
  const std::string file = write("epic.md", full);
  ASSERT_EQ(sync(file).exit_code, 0);
  const size_t before = issue_count();
  write("epic.md", trimmed);
  auto pruned = sync(file, {"--prune"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.out << pruned.err;
  EXPECT_EQ(issue_count(), before - 3) << "the story, its sub-task and the removed sub-task";

  auto undo = rollback();
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(issue_count(), before);
  for (const char* summary : {"Saved carts", "Cart table", "Old step"}) key_of(summary);

  // And --prune is refused where it would mean nothing.
  EXPECT_EQ(run({"-m", file, "-e", "PROJ-1", "--prune", "--phase", "fields"}).exit_code, 2);
  EXPECT_EQ(run({"--rollback", "-e", "PROJ-1", "--prune"}).exit_code, 2);
  write(".epicsync.yaml", "jira:\n  prune: destroy\n");
  auto bad = dry_run(file);
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("jira.prune must be close or delete"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace epicsync::testing

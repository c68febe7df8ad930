// Saved plans (issue 15, item 1): a dry run saves its plan (--plan-out), a later run applies
// exactly that plan (--apply), and a plan the tracker has moved away from is refused with exit 11
// before anything is written. Each test runs the real binary against jira-sim.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

const char* kEpic =
    "# Checkout\n\n"
    "### US-1: Guest checkout\n**Story Points**: 3\n**Status**: In Progress\n\nPay as a guest.\n\n"
    "### US-2: Saved cards\n**Priority**: High\n\nKeep cards.\n";

class CliSavedPlanTest : public CliSimTest {
 protected:
  CliSavedPlanTest() { no_color_ = true; }
  ProcessResult plan_out(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1", "--plan-out", dir_ + "/plan.json"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  ProcessResult apply(std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--apply", dir_ + "/plan.json", "--no-confirm"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  json issue(const std::string& key) { return sim().get("/rest/api/3/issue/" + key).body; }
};

TEST_F(CliSavedPlanTest, APlanSavedByADryRunIsAppliedExactlyWithABackup) {
  const std::string file = write("epic.md", kEpic);
  sim().clear_log();
  auto saved = plan_out(file);
  ASSERT_EQ(saved.exit_code, 0) << saved.out << saved.err;
  EXPECT_NE(saved.out.find("The plan is saved in " + dir_ + "/plan.json"), std::string::npos)
      << saved.out;
  EXPECT_EQ(writes(), 0) << "a dry run";
  const std::string text = read(dir_ + "/plan.json");
  const json doc = json::parse(text);
  EXPECT_EQ(doc["format"], "epicsync-plan");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["epic"], "PROJ-1");
  EXPECT_EQ(doc["source"]["markdown"], kEpic);
  EXPECT_FALSE(doc["plan"]["operations"].empty());
  // No secret: the credentials the run used appear nowhere.
  EXPECT_EQ(text.find("sim-token"), std::string::npos);
  EXPECT_EQ(text.find("sim@example.com"), std::string::npos);

  // The file may change after the review: the plan applies what was reviewed.
  write("epic.md", "# Checkout\n\n### US-9: Something else\n");
  auto applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  const std::string one = key_of("Guest checkout");
  EXPECT_EQ(issue(one)["fields"]["status"]["name"], "In Progress");
  EXPECT_EQ(issue(key_of("Saved cards"))["fields"]["priority"]["name"], "High");
  auto listed = json::parse(run({"--list-backups", "--epic", "PROJ-1", "-o", "json"}).out);
  EXPECT_EQ(listed["backups"].size(), 1u) << "the apply took its pre-sync backup";

  // Applying it again: the plan is what the tracker now holds, so it is stale.
  sim().clear_log();
  auto twice = apply();
  EXPECT_EQ(twice.exit_code, 11) << twice.out << twice.err;
  EXPECT_EQ(writes(), 0);
  EXPECT_NE(twice.err.find("no longer: create_story US-1 'Guest checkout'"), std::string::npos)
      << twice.err;
}

TEST_F(CliSavedPlanTest, AnIssueSomeoneChangedAfterThePlanMakesItStaleAndNothingIsWritten) {
  const std::string file = write("epic.md", kEpic);
  auto first = run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string one = key_of("Guest checkout");
  std::string changed = kEpic;
  changed.replace(changed.find("**Story Points**: 3"), 19, "**Story Points**: 5");
  write("epic.md", changed);
  ASSERT_EQ(plan_out(file).exit_code, 0);

  ASSERT_EQ(sim().edit_as_other(one, {{"status", "In Review"}}).status, 200);
  sim().clear_log();
  auto stale = apply({"-o", "json"});
  EXPECT_EQ(stale.exit_code, 11) << stale.out << stale.err;
  EXPECT_EQ(writes(), 0) << "no backup lease, no write";
  const json doc = json::parse(stale.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << stale.out;
  EXPECT_EQ(doc["error"]["kind"], "stale_plan");
  const std::string message = doc["error"]["message"].get<std::string>();
  EXPECT_NE(message.find(one + " 'Guest checkout' was changed since the plan was made: Status: "
                               "In Progress → In Review"),
            std::string::npos)
      << message;
  EXPECT_NE(issue(one)["fields"]["status"]["name"], "In Progress") << "left as the other set it";

  // Made again, the plan applies; the other user's status is a conflict (three-way), left
  // alone, and said with exit 10.
  auto again = plan_out(file);
  ASSERT_EQ(again.exit_code, 10) << again.out << again.err;
  EXPECT_NE(again.out.find("Status: epicsync wrote 'In Progress', Jira now has 'In Review'"),
            std::string::npos)
      << again.out;
  auto applied = apply();
  EXPECT_EQ(applied.exit_code, 10) << applied.out << applied.err;
  EXPECT_EQ(issue(one)["fields"]["status"]["name"], "In Review") << "someone's edit is kept";
  EXPECT_NE(applied.out.find("updated 1 issue"), std::string::npos) << applied.out;
}

TEST_F(CliSavedPlanTest, IssuesThatAppearedSinceThePlanAreACollisionNotACopy) {
  const std::string file = write("epic.md", kEpic);
  ASSERT_EQ(plan_out(file).exit_code, 0);
  // Another runner syncs the same file between the plan and its apply.
  ASSERT_EQ(run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"}).exit_code, 0);
  const size_t issues = sim().state()["issues"].size();
  sim().clear_log();
  auto stale = apply();
  EXPECT_EQ(stale.exit_code, 11) << stale.out << stale.err;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(sim().state()["issues"].size(), issues) << "no second copy of the stories";
}

TEST_F(CliSavedPlanTest, AnEditedOrNewerPlanFileIsRefusedAndFlagsAreChecked) {
  const std::string file = write("epic.md", kEpic);
  ASSERT_EQ(plan_out(file).exit_code, 0);
  json doc = json::parse(read(dir_ + "/plan.json"));
  doc["source"]["markdown"] = "# Checkout\n\n### US-1: Something else\n";
  write("plan.json", doc.dump());
  auto edited = apply();
  EXPECT_EQ(edited.exit_code, 3) << edited.out << edited.err;
  EXPECT_NE(edited.err.find("does not match its checksum"), std::string::npos) << edited.err;

  doc = json::parse(read(dir_ + "/plan.json"));
  doc["version"] = 99;
  write("plan.json", doc.dump());
  auto newer = apply();
  EXPECT_EQ(newer.exit_code, 3) << newer.err;
  EXPECT_NE(newer.err.find("made by a newer epicsync (plan format 99"), std::string::npos)
      << newer.err;

  EXPECT_EQ(run({"--apply", dir_ + "/plan.json", "-m", file}).exit_code, 2);
  EXPECT_EQ(run({"--apply", dir_ + "/plan.json", "--story", "US-1"}).exit_code, 2);
  EXPECT_EQ(run({"-m", file, "-e", "PROJ-1", "--plan-out", "p.json", "--execute"}).exit_code, 2);
  EXPECT_EQ(run({"--apply", dir_ + "/missing.json", "--no-confirm"}).exit_code, 3);
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "only the epic: nothing was applied";
}

TEST_F(CliSavedPlanTest, AConfigurationThatMapsTheFileDifferentlyMakesThePlanStale) {
  const std::string file = write("epic.md", kEpic);
  write(".epicsync.yaml", "jira:\n  status_map:\n    in_progress: In Progress\n");
  ASSERT_EQ(plan_out(file).exit_code, 0);
  // The same plan text would now move US-1 to another status: refused, nothing written.
  write(".epicsync.yaml", "jira:\n  status_map:\n    in_progress: In Review\n");
  sim().clear_log();
  auto stale = apply();
  EXPECT_EQ(stale.exit_code, 11) << stale.out << stale.err;
  EXPECT_NE(stale.err.find("jira.status_map maps the statuses differently now"), std::string::npos)
      << stale.err;
  EXPECT_EQ(writes(), 0);
}

TEST_F(CliSavedPlanTest, AProblemThatAppearsAfterThePlanIsAStalePlanNotABadFile) {
  const std::string file = write("epic.md", kEpic);
  ASSERT_EQ(plan_out(file).exit_code, 0);
  // Two issues titled like US-1 appear by hand: the plan cannot be made any more.
  sim().create_issue("Story", "Guest checkout", "PROJ-1");
  sim().create_issue("Story", "Guest checkout", "PROJ-1");
  sim().clear_log();
  auto stale = apply({"-o", "json"});
  EXPECT_EQ(stale.exit_code, 11) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("the plan made now has a problem: several issues are titled like story "
                           "US-1"),
            std::string::npos)
      << stale.out;
  EXPECT_EQ(writes(), 0);

  // A plan with problems is not saved, and an older plan at that path is removed.
  auto refused = plan_out(file);
  EXPECT_EQ(refused.exit_code, 6) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("the older plan there was removed"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/plan.json"));
  EXPECT_EQ(run({"--rollback", "-e", "PROJ-1", "--apply", dir_ + "/plan.json"}).exit_code, 2);
}

}  // namespace
}  // namespace epicsync::testing

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json adf_paragraph(const std::string& text) {
  return {
      {"type", "doc"},
      {"version", 1},
      {"content", json::array({{{"type", "paragraph"},
                                {"content", json::array({{{"type", "text"}, {"text", text}}})}}})}};
}

// --diff-latest / --diff-backup run as a user would: the real binary against jira-sim, backups
// in a temporary directory, no configuration of the machine leaking in.
class CliDiffTest : public CliSimTest {
 protected:
  // Syncs the checkout epic, then takes a manual backup of the result: the state the changes
  // below are measured from. Returns the manual backup's id.
  std::string sync_and_back_up() {
    auto synced = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
    EXPECT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    auto taken = run({"--backup", "baseline", "--epic", "PROJ-1", "-o", "json"});
    EXPECT_EQ(taken.exit_code, 0) << taken.out << taken.err;
    return json::parse(taken.out)["backup"]["id"].get<std::string>();
  }

  int requests() { return static_cast<int>(sim().request_log().size()); }
};

TEST_F(CliDiffTest, WithoutABackupExits7WithAHintAndAsksTheTrackerNothing) {
  auto r = run({"--diff-latest", "--epic", "PROJ-1", "--no-color"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("epicsync: epic PROJ-1 has no backup"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: a backup is taken before every --execute"), std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  auto j = run({"--diff-latest", "--epic", "PROJ-1", "-o", "json"});
  EXPECT_EQ(j.exit_code, 7);
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["error"]["code"], 7);
  EXPECT_EQ(doc["error"]["kind"], "not_found");

  auto by_id = run({"--diff-backup", "backup_20240101_000000", "--epic", "PROJ-1"});
  EXPECT_EQ(by_id.exit_code, 7);
  EXPECT_NE(by_id.err.find("no backup backup_20240101_000000 for epic PROJ-1"), std::string::npos)
      << by_id.err;
  EXPECT_EQ(run({"--diff-backup", "not-an-id", "--epic", "PROJ-1"}).exit_code, 2);
  EXPECT_EQ(requests(), 0) << "no backup, no reason to read the tracker";
}

TEST_F(CliDiffTest, NothingChangedSinceTheBackupSaysSoAndExits0) {
  const std::string id = sync_and_back_up();
  auto r = run({"--diff-latest", "--epic", "PROJ-1", "--no-color"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("PROJ-1 now, compared with backup " + id + " (manual 'baseline', taken "),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\n\nNo differences in PROJ-1.\n"), std::string::npos) << r.out;

  auto j = run({"--diff-latest", "--epic", "PROJ-1", "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["mode"], "diff");
  EXPECT_EQ(doc["identical"], true);
  EXPECT_TRUE(doc["issues"].empty());
  EXPECT_EQ(doc["backup"]["id"], id);
  EXPECT_EQ(doc["backup"]["trigger"], "manual");
  EXPECT_EQ(doc["totals"]["issues_changed"], 0);

  auto quiet = run({"--diff-latest", "--epic", "PROJ-1", "-q"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "No differences in PROJ-1.\n");
}

TEST_F(CliDiffTest, AKnownSetOfChangesIsShownIssueByIssue) {
  const std::string id = sync_and_back_up();
  const std::string guest = key_of("Guest checkout");
  const std::string address = key_of("Address autocomplete");
  const std::string fraud = key_of("Fraud screening before capture");
  const std::string form = key_of("Guest form");
  const std::string email = key_of("Confirmation email");
  std::string epic_summary;
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    if (i["key"] == "PROJ-1") epic_summary = i["summary"].get<std::string>();
  }

  // What other people did since the backup.
  auto ok = [](const SimResponse& r) { return r.status >= 200 && r.status < 300; };
  ASSERT_TRUE(ok(sim().edit_as_other("PROJ-1", {{"fields", {{"summary", "Checkout 2.0"}}}})));
  ASSERT_TRUE(ok(sim().edit_as_other(guest, {{"fields",
                                              {{"customfield_10016", 8},
                                               {"priority", {{"name", "Low"}}},
                                               {"labels", json::array({"payments"})}}}})));
  ASSERT_TRUE(ok(sim().edit_as_other(address, {{"status", "In Progress"}})));
  ASSERT_TRUE(ok(sim().edit_as_other(fraud, {{"comment", "Reopened for the audit."}})));
  ASSERT_TRUE(
      ok(sim().edit_as_other(form, {{"fields", {{"description", adf_paragraph("Email only.")}}}})));
  const std::string login = sim().create_issue("Sub-task", "Create login form", guest);
  ASSERT_EQ(sim().del("/rest/api/3/issue/" + email).status, 204);
  const std::string cards = sim().create_issue("Story", "Saved cards", "PROJ-1");

  const std::string expected_body =
      "PROJ-1  Checkout 2.0 (epic)\n"
      "  Summary: " +
      epic_summary + " → Checkout 2.0\n" + guest +
      "  Guest checkout\n"
      "  Story Points: 5 → 8\n"
      "  Priority: Highest → Low\n"
      "  Labels: - → payments\n"
      "  + " +
      login +
      ": Create login form (NEW)\n"
      "  - " +
      email + ": Confirmation email (GONE)\n" + form + "  Guest form (sub-task of " + guest +
      ")\n"
      "  Description:\n"
      "    @@ -1,1 +1,1 @@\n"
      "    -Email and address form with inline validation\n"
      "    +Email only.\n" +
      address +
      "  Address autocomplete\n"
      "  Status: To Do → In Progress\n" +
      fraud +
      "  Fraud screening before capture\n"
      "  Comments: 1 added\n"
      "+ " +
      cards +
      ": Saved cards (NEW)\n"
      "\n"
      "Issues changed: 5, Stories added: 1, Subtasks added: 1, Subtasks gone: 1, "
      "Status transitions: 1, Comments added: 1\n";

  auto latest = run({"--diff-latest", "--epic", "PROJ-1", "--no-color"});
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  const size_t body = latest.out.find("\n\n");
  ASSERT_NE(body, std::string::npos) << latest.out;
  EXPECT_EQ(latest.out.substr(0, latest.out.find(" (")), "PROJ-1 now, compared with backup " + id);
  EXPECT_EQ(latest.out.substr(body + 2), expected_body);

  // The same backup named by its id gives the same answer.
  auto by_id = run({"--diff-backup", id, "--epic", "PROJ-1", "--no-color"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_EQ(by_id.out, latest.out);

  auto quiet = run({"--diff-backup", id, "--epic", "PROJ-1", "-q"});
  EXPECT_EQ(quiet.out,
            "Issues changed: 5, Stories added: 1, Subtasks added: 1, Subtasks gone: 1, "
            "Status transitions: 1, Comments added: 1\n");

  auto j = run({"--diff-latest", "--epic", "PROJ-1", "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["mode"], "diff");
  EXPECT_EQ(doc["epic"], "PROJ-1");
  EXPECT_EQ(doc["backup"]["id"], id);
  EXPECT_EQ(doc["backup"]["trigger"], "manual");
  EXPECT_EQ(doc["backup"]["name"], "baseline");
  EXPECT_EQ(doc["identical"], false);
  std::map<std::string, json> by_key;
  for (const auto& i : doc["issues"]) by_key[i["key"].get<std::string>()] = i;
  ASSERT_EQ(by_key.size(), 6u) << doc.dump(2);
  EXPECT_EQ(by_key["PROJ-1"]["kind"], "epic");
  EXPECT_EQ(by_key["PROJ-1"]["changes"][0],
            (json{{"field", "summary"}, {"from", epic_summary}, {"to", "Checkout 2.0"}}));
  const json& g = by_key[guest];
  EXPECT_EQ(g["change"], "changed");
  EXPECT_EQ(g["changes"],
            (json::array({{{"field", "points"}, {"from", "5"}, {"to", "8"}},
                          {{"field", "priority"}, {"from", "Highest"}, {"to", "Low"}},
                          {{"field", "labels"}, {"from", nullptr}, {"to", "payments"}}})));
  EXPECT_EQ(g["subtasks"]["added"],
            (json::array({{{"key", login}, {"summary", "Create login form"}}})));
  EXPECT_EQ(g["subtasks"]["gone"],
            (json::array({{{"key", email}, {"summary", "Confirmation email"}}})));
  EXPECT_EQ(g["status"], nullptr);
  EXPECT_EQ(by_key[form]["kind"], "subtask");
  EXPECT_EQ(by_key[form]["parent"], guest);
  EXPECT_EQ(by_key[form]["changes"],
            (json::array({{{"field", "description"},
                           {"diff",
                            "@@ -1,1 +1,1 @@\n-Email and address form with inline "
                            "validation\n+Email only.\n"}}})));
  EXPECT_EQ(by_key[address]["status"], (json{{"from", "To Do"}, {"to", "In Progress"}}));
  EXPECT_EQ(by_key[fraud]["comments"], (json{{"added", 1}, {"removed", 0}, {"edited", 0}}));
  EXPECT_EQ(by_key[cards]["change"], "added");
  EXPECT_EQ(by_key[cards]["parent"], "PROJ-1");
  EXPECT_EQ(doc["totals"], (json{{"issues_changed", 5},
                                 {"stories_added", 1},
                                 {"stories_gone", 0},
                                 {"subtasks_added", 1},
                                 {"subtasks_gone", 1},
                                 {"status_transitions", 1},
                                 {"comments_added", 1},
                                 {"comments_removed", 0},
                                 {"comments_edited", 0}}));
}

TEST_F(CliDiffTest, AgainstThePreSyncBackupEveryStoryTheSyncMadeIsNew) {
  auto synced = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  auto listed = json::parse(run({"--list-backups", "--epic", "PROJ-1", "-o", "json"}).out);
  ASSERT_EQ(listed["backups"].size(), 1u);
  EXPECT_EQ(listed["backups"][0]["trigger"], "pre-sync");
  const std::string id = listed["backups"][0]["id"].get<std::string>();

  auto r = run({"--diff-backup", id, "--epic", "PROJ-1", "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compared with backup " + id + " (pre-sync, taken "), std::string::npos)
      << r.out;
  const std::string guest = key_of("Guest checkout");
  EXPECT_NE(r.out.find("\n+ " + guest + ": Guest checkout (NEW)\n  + " + key_of("Guest form") +
                       ": Guest form (NEW)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Stories added: 3, Subtasks added: 8,"), std::string::npos) << r.out;

  auto doc = json::parse(run({"--diff-backup", id, "--epic", "PROJ-1", "-o", "json"}).out);
  EXPECT_EQ(doc["backup"]["trigger"], "pre-sync");
  EXPECT_EQ(doc["totals"]["stories_added"], 3);
  EXPECT_EQ(doc["totals"]["subtasks_added"], 8);
}

// Data Center keeps descriptions as wiki markup: they are compared and shown as rendered text.
class CliDiffDataCenterTest : public CliDiffTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

TEST_F(CliDiffDataCenterTest, WikiDescriptionsAreComparedAsText) {
  const std::string id = sync_and_back_up();
  auto same = run({"--diff-backup", id, "--epic", "PROJ-1", "-q"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out, "No differences in PROJ-1.\n");

  const std::string widget = key_of("Autocomplete widget");
  ASSERT_EQ(
      sim().edit_as_other(widget, {{"fields", {{"description", "A *native* select."}}}}).status,
      200);
  auto r = run({"--diff-latest", "--epic", "PROJ-1", "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n\n" + widget + "  Autocomplete widget (sub-task of " +
                       key_of("Address autocomplete") +
                       ")\n"
                       "  Description:\n"
                       "    @@ -1,1 +1,1 @@\n"
                       "    -Accessible combobox with keyboard support\n"
                       "    +A **native** select.\n\n"
                       "Issues changed: 1, Subtasks added: 0, Status transitions: 0\n"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace epicsync::testing

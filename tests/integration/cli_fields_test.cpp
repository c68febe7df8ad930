// More fields through the field table (issue 13, item 9): components, fix versions, due date and
// custom fields named in jira.fields (select, multi select, date, number, text, user), written
// from the file, checked against what the tracker allows before anything is written, backed up,
// and undone by --rollback field by field. Each test runs the real binary against jira-sim.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

// jira-sim's catalogue: its custom fields, by the names this configuration gives them.
const char* kConfig =
    "jira:\n"
    "  fields:\n"
    "    Team: customfield_10040\n"
    "    Platforms: Platforms\n"  // by the field's name in Jira
    "    Target start: customfield_10042\n"
    "    Budget: customfield_10043\n"
    "    Release notes: customfield_10044\n"
    "    Reviewer: customfield_10045\n";

const char* kCustom[] = {"customfield_10040", "customfield_10041", "customfield_10042",
                         "customfield_10043", "customfield_10044", "customfield_10045"};

class CliFieldsTest : public CliSimTest {
 protected:
  CliFieldsTest() { no_color_ = true; }
  void SetUp() override {
    CliSimTest::SetUp();
    write(".epicsync.yaml", kConfig);
  }
  ProcessResult sync(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  std::string api() { return sim().datacenter() ? "/rest/api/2/" : "/rest/api/3/"; }
  json issue(const std::string& key) { return sim().get(api() + "issue/" + key).body; }

  // Every managed field of an issue as plain values, for comparing whole states.
  json view(const std::string& key) {
    const json i = issue(key);
    const json& f = i["fields"];
    auto names = [](const json& list, const char* member) {
      std::set<std::string> out;
      if (list.is_array()) {
        for (const auto& x : list) out.insert(x.value(member, ""));
      }
      return json(out);
    };
    json v = {{"summary", f.value("summary", "")},
              {"labels", f.value("labels", json::array())},
              {"priority", f.contains("priority") && f["priority"].is_object()
                               ? f["priority"].value("name", "")
                               : ""},
              {"components", names(f.value("components", json()), "name")},
              {"fixVersions", names(f.value("fixVersions", json()), "name")},
              {"duedate", f.value("duedate", json())},
              {"status", f["status"].value("name", "")}};
    for (const char* c : kCustom) {
      const json& x = f.contains(c) ? f[c] : json();
      if (x.is_array()) {
        v[c] = names(x, "value");
      } else if (x.is_object()) {
        v[c] = x.contains("value") ? x["value"]
                                   : (x.contains("accountId") ? x["accountId"] : x["name"]);
      } else {
        v[c] = x;
      }
    }
    return v;
  }
  json views() {
    json out = json::object();
    const json state = sim().state();
    for (const auto& i : state["issues"]) {
      const std::string key = i["key"].get<std::string>();
      out[key] = view(key);
    }
    return out;
  }
};

class CliFieldsDataCenterTest : public CliFieldsTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

std::string epic_with_fields() {
  return "# Checkout\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
         "| Components | Backend |\n| Due Date | 2026-06-30 |\n| Team | Platform |\n\n"
         "### US-1: Guest checkout\n"
         "| Field | Value |\n|---|---|\n"
         "| Components | API, backend |\n| Fix Versions | 1.1, 2.0 |\n| Due Date | 2026-03-31 |\n"
         "| Team | search |\n| Platforms | iOS, Web |\n| Target start | 2026-02-01 |\n"
         "| Budget | 2500.5 |\n| Release notes | Guests can pay |\n| Reviewer | Other User |\n\n"
         "Pay as a guest.\n\n"
         "### US-2: Saved cards\n**Components**: Frontend\n**Platforms**: Android\n\n"
         "Keep cards.\n";
}

TEST_F(CliFieldsTest, EveryKindOfFieldIsWrittenAndAReSyncWritesNothing) {
  const std::string file = write("epic.md", epic_with_fields());
  auto validate = run({"--validate", "-m", file, "--strict"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;

  auto plan = run({"-m", file, "-e", "PROJ-1"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("Components: - → Backend"), std::string::npos) << plan.out;
  // A new story shows the fields it starts with, in the table's spelling.
  EXPECT_NE(plan.out.find("Team: Search"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("Fix Versions: 1.1, 2.0"), std::string::npos) << plan.out;

  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json one = view(key_of("Guest checkout"));
  EXPECT_EQ(one["components"], json::parse(R"(["API","Backend"])"));
  EXPECT_EQ(one["fixVersions"], json::parse(R"(["1.1","2.0"])"));
  EXPECT_EQ(one["duedate"], "2026-03-31");
  EXPECT_EQ(one["customfield_10040"], "Search") << "the option's own spelling";
  EXPECT_EQ(one["customfield_10041"], json::parse(R"(["Web","iOS"])"));
  EXPECT_EQ(one["customfield_10042"], "2026-02-01");
  EXPECT_EQ(one["customfield_10043"], 2500.5);
  EXPECT_EQ(one["customfield_10044"], "Guests can pay");
  EXPECT_EQ(one["customfield_10045"], "557058:0f3c1a2b-sim-0002") << "Other User's account";
  const json two = view(key_of("Saved cards"));
  EXPECT_EQ(two["components"], json::parse(R"(["Frontend"])"));
  EXPECT_EQ(two["customfield_10041"], json::parse(R"(["Android"])"));
  EXPECT_TRUE(two["duedate"].is_null()) << "not written, so left alone";
  const json epic = view("PROJ-1");
  EXPECT_EQ(epic["components"], json::parse(R"(["Backend"])"));
  EXPECT_EQ(epic["duedate"], "2026-06-30");
  EXPECT_EQ(epic["customfield_10040"], "Platform");

  sim().clear_log();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0);

  // Someone changes a field in Jira: a conflict (three-way), which --force settles for the
  // file; and "-" clears.
  ASSERT_EQ(sim()
                .edit_as_other(key_of("Saved cards"),
                               {{"fields", {{"components", json::parse(R"([{"name":"API"}])")}}}})
                .status,
            200);
  std::string text = epic_with_fields();
  text.replace(text.find("| Budget | 2500.5 |"), 19, "| Budget | - |");
  write("epic.md", text);
  auto shown = run({"-m", file, "-e", "PROJ-1"});
  EXPECT_EQ(shown.exit_code, 10) << shown.out << shown.err;
  EXPECT_NE(shown.out.find("Components: epicsync wrote 'Frontend', Jira now has 'API', the file "
                           "says 'Frontend'"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("Budget: 2500.5 → -"), std::string::npos) << shown.out;
  auto forced = run({"-m", file, "-e", "PROJ-1", "--force"});
  EXPECT_NE(forced.out.find("Components: API → Frontend"), std::string::npos) << forced.out;
  auto back = sync(file, {"--force"});
  ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(view(key_of("Saved cards"))["components"], json::parse(R"(["Frontend"])"));
  EXPECT_TRUE(view(key_of("Guest checkout"))["customfield_10043"].is_null());
}

TEST_F(CliFieldsTest, AValueTheTrackerWouldRefuseStopsThePlanBeforeAnyWrite) {
  const std::string file =
      write("bad.md",
            "# Checkout\n\n### US-1: Guest checkout\n| Field | Value |\n|---|---|\n"
            "| Components | API, Mobile app |\n| Team | Payroll |\n| Budget | lots |\n\n"
            "### US-2: Fine\n**Fix Version**: 9.9\n");
  sim().clear_log();
  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const json doc = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out;
  const std::string all = doc.dump();
  EXPECT_NE(all.find("story US-1 (line 6): Components: 'Mobile app' is not allowed (allowed: "
                     "Backend, Frontend, API, Search)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("Team: 'Payroll' is not allowed (allowed: Platform, Search, Mobile, "
                     "Payments)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("Budget: 'lots' is not a number"), std::string::npos) << all;
  EXPECT_NE(all.find("story US-2 (line 11): Fix Version: '9.9' is not allowed"), std::string::npos)
      << all;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "only the epic";
}

TEST_F(CliFieldsTest, AConfiguredFieldThisJiraLacksIsAUsageErrorAndValidateKnowsTheNames) {
  const std::string file = write("epic.md", epic_with_fields());
  write(".epicsync.yaml", std::string(kConfig) + "    Squad: customfield_99999\n");
  auto r = run({"-m", file, "-e", "PROJ-1"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("jira.fields: 'Squad' names field 'customfield_99999', which this Jira "
                       "does not have"),
            std::string::npos)
      << r.err;

  // A system field, a field under two names, and a name the file already uses are refused too:
  // each would make two rows fight over one field.
  for (const auto& [config, says] : std::vector<std::pair<std::string, std::string>>{
           {"jira:\n  fields:\n    Headline: summary\n", "'Headline' names summary"},
           {"jira:\n  fields:\n    Estimate2: customfield_10016\n", "already manages"},
           {"jira:\n  fields:\n    Team: customfield_10040\n    Squad: CUSTOMFIELD_10040\n",
            "'Team' and 'Squad' both name customfield_10040"},
           {"jira:\n  fields:\n    Owner: customfield_10040\n",
            "'Owner' is already a field of the file"}}) {
    write(".epicsync.yaml", config);
    auto refused = run({"-m", file, "-e", "PROJ-1"});
    EXPECT_EQ(refused.exit_code, 2) << config << refused.out << refused.err;
    EXPECT_NE(refused.err.find(says), std::string::npos) << config << refused.err;
  }

  // Without the mapping, Team is an unknown field: a warning that says how to sync it, and a
  // note in every plan.
  write(".epicsync.yaml", "jira:\n  project: PROJ\n");
  auto plain = run({"--validate", "-m", file});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("unknown field 'Team'"), std::string::npos) << plain.out;
  auto noted = run({"-m", file, "-e", "PROJ-1"});
  EXPECT_NE(noted.out.find("'Team' (US-1) is not a field epicsync knows"), std::string::npos)
      << noted.out << noted.err;
  auto bad_date = run({"--validate", "-m", write("date.md", "### US-1: T\n**Due**: 31.03.2026\n")});
  EXPECT_EQ(bad_date.exit_code, 6) << bad_date.out << bad_date.err;
  EXPECT_NE(bad_date.out.find("2:10"), std::string::npos) << bad_date.out;
}

// Done means: a sync then a rollback leaves every field of every issue as it was, checked field
// by field over a generated epic that uses all of them, including values someone else set.
TEST_F(CliFieldsTest, ARollbackPutsEveryFieldOfEveryIssueBackAsItWas) {
  const char* teams[] = {"Platform", "Search", "Mobile", "Payments"};
  const char* components[] = {"Backend", "Frontend", "API", "Search"};
  const char* versions[] = {"1.0", "1.1", "2.0"};
  const char* platforms[] = {"iOS", "Android", "Web", "Desktop"};
  auto generate = [&](int variant) {
    std::string md =
        "# Generated\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
        "| Components | " +
        std::string(components[variant % 4]) + " |\n| Due Date | 2026-0" +
        std::to_string(variant + 1) + "-15 |\n\n";
    for (int i = 0; i < 8; ++i) {
      const int v = i + variant;
      md += "### US-" + std::to_string(i + 1) + ": Story " + std::to_string(i + 1) + "\n";
      md += "| Field | Value |\n|---|---|\n";
      md += "| Components | " + std::string(components[v % 4]) + ", " + components[(v + 1) % 4] +
            " |\n";
      md += "| Fix Versions | " + std::string(versions[v % 3]) + " |\n";
      md += "| Due Date | " +
            (v % 5 == 4 ? std::string("-")
                        : "2026-1" + std::to_string(v % 3) + "-0" + std::to_string(1 + v % 9)) +
            " |\n";
      md += "| Team | " + std::string(teams[v % 4]) + " |\n";
      md += "| Platforms | " + std::string(platforms[v % 4]) + (v % 2 ? ", Web" : "") + " |\n";
      md += "| Target start | 2026-0" + std::to_string(1 + v % 9) + "-1" + std::to_string(v % 10) +
            " |\n";
      md += "| Budget | " + (v % 4 == 3 ? std::string("-") : std::to_string(100 * v + 50)) + " |\n";
      md += "| Release notes | " + (v % 3 == 2 ? std::string("-") : "note " + std::to_string(v)) +
            " |\n";
      md += "| Reviewer | " + std::string(v % 2 ? "Other User" : "-") + " |\n\n";
      md += "Story " + std::to_string(i + 1) + " body.\n\n";
    }
    return md;
  };
  const std::string file = write("gen.md", generate(0));
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // Someone else sets fields the file also writes, before the sync that will be undone.
  ASSERT_EQ(
      sim()
          .edit_as_other(key_of("Story 3"),
                         {{"fields",
                           {{"fixVersions", json::parse(R"([{"name":"1.0"},{"name":"2.0"}])")},
                            {"customfield_10040", {{"value", "Payments"}}},
                            {"duedate", "2027-01-01"}}}})
          .status,
      200);
  const json before = views();

  write("gen.md", generate(1));
  // Forced: the fields someone else set are written over (the rollback puts them back).
  auto second = sync(file, {"--force"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json changed = views();
  int differing = 0;
  for (const auto& [key, fields] : before.items()) {
    for (const auto& [name, value] : fields.items()) differing += changed[key][name] != value;
  }
  EXPECT_GT(differing, 40) << "the second sync changes most fields";

  auto diff = run({"--diff-latest", "-e", "PROJ-1"});
  EXPECT_NE(diff.out.find("Fix Versions"), std::string::npos) << diff.out;

  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  const json after = views();
  for (const auto& [key, fields] : before.items()) {
    for (const auto& [name, value] : fields.items()) {
      EXPECT_EQ(after[key][name], value) << key << " " << name;
    }
  }

  // The same sync again, then --restore-backup of the backup taken just before it: the same
  // state, field by field. The rollback put back the other user's values, which are conflicts
  // again: forced, as before.
  ASSERT_EQ(sync(file, {"--force"}).exit_code, 0);
  const json listed = json::parse(run({"--list-backups", "--epic", "PROJ-1", "-o", "json"}).out);
  // Ids are backup_YYYYMMDD_HHMMSS with _2, _3… for more in one second: the newest is the
  // greatest by time, then by suffix.
  std::string newest;
  auto later = [](const std::string& a, const std::string& b) {
    return std::make_pair(a.substr(0, 22), a.size()) > std::make_pair(b.substr(0, 22), b.size()) ||
           (a.size() == b.size() && a > b);
  };
  for (const auto& b : listed["backups"]) {
    const std::string id = b["id"].get<std::string>();
    if (b["trigger"] == "pre-sync" && (newest.empty() || later(id, newest))) newest = id;
  }
  ASSERT_FALSE(newest.empty()) << listed.dump();
  auto restore = run({"--restore-backup", newest, "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  const json restored = views();
  for (const auto& [key, fields] : before.items()) {
    for (const auto& [name, value] : fields.items()) {
      EXPECT_EQ(restored[key][name], value) << key << " " << name;
    }
  }
}

TEST_F(CliFieldsTest, AFieldSomeoneChangedAfterTheSyncIsAConflictAndTheRestIsUndone) {
  const std::string file = write("epic.md", epic_with_fields());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string key = key_of("Guest checkout");
  const json before = view(key);
  std::string text = epic_with_fields();
  text.replace(text.find("| Team | search |"), 17, "| Team | Mobile |");
  text.replace(text.find("| Components | API, backend |"), 29, "| Components | Search |");
  write("epic.md", text);
  ASSERT_EQ(sync(file).exit_code, 0);
  ASSERT_EQ(sim()
                .edit_as_other(key, {{"fields", {{"customfield_10040", {{"value", "Payments"}}}}}})
                .status,
            200);
  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm", "-o", "json"});
  EXPECT_EQ(undo.exit_code, 10) << undo.out << undo.err;
  EXPECT_NE(undo.out.find("\"field\": \"Team\""), std::string::npos) << undo.out;
  const json after = view(key);
  EXPECT_EQ(after["components"], before["components"]) << "undone";
  EXPECT_EQ(after["customfield_10040"], "Payments") << "someone's edit is left alone";
}

TEST_F(CliFieldsDataCenterTest, DataCenterTakesTheSameFieldsAndAUserByName) {
  const std::string file = write("epic.md", epic_with_fields());
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json one = view(key_of("Guest checkout"));
  EXPECT_EQ(one["components"], json::parse(R"(["API","Backend"])"));
  EXPECT_EQ(one["customfield_10041"], json::parse(R"(["Web","iOS"])"));
  EXPECT_EQ(one["duedate"], "2026-03-31");
  EXPECT_EQ(one["customfield_10045"], "other") << "Data Center names users";
  sim().clear_log();
  auto again = sync(file);
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0);
  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "the stories it created are gone";
  EXPECT_TRUE(view("PROJ-1")["components"].empty()) << "the epic's components as they were";
}

}  // namespace
}  // namespace epicsync::testing

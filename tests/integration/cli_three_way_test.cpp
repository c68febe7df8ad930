// Three-way conflicts: every sync write records, in the issue's epicsync property, the file's
// value of each field it manages (the base). A later sync that finds a field changed in Jira
// since (Jira no longer holds the base) and different from the file leaves it alone, lists it as
// a conflict and exits 10 after applying everything else; --force writes the file over it. Each
// test runs the real binary against jira-sim, Cloud and Data Center, and checks what the tracker
// holds through its REST API.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/cli_sim_test.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

// `text` with the first `from` replaced by `to` (a failure when it has none).
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no '" << from << "' in:\n" << text;
    return text;
  }
  return text.replace(at, from.size(), to);
}

// A conflict's text, lower-cased and without blanks: "In Progress" and "inprogress" compare equal.
std::string folded(const json& value) {
  std::string out;
  for (char c : value.is_string() ? value.get<std::string>() : value.dump()) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// A number written as a JSON number or as text ("3", "3.0", "3 SP"); -1 when it is neither.
double number(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return -1;
  try {
    return std::stod(value.get<std::string>());
  } catch (...) {
    return -1;
  }
}

class CliThreeWayBase : public CliSimTest {
 protected:
  CliThreeWayBase() { no_color_ = true; }

  bool dc() { return sim().datacenter(); }
  // The assignee as the file names it, and the other user as an edit names them.
  std::string me() { return dc() ? "sim" : "sim@example.com"; }
  json other_user() {
    return dc() ? json{{"name", "other"}} : json{{"accountId", "557058:0f3c1a2b-sim-0002"}};
  }

  // The epic the tests start from: US-1 with every simple field, US-2 with points only.
  std::string epic_v1() {
    return "# Checkout\n\n"
           "### US-1: Guest checkout\n"
           "**Story Points**: 3\n**Priority**: High\n**Status**: In Progress\n"
           "**Labels**: web, pay\n**Assignee**: " +
           me() +
           "\n\n"
           "Pay as a guest.\n\n"
           "### US-2: Saved cards\n**Story Points**: 2\n\nKeep cards.\n";
  }

  std::vector<std::string> sync_args(const std::string& file, std::vector<std::string> more) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  ProcessResult sync(const std::string& file, std::vector<std::string> more = {}) {
    return run(sync_args(file, std::move(more)));
  }
  ProcessResult dry_run(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  // The run's JSON document (a failure, and null, when stdout is not one).
  json document(const ProcessResult& r) {
    json doc = json::parse(r.out, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      ADD_FAILURE() << "not one JSON document:\n" << r.out << r.err;
      return json();
    }
    return doc;
  }
  // The plan's conflicts (a failure, and an empty array, when the plan has none listed).
  json conflicts(const json& doc) {
    if (!doc.is_object() || !doc.contains("plan") || !doc["plan"].is_object() ||
        !doc["plan"].contains("conflicts") || !doc["plan"]["conflicts"].is_array()) {
      ADD_FAILURE() << "no plan.conflicts array in:\n" << doc.dump(2);
      return json::array();
    }
    return doc["plan"]["conflicts"];
  }
  // The conflict on this issue's field (null when there is none).
  static json conflict(const json& list, const std::string& issue, const std::string& field) {
    for (const auto& c : list) {
      if (c.value("issue", "") == issue && c.value("field", "") == field) return c;
    }
    return json();
  }
  static std::set<std::string> fields_of(const json& list) {
    std::set<std::string> out;
    for (const auto& c : list) out.insert(c.value("issue", "?") + " " + c.value("field", "?"));
    return out;
  }

  // What the tracker holds for an issue, read through REST v2 on both flavours (descriptions as
  // text): summary, description, points, priority, status, labels (sorted), assignee (account id
  // on Cloud, user name on Data Center), and the custom field Team and components.
  json view(const std::string& key) {
    const SimResponse r = sim().get("/rest/api/2/issue/" + key);
    EXPECT_EQ(r.status, 200) << key << ": " << r.raw;
    if (r.status != 200) return json::object();
    const json& f = r.body["fields"];
    auto name_of = [&](const char* field) -> json {
      return f.contains(field) && f[field].is_object() ? json(f[field].value("name", "")) : json();
    };
    json labels = f.value("labels", json::array());
    std::sort(labels.begin(), labels.end());
    json assignee;
    if (f.contains("assignee") && f["assignee"].is_object()) {
      assignee =
          f["assignee"].contains("accountId") ? f["assignee"]["accountId"] : f["assignee"]["name"];
    }
    std::set<std::string> components;
    if (f.contains("components") && f["components"].is_array()) {
      for (const auto& c : f["components"]) components.insert(c.value("name", ""));
    }
    json team;
    if (f.contains("customfield_10040") && f["customfield_10040"].is_object()) {
      team = f["customfield_10040"].value("value", "");
    }
    return {{"summary", f.value("summary", "")},
            {"description", f.contains("description") && f["description"].is_string()
                                ? f["description"].get<std::string>()
                                : std::string()},
            {"points", f.value("customfield_10016", json())},
            {"priority", name_of("priority")},
            {"status", name_of("status")},
            {"labels", labels},
            {"assignee", assignee},
            {"components", components},
            {"team", team}};
  }
  // The issue's epicsync property (null when it has none).
  json property(const std::string& key) {
    const SimResponse r = sim().get("/rest/api/2/issue/" + key + "/properties/epicsync");
    return r.status == 200 ? r.body.value("value", json()) : json();
  }
  // Whether the property's base records `value` for some field.
  bool base_holds(const std::string& key, const std::string& value) {
    const json p = property(key);
    if (!p.is_object() || !p.contains("base") || !p["base"].is_object()) return false;
    for (const auto& [field, v] : p["base"].items()) {
      if (v.is_string() && v.get<std::string>() == value) return true;
    }
    return false;
  }
  // Changelog entries per issue: a write of fields or a transition adds one, a property does not.
  std::map<std::string, size_t> changelogs() {
    std::map<std::string, size_t> out;
    const json state = sim().state();
    for (const auto& i : state["issues"]) {
      out[i["key"].get<std::string>()] = i.value("changelog", json::array()).size();
    }
    return out;
  }
  void edit_as_other(const std::string& key, const json& change) {
    const SimResponse r = sim().edit_as_other(key, change);
    ASSERT_EQ(r.status, 200) << key << " " << change.dump() << ": " << r.raw;
  }

  // The common start: v1 synced, then someone renames US-1 and lowers its priority in Jira, and
  // the file changes US-2's points and US-1's description. Returns the two stories' keys.
  std::pair<std::string, std::string> someone_edits_while_the_file_changes(
      const std::string& file) {
    auto first = sync(file);
    EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
    const std::string one = key_of("Guest checkout"), two = key_of("Saved cards");
    edit_as_other(
        one, {{"fields",
               {{"summary", "Guest checkout, renamed in Jira"}, {"priority", {{"name", "Low"}}}}}});
    std::string text = epic_v1();
    text = edited(text, "**Story Points**: 2", "**Story Points**: 5");
    text = edited(text, "Pay as a guest.", "Pay as a guest, in one step.");
    write("epic.md", text);
    return {one, two};
  }
  // Checks the two conflicts someone_edits_while_the_file_changes makes.
  void expect_summary_and_priority_conflicts(const json& list, const std::string& one) {
    EXPECT_EQ(list.size(), 2u) << list.dump(2);
    const json summary = conflict(list, one, "summary");
    ASSERT_TRUE(summary.is_object()) << list.dump(2);
    EXPECT_EQ(summary["wrote"], "Guest checkout") << summary.dump();
    EXPECT_EQ(summary["now"], "Guest checkout, renamed in Jira") << summary.dump();
    EXPECT_EQ(summary["file"], "Guest checkout") << summary.dump();
    const json priority = conflict(list, one, "priority");
    ASSERT_TRUE(priority.is_object()) << list.dump(2);
    EXPECT_EQ(priority["wrote"], "High") << priority.dump();
    EXPECT_EQ(priority["now"], "Low") << priority.dump();
    EXPECT_EQ(priority["file"], "High") << priority.dump();
  }
};

class CliThreeWayTest : public CliThreeWayBase, public ::testing::WithParamInterface<std::string> {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--flavour", GetParam()}; }
};

INSTANTIATE_TEST_SUITE_P(Flavours, CliThreeWayTest, ::testing::Values("cloud", "datacenter"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == "cloud" ? std::string("Cloud")
                                                        : std::string("DataCenter");
                         });

// (1) The fields someone changed in Jira are left as they set them; the file's other changes,
// on the same story and on another, are written; exit 10.
TEST_P(CliThreeWayTest, FieldsSomeoneChangedAreConflictsAndTheRestIsWritten) {
  const std::string file = write("epic.md", epic_v1());
  sim().clear_log();
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string one = key_of("Guest checkout"), two = key_of("Saved cards");
  // The creates recorded the base, US-2's in its create request (nothing else was sent to it).
  EXPECT_TRUE(base_holds(one, "Guest checkout")) << property(one).dump();
  EXPECT_TRUE(base_holds(two, "Saved cards")) << property(two).dump();
  for (const auto& r : sim().request_log()) {
    if (r.value("method", "") == "GET") continue;
    EXPECT_EQ(r.value("path", "").find("/issue/" + two), std::string::npos)
        << "US-2 has only its create: " << r.dump();
  }

  edit_as_other(
      one, {{"fields",
             {{"summary", "Guest checkout, renamed in Jira"}, {"priority", {{"name", "Low"}}}}}});
  std::string text = epic_v1();
  text = edited(text, "**Story Points**: 2", "**Story Points**: 5");
  text = edited(text, "Pay as a guest.", "Pay as a guest, in one step.");
  write("epic.md", text);

  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json doc = document(r);
  expect_summary_and_priority_conflicts(conflicts(doc), one);
  EXPECT_EQ(doc.value("ok", true), false)
      << "a run that left conflicts did not do all it was asked";

  const json a = view(one), b = view(two);
  EXPECT_EQ(a["summary"], "Guest checkout, renamed in Jira") << "the other user's summary kept";
  EXPECT_EQ(a["priority"], "Low") << "the other user's priority kept";
  EXPECT_NE(a["description"].get<std::string>().find("in one step"), std::string::npos)
      << "the description, changed in the file only, is written: " << a.dump();
  EXPECT_EQ(number(b["points"]), 5) << "the other story's points are written: " << b.dump();
  EXPECT_EQ(a["status"], "In Progress");

  // The same sync again: only the conflicts are left, listed again, nothing written.
  sim().clear_log();
  auto again = sync(file, {"-o", "json"});
  EXPECT_EQ(again.exit_code, 10) << again.out << again.err;
  EXPECT_EQ(fields_of(conflicts(document(again))),
            (std::set<std::string>{one + " priority", one + " summary"}));
  EXPECT_EQ(writes(), 0) << "only conflicts are left: nothing to write";
}

// (2) A dry run shows the same conflicts, in text and JSON, exits 10 and writes nothing.
TEST_P(CliThreeWayTest, ADryRunShowsTheConflictsAndWritesNothing) {
  const std::string file = write("epic.md", epic_v1());
  const auto [one, two] = someone_edits_while_the_file_changes(file);
  sim().clear_log();

  auto text = dry_run(file);
  EXPECT_EQ(text.exit_code, 10) << text.out << text.err;
  EXPECT_NE(text.out.find(one), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Summary"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Priority"), std::string::npos) << text.out;

  auto as_json = dry_run(file, {"-o", "json"});
  EXPECT_EQ(as_json.exit_code, 10) << as_json.out << as_json.err;
  expect_summary_and_priority_conflicts(conflicts(document(as_json)), one);

  EXPECT_EQ(writes(), 0) << "a dry run";
  const json a = view(one), b = view(two);
  EXPECT_EQ(a["description"].get<std::string>().find("in one step"), std::string::npos)
      << "the description is not written: " << a.dump();
  EXPECT_EQ(number(b["points"]), 2);
}

// (3) --force writes the file's values over the conflicts; a re-sync then has nothing to do.
TEST_P(CliThreeWayTest, ForceWritesTheFileOverConflictsAndAReSyncWritesNothing) {
  const std::string file = write("epic.md", epic_v1());
  const auto [one, two] = someone_edits_while_the_file_changes(file);

  auto forced = sync(file, {"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  const json a = view(one), b = view(two);
  EXPECT_EQ(a["summary"], "Guest checkout");
  EXPECT_EQ(a["priority"], "High");
  EXPECT_NE(a["description"].get<std::string>().find("in one step"), std::string::npos) << a.dump();
  EXPECT_EQ(number(b["points"]), 5);

  sim().clear_log();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(writes(), 0);
  auto shown = dry_run(file, {"-o", "json"});
  EXPECT_EQ(shown.exit_code, 0) << shown.out << shown.err;
  EXPECT_TRUE(conflicts(document(shown)).empty()) << shown.out;
}

// (4) Jira and the file both moved away from what epicsync wrote, each its own way: every such
// field is a conflict with the three values, and Jira keeps its own. A field changed in Jira only
// (the assignee) is one too.
TEST_P(CliThreeWayTest, BothChangedToDifferentValuesIsAConflict) {
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string one = key_of("Guest checkout");
  edit_as_other(one, {{"fields",
                       {{"summary", "Guest checkout (theirs)"},
                        {"customfield_10016", 8},
                        {"labels", json::array({"mobile"})},
                        {"assignee", other_user()}}}});
  std::string text = epic_v1();
  text = edited(text, "### US-1: Guest checkout", "### US-1: Guest checkout (ours)");
  text = edited(text, "**Story Points**: 3", "**Story Points**: 5");
  text = edited(text, "**Labels**: web, pay", "**Labels**: web");
  write("epic.md", text);

  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json list = conflicts(document(r));
  EXPECT_EQ(fields_of(list), (std::set<std::string>{one + " assignee", one + " labels",
                                                    one + " points", one + " summary"}))
      << list.dump(2);
  const json summary = conflict(list, one, "summary");
  ASSERT_TRUE(summary.is_object()) << list.dump(2);
  EXPECT_EQ(summary["wrote"], "Guest checkout");
  EXPECT_EQ(summary["now"], "Guest checkout (theirs)");
  EXPECT_EQ(summary["file"], "Guest checkout (ours)");
  const json points = conflict(list, one, "points");
  ASSERT_TRUE(points.is_object()) << list.dump(2);
  EXPECT_EQ(number(points["wrote"]), 3) << points.dump();
  EXPECT_EQ(number(points["now"]), 8) << points.dump();
  EXPECT_EQ(number(points["file"]), 5) << points.dump();
  const json labels = conflict(list, one, "labels");
  ASSERT_TRUE(labels.is_object()) << list.dump(2);
  EXPECT_NE(folded(labels["now"]).find("mobile"), std::string::npos) << labels.dump();
  EXPECT_EQ(folded(labels["file"]), "web") << labels.dump();

  const json a = view(one);
  EXPECT_EQ(a["summary"], "Guest checkout (theirs)");
  EXPECT_EQ(number(a["points"]), 8);
  EXPECT_EQ(a["labels"], json::array({"mobile"}));
  EXPECT_EQ(a["assignee"], other_user().begin().value());
  EXPECT_EQ(sim().state()["issues"].size(), 3u) << "matched by its identity, not copied";
}

// (5) Someone changed a field in Jira and the file was then edited to the same value: in step
// again. The next sync records the property only, and a later edit of that field in the file is
// written without a (false) conflict.
TEST_P(CliThreeWayTest, InStepAgainIsRecordedAndThenNoFalseConflict) {
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string one = key_of("Guest checkout");
  edit_as_other(
      one,
      {{"fields", {{"summary", "Guest checkout for everyone"}, {"priority", {{"name", "Low"}}}}}});
  std::string text = epic_v1();
  text = edited(text, "### US-1: Guest checkout", "### US-1: Guest checkout for everyone");
  text = edited(text, "**Priority**: High", "**Priority**: Low");
  write("epic.md", text);

  auto planned = dry_run(file, {"-o", "json"});
  EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
  const json doc = document(planned);
  EXPECT_TRUE(conflicts(doc).empty()) << planned.out;
  if (doc.contains("plan")) {
    EXPECT_FALSE(doc["plan"]["operations"].empty()) << "the property is recorded: " << planned.out;
    // Only records of the property (record_identity), none of which changes a field.
    for (const auto& op : doc["plan"]["operations"]) {
      EXPECT_EQ(op.value("kind", ""), "record_identity") << op.dump();
      for (const auto& change : op.value("changes", json::array())) {
        EXPECT_TRUE(change.value("from", json()).is_null() && change.value("to", json()).is_null())
            << "no field written: " << op.dump();
      }
    }
  }

  const auto before = changelogs();
  sim().clear_log();
  auto recorded = sync(file);
  EXPECT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
  EXPECT_GT(writes(), 0) << "the property is written";
  EXPECT_EQ(changelogs(), before) << "nothing but the property: no field changed on any issue";
  EXPECT_TRUE(base_holds(one, "Guest checkout for everyone")) << property(one).dump();
  sim().clear_log();
  auto steady = sync(file);
  EXPECT_EQ(steady.exit_code, 0) << steady.out << steady.err;
  EXPECT_EQ(writes(), 0) << "recorded once";

  text = edited(text, "### US-1: Guest checkout for everyone", "### US-1: Guest checkout for all");
  text = edited(text, "**Priority**: Low", "**Priority**: Highest");
  write("epic.md", text);
  auto later = sync(file, {"-o", "json"});
  EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
  EXPECT_TRUE(conflicts(document(later)).empty()) << later.out;
  const json a = view(one);
  EXPECT_EQ(a["summary"], "Guest checkout for all");
  EXPECT_EQ(a["priority"], "Highest");
}

// (6) Someone moved the issue to Done while the file still says In Progress, what epicsync last
// put: a conflict, the issue stays Done. Another story's status the file changes is moved.
TEST_P(CliThreeWayTest, AStatusSomeoneChangedIsAConflict) {
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string one = key_of("Guest checkout"), two = key_of("Saved cards");
  ASSERT_EQ(view(one)["status"], "In Progress");
  edit_as_other(one, {{"status", "Done"}});
  write("epic.md",
        edited(epic_v1(), "**Story Points**: 2", "**Story Points**: 2\n**Status**: In Review"));

  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json list = conflicts(document(r));
  EXPECT_EQ(fields_of(list), (std::set<std::string>{one + " status"})) << list.dump(2);
  const json status = conflict(list, one, "status");
  ASSERT_TRUE(status.is_object()) << list.dump(2);
  EXPECT_EQ(status["now"], "Done") << status.dump();
  EXPECT_EQ(folded(status["wrote"]), "inprogress") << status.dump();
  EXPECT_EQ(folded(status["file"]), "inprogress") << status.dump();
  EXPECT_EQ(view(one)["status"], "Done") << "left where the other user put it";
  EXPECT_EQ(view(two)["status"], "In Review") << "the rest is applied";

  auto text = dry_run(file);
  EXPECT_EQ(text.exit_code, 10) << text.out << text.err;
  EXPECT_NE(text.out.find(one), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Status"), std::string::npos) << text.out;

  auto forced = sync(file, {"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(view(one)["status"], "In Progress") << "--force moves it back";
}

// (7) A field of the table (a custom field of jira.fields) someone changed is a conflict too; a
// table field changed in the file only is written.
TEST_P(CliThreeWayTest, ATableFieldSomeoneChangedIsAConflict) {
  write(".epicsync.yaml", "jira:\n  fields:\n    Team: customfield_10040\n");
  const std::string v1 =
      "# Checkout\n\n### US-1: Guest checkout\n"
      "| Field | Value |\n|---|---|\n| Components | API |\n| Team | Search |\n\n"
      "Pay as a guest.\n";
  const std::string file = write("epic.md", v1);
  auto first = sync(file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string one = key_of("Guest checkout");
  ASSERT_EQ(view(one)["team"], "Search");
  edit_as_other(one, {{"fields", {{"customfield_10040", {{"value", "Payments"}}}}}});
  write("epic.md", edited(v1, "| Components | API |", "| Components | Frontend |"));

  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json list = conflicts(document(r));
  EXPECT_EQ(fields_of(list), (std::set<std::string>{one + " Team"})) << list.dump(2);
  const json team = conflict(list, one, "Team");
  ASSERT_TRUE(team.is_object()) << list.dump(2);
  EXPECT_EQ(team["wrote"], "Search") << team.dump();
  EXPECT_EQ(team["now"], "Payments") << team.dump();
  EXPECT_EQ(team["file"], "Search") << team.dump();
  const json a = view(one);
  EXPECT_EQ(a["team"], "Payments") << "the other user's value kept";
  EXPECT_EQ(a["components"], json::array({"Frontend"})) << "the file's change written";
}

// (8) A rollback puts the fields back and the record of them: syncing the same file again
// re-applies it without conflicts.
TEST_P(CliThreeWayTest, AfterARollbackTheSameSyncReappliesWithoutConflicts) {
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string one = key_of("Guest checkout"), two = key_of("Saved cards");
  std::string text = epic_v1();
  text = edited(text, "### US-1: Guest checkout", "### US-1: Guest checkout v2");
  text = edited(text, "**Priority**: High", "**Priority**: Low");
  text = edited(text, "**Status**: In Progress", "**Status**: In Review");
  text = edited(text, "**Story Points**: 2", "**Story Points**: 5");
  write("epic.md", text);
  auto second = sync(file);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  ASSERT_EQ(view(one)["summary"], "Guest checkout v2");

  auto undo = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  json a = view(one);
  EXPECT_EQ(a["summary"], "Guest checkout");
  EXPECT_EQ(a["priority"], "High");
  EXPECT_EQ(a["status"], "In Progress");
  EXPECT_EQ(number(view(two)["points"]), 2);

  auto again = sync(file, {"-o", "json"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(conflicts(document(again)).empty()) << again.out;
  a = view(one);
  EXPECT_EQ(a["summary"], "Guest checkout v2");
  EXPECT_EQ(a["priority"], "Low");
  EXPECT_EQ(a["status"], "In Review");
  EXPECT_EQ(number(view(two)["points"]), 5);
}

// (9) An issue epicsync never wrote (made by someone else, matched by its summary) has no base:
// the file's values are written without a conflict, and from then on it has one.
TEST_P(CliThreeWayTest, AnIssueEpicsyncNeverWroteIsWrittenWithoutConflict) {
  const std::string hand = sim().create_issue("Story", "Saved cards", "PROJ-1");
  edit_as_other(hand, {{"fields", {{"customfield_10016", 1}, {"priority", {{"name", "Low"}}}}}});
  const std::string file = write("epic.md", edited(epic_v1(), "**Story Points**: 2",
                                                   "**Story Points**: 2\n**Priority**: High"));

  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(conflicts(document(r)).empty()) << r.out;
  EXPECT_EQ(key_of("Saved cards"), hand) << "matched, not copied";
  const json b = view(hand);
  EXPECT_EQ(number(b["points"]), 2) << b.dump();
  EXPECT_EQ(b["priority"], "High") << b.dump();
  EXPECT_TRUE(base_holds(hand, "Saved cards")) << "recorded now: " << property(hand).dump();

  // Recorded: a change someone makes now is a conflict.
  edit_as_other(hand, {{"fields", {{"customfield_10016", 13}}}});
  auto later = sync(file, {"-o", "json"});
  EXPECT_EQ(later.exit_code, 10) << later.out << later.err;
  EXPECT_EQ(fields_of(conflicts(document(later))), (std::set<std::string>{hand + " points"}));
  EXPECT_EQ(number(view(hand)["points"]), 13);
}

// The documents with conflicts match their schemas in docs/schema (as cli_json_schema_test
// checks every other document).

// A field the file did not state when epicsync created the issue was created empty, and that is
// its base: a value someone puts there later is theirs, also once the file starts stating it.
TEST_P(CliThreeWayTest, AFieldCreatedEmptyThatSomeoneFilledIsTheirs) {
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string two = key_of("Saved cards");
  edit_as_other(two, {{"fields", {{"labels", {"fraud", "needs-legal"}}}}});
  write("epic.md",
        edited(epic_v1(), "**Story Points**: 2\n", "**Story Points**: 2\n**Labels**: risk\n"));
  auto r = sync(file, {"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json c = conflict(conflicts(document(r)), two, "labels");
  ASSERT_TRUE(c.is_object()) << r.out;
  EXPECT_EQ(c["wrote"], "-") << "created with none";
  EXPECT_EQ(c["now"], "fraud, needs-legal");
  EXPECT_EQ(c["file"], "risk");
  EXPECT_EQ(view(two)["labels"], json::array({"fraud", "needs-legal"})) << "someone's, kept";
}

// Data Center writes the base in a request of its own: when that fails, the run says so (exit
// 64) rather than reporting a clean sync whose next edit of the file would be a false conflict,
// and the same command run again records it.
TEST_P(CliThreeWayTest, ABaseThatCouldNotBeRecordedIsSaidAndTheNextRunRecordsIt) {
  if (!dc()) GTEST_SKIP() << "Cloud writes the base with the edit itself";
  const std::string file = write("epic.md", epic_v1());
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string two = key_of("Saved cards");
  sim().add_fault({{"method", "PUT"},
                   {"path", "/rest/api/2/issue/" + two + "/properties/epicsync"},
                   {"action", "error500"},
                   {"times", 10}});
  write("epic.md", edited(epic_v1(), "**Story Points**: 2", "**Story Points**: 8"));
  auto r = sync(file);
  EXPECT_EQ(r.exit_code, 64) << r.out << r.err;
  EXPECT_NE(r.out.find("could not record the values written"), std::string::npos) << r.out;
  EXPECT_EQ(number(view(two)["points"]), 8) << "the write itself went in";
  sim().clear_faults();
  auto again = sync(file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(base_holds(two, "8")) << property(two).dump();
  // Now a later edit of the file is written, not taken for a conflict.
  write("epic.md", edited(epic_v1(), "**Story Points**: 2", "**Story Points**: 3"));
  auto later = sync(file);
  EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
  EXPECT_EQ(number(view(two)["points"]), 3);
}

class CliThreeWaySchemaTest : public CliThreeWayBase {};

TEST_F(CliThreeWaySchemaTest, DocumentsWithConflictsMatchTheirSchemas) {
  const std::string node = find_program("node", "/usr/bin/node");
  ASSERT_FALSE(node.empty()) << "node is not installed: run scripts/setup";
  const std::string file = write("epic.md", epic_v1());
  const auto [one, two] = someone_edits_while_the_file_changes(file);
  auto dry = dry_run(file, {"-o", "json"});
  ASSERT_EQ(dry.exit_code, 10) << dry.out << dry.err;
  const std::string dry_doc = write("dry.json", dry.out);
  auto done = sync(file, {"-o", "json"});
  ASSERT_EQ(done.exit_code, 10) << done.out << done.err;
  const std::string done_doc = write("done.json", done.out);
  ProcessOptions o;
  o.timeout = std::chrono::seconds(60);
  for (const auto& [schema, doc] : std::vector<std::pair<std::string, std::string>>{
           {"dry-run", dry_doc}, {"execute", done_doc}}) {
    auto checked = run_process({node, SCHEMA_VALIDATOR_JS, SCHEMA_DIR, schema, doc}, o);
    EXPECT_EQ(checked.exit_code, 0) << schema << ": " << checked.out << checked.err << read(doc);
  }
}

}  // namespace
}  // namespace epicsync::testing

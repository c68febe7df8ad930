// components, fixVersions, duedate and the select, multiselect, date, number, text and user
// custom fields, on both flavours: create and read back, edit and clear, refusals, metadata,
// screens, the changelog and the state dump.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
// A named namespace: the test sources are compiled in unity batches, so helpers in an anonymous
// namespace could collide with another file's.
namespace managed_fields {

using nlohmann::json;

const std::string kNotOnScreen = "cannot be set. It is not on the appropriate screen, or unknown.";

// The parameter: true for Data Center. Every test runs on both flavours.
class FieldsTest : public JiraSimTest, public ::testing::WithParamInterface<bool> {
 protected:
  std::vector<std::string> sim_args() const override {
    if (GetParam()) return {"--seed", "--frozen-clock", "--flavour", "datacenter"};
    return {"--seed", "--frozen-clock"};
  }
  bool dc() const { return GetParam(); }
  std::string api() const { return dc() ? "/rest/api/2" : "/rest/api/3"; }
  std::string self(const std::string& what) { return sim().url() + api() + "/" + what; }

  // Cloud names a user by account id, Data Center by user name.
  json user_ref(const std::string& name) const {
    if (dc()) return {{"name", name}};
    if (name == "sim") return {{"accountId", kSimAccount}};
    if (name == "other") return {{"accountId", kOtherAccount}};
    return {{"accountId", name}};
  }

  static json story(const std::string& summary) {
    return {{"project", {{"key", "PROJ"}}},
            {"issuetype", {{"name", "Story"}}},
            {"summary", summary},
            {"parent", {{"key", "PROJ-1"}}}};
  }

  json every_field(const std::string& summary) const {
    json f = story(summary);
    f["components"] = {{{"name", "Backend"}}, {{"id", "10202"}}};
    f["fixVersions"] = {{{"name", "1.1"}}};
    f["duedate"] = "2026-01-31";
    f["customfield_10040"] = {{"value", "Search"}};
    f["customfield_10041"] = {{{"value", "Web"}}, {{"id", "10110"}}};
    f["customfield_10042"] = "2026-02-01";
    f["customfield_10043"] = 1500.5;
    f["customfield_10044"] = "first notes";
    f["customfield_10045"] = user_ref("other");
    return f;
  }

  std::string create(const json& fields) {
    auto r = sim().post(api() + "/issue", {{"fields", fields}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("key", std::string());
  }

  json fields_of(const std::string& key, const std::string& query = "") {
    auto r = sim().get(api() + "/issue/" + key + query);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["fields"];
  }

  json option(const std::string& id, const std::string& value) {
    return {{"self", self("customFieldOption/" + id)}, {"value", value}, {"id", id}};
  }

  json meta_field(const json& meta, const std::string& id) const {
    for (const auto& f : meta[dc() ? "values" : "fields"]) {
      if (f["fieldId"] == id) return f;
    }
    return nullptr;
  }

  // The items of the latest changelog entry that touch `field_id`. expand=changelog lists the
  // newest history first on Cloud and last on Data Center.
  json last_items(const std::string& key, const std::string& field_id) {
    auto r = sim().get(api() + "/issue/" + key + "?expand=changelog&fields=summary");
    json out = json::array();
    const json& histories = r.body["changelog"]["histories"];
    if (histories.empty()) return out;
    for (const auto& i : (dc() ? histories.back() : histories.front())["items"]) {
      if (i["fieldId"] == field_id) out.push_back(i);
    }
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(Flavours, FieldsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "DataCenter" : "Cloud"; });

TEST_P(FieldsTest, CreateWithEveryFieldAndReadItBack) {
  std::string key = create(every_field("all fields"));
  ASSERT_EQ(key, "PROJ-2");
  json f = fields_of(key);
  // Components come back by name, versions and options in their configured order.
  EXPECT_EQ(f["components"],
            json({{{"self", self("component/10202")}, {"id", "10202"}, {"name", "API"}},
                  {{"self", self("component/10200")}, {"id", "10200"}, {"name", "Backend"}}}));
  EXPECT_EQ(f["fixVersions"], json::array({{{"self", self("version/10301")},
                                            {"id", "10301"},
                                            {"name", "1.1"},
                                            {"archived", false},
                                            {"released", false},
                                            {"projectId", 10000}}}));
  EXPECT_EQ(f["duedate"], "2026-01-31");
  EXPECT_EQ(f["customfield_10040"], option("10101", "Search"));
  EXPECT_EQ(f["customfield_10041"], json::array({option("10110", "iOS"), option("10112", "Web")}));
  EXPECT_EQ(f["customfield_10042"], "2026-02-01");
  EXPECT_EQ(f["customfield_10043"], 1500.5);
  EXPECT_EQ(f["customfield_10044"], "first notes");
  EXPECT_EQ(f["customfield_10045"]["displayName"], "Other User");
  if (dc()) {
    EXPECT_EQ(f["customfield_10045"]["name"], "other");
  } else {
    EXPECT_EQ(f["customfield_10045"]["accountId"], kOtherAccount);
  }
  EXPECT_TRUE(f.contains("customfield_10046") && f["customfield_10046"].is_null());

  // The same user object as the assignee's.
  sim().put(api() + "/issue/" + key, {{"fields", {{"assignee", user_ref("other")}}}});
  EXPECT_EQ(fields_of(key)["assignee"], f["customfield_10045"]);

  // An issue without values: arrays stay arrays, the rest is null.
  json empty = fields_of("PROJ-1");
  EXPECT_EQ(empty["components"], json::array());
  EXPECT_EQ(empty["fixVersions"], json::array());
  for (const char* id : {"duedate", "customfield_10040", "customfield_10041", "customfield_10042",
                         "customfield_10043", "customfield_10044", "customfield_10045"}) {
    EXPECT_TRUE(empty.contains(id) && empty[id].is_null()) << id;
  }

  // `fields` selects them by id.
  json some = fields_of(key, "?fields=components,customfield_10040,-customfield_10041");
  EXPECT_EQ(some.size(), 2u) << some.dump();
  EXPECT_EQ(some["customfield_10040"]["value"], "Search");
  json navigable = fields_of(key, "?fields=*navigable");
  EXPECT_EQ(navigable["fixVersions"][0]["name"], "1.1");

  // Search renders them the same way.
  json body = {{"jql", "project = PROJ ORDER BY key"},
               {"fields", {"fixVersions", "customfield_10041", "duedate"}}};
  auto found = sim().post(api() + (dc() ? "/search" : "/search/jql"), body);
  ASSERT_EQ(found.status, 200) << found.raw;
  ASSERT_EQ(found.body["issues"].size(), 2u);
  const json& hit = found.body["issues"][1]["fields"];
  EXPECT_EQ(hit.size(), 3u);
  EXPECT_EQ(hit["fixVersions"], f["fixVersions"]);
  EXPECT_EQ(hit["customfield_10041"], f["customfield_10041"]);
  EXPECT_EQ(hit["duedate"], "2026-01-31");

  // And bulk create takes them like create.
  auto bulk = sim().post(api() + "/issue/bulk",
                         {{"issueUpdates", json::array({{{"fields", every_field("bulk")}}})}});
  ASSERT_EQ(bulk.status, 201) << bulk.raw;
  json b = fields_of(bulk.body["issues"][0]["key"].get<std::string>());
  EXPECT_EQ(b["components"], f["components"]);
  EXPECT_EQ(b["customfield_10041"], f["customfield_10041"]);
  EXPECT_EQ(b["customfield_10045"], f["customfield_10045"]);
}

TEST_P(FieldsTest, EditEachToAnotherValueThenClearIt) {
  std::string key = create(every_field("to edit"));
  std::string before = fields_of(key)["updated"];
  json change = {{"components", {{{"name", "Search"}}}},
                 {"fixVersions", {{{"id", "10302"}}}},
                 {"duedate", "2026-03-01"},
                 {"customfield_10040", {{"id", "10103"}}},
                 {"customfield_10041", {{{"value", "Desktop"}}}},
                 {"customfield_10042", "2028-02-29"},
                 {"customfield_10043", 7},
                 {"customfield_10044", "second"},
                 {"customfield_10045", user_ref("sim")}};
  auto r = sim().put(api() + "/issue/" + key, {{"fields", change}});
  ASSERT_EQ(r.status, 204) << r.raw;
  json f = fields_of(key);
  EXPECT_NE(f["updated"], before);
  ASSERT_EQ(f["components"].size(), 1u);
  EXPECT_EQ(f["components"][0]["name"], "Search");
  ASSERT_EQ(f["fixVersions"].size(), 1u);
  EXPECT_EQ(f["fixVersions"][0]["name"], "2.0");
  EXPECT_EQ(f["duedate"], "2026-03-01");
  EXPECT_EQ(f["customfield_10040"], option("10103", "Payments"));
  EXPECT_EQ(f["customfield_10041"], json::array({option("10113", "Desktop")}));
  EXPECT_EQ(f["customfield_10042"], "2028-02-29") << "a leap day is a date";
  EXPECT_EQ(f["customfield_10043"], 7.0);
  EXPECT_EQ(f["customfield_10044"], "second");
  EXPECT_EQ(f["customfield_10045"]["displayName"], "Sim User");

  // The update verbs of the array fields.
  json update = {
      {"components", {{{"add", {{"name", "Frontend"}}}}, {{"remove", {{"id", "10203"}}}}}},
      {"fixVersions", {{{"add", {{"name", "1.0"}}}}}},
      {"customfield_10041",
       {{{"add", {{"value", "Android"}}}}, {{"remove", {{"value", "Desktop"}}}}}},
      {"customfield_10043", {{{"set", 8.25}}}}};
  r = sim().put(api() + "/issue/" + key, {{"update", update}});
  ASSERT_EQ(r.status, 204) << r.raw;
  f = fields_of(key);
  ASSERT_EQ(f["components"].size(), 1u);
  EXPECT_EQ(f["components"][0]["name"], "Frontend");
  ASSERT_EQ(f["fixVersions"].size(), 2u);
  EXPECT_EQ(f["fixVersions"][0]["name"], "1.0");
  EXPECT_EQ(f["fixVersions"][0]["released"], true);
  EXPECT_EQ(f["fixVersions"][1]["name"], "2.0");
  EXPECT_EQ(f["customfield_10041"], json::array({option("10111", "Android")}));
  EXPECT_EQ(f["customfield_10043"], 8.25);
  auto verb =
      sim().put(api() + "/issue/" + key, {{"update", {{"duedate", {{{"add", "2026-01-01"}}}}}}});
  EXPECT_EQ(verb.status, 400) << "a scalar takes only set";

  // Clearing: [] or null for the arrays, null (or "" for text and dates) for the rest.
  json clear = {{"components", json::array()},
                {"fixVersions", nullptr},
                {"duedate", nullptr},
                {"customfield_10040", nullptr},
                {"customfield_10041", json::array()},
                {"customfield_10042", ""},
                {"customfield_10043", nullptr},
                {"customfield_10044", ""},
                {"customfield_10045", nullptr}};
  r = sim().put(api() + "/issue/" + key, {{"fields", clear}});
  ASSERT_EQ(r.status, 204) << r.raw;
  f = fields_of(key);
  EXPECT_EQ(f["components"], json::array());
  EXPECT_EQ(f["fixVersions"], json::array());
  for (const char* id : {"duedate", "customfield_10040", "customfield_10041", "customfield_10042",
                         "customfield_10043", "customfield_10044", "customfield_10045"}) {
    EXPECT_TRUE(f[id].is_null()) << id << " " << f[id].dump();
  }
}

TEST_P(FieldsTest, InvalidValuesAre400UnderTheFieldAndChangeNothing) {
  std::string key = create(every_field("guarded"));
  const json before = fields_of(key);
  struct Case {
    std::string field;
    json value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"components",
       {{{"name", "Backend"}}, {{"name", "Nope"}}},
       "Component name 'Nope' is not valid"},
      {"components", {{{"id", "999"}}}, "Component with id '999' does not exist."},
      {"components", "Backend", "data was not an array"},
      {"fixVersions", {{{"name", "9.9"}}}, "Version name '9.9' is not valid"},
      {"customfield_10040", {{"value", "Nope"}}, "Option value 'Nope' is not valid"},
      {"customfield_10040", {{"id", "10110"}}, "Option id '10110' is not valid"},
      {"customfield_10041",
       {{{"value", "iOS"}}, {{"value", "Nope"}}},
       "Option value 'Nope' is not valid"},
      {"duedate", "2026-02-30", "Error parsing date string: 2026-02-30"},
      {"customfield_10042", "31/12/2026",
       "Target start: You did not enter a valid date. Please enter the date in the format "
       "\"d/MMM/yy\", or use the format \"yyyy-MM-dd\"."},
      {"customfield_10043", "lots", "'lots' is an invalid number"},
      {"customfield_10044", std::string(256, 'x'),
       "The entered text is too long. It exceeds the allowed limit of 255 characters."},
      {"customfield_10045", user_ref("ghost"), "User 'ghost' does not exist."},
      // Each flavour knows users only one way.
      {"customfield_10045", dc() ? json{{"accountId", kOtherAccount}} : json{{"name", "other"}},
       dc() ? "User '{\"accountId\":\"" + kOtherAccount + "\"}' does not exist."
            : "User '{\"name\":\"other\"}' does not exist."},
  };
  for (const auto& c : cases) {
    json fields = {{"summary", "must not stick"}, {c.field, c.value}};
    auto r = sim().put(api() + "/issue/" + key, {{"fields", fields}});
    EXPECT_EQ(r.status, 400) << c.field << " " << c.value.dump();
    EXPECT_EQ(r.body["errors"][c.field], c.message) << r.raw;
    EXPECT_EQ(r.body["errorMessages"], json::array());
    EXPECT_EQ(fields_of(key), before) << "nothing changed after " << c.field;
  }
  auto add = sim().put(
      api() + "/issue/" + key,
      {{"update",
        {{"fixVersions", {{{"add", {{"name", "1.1"}}}}, {{"add", {{"name", "3.0"}}}}}}}}});
  EXPECT_EQ(add.status, 400);
  EXPECT_EQ(add.body["errors"]["fixVersions"], "Version name '3.0' is not valid");
  EXPECT_EQ(fields_of(key), before);

  // A refused create creates nothing.
  json bad = every_field("never");
  bad["customfield_10040"] = {{"value", "Nope"}};
  auto r = sim().post(api() + "/issue", {{"fields", bad}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["customfield_10040"], "Option value 'Nope' is not valid");
  EXPECT_EQ(sim().state()["issues"].size(), 2u);
}

TEST_P(FieldsTest, CreatemetaAndEditmetaListAllowedValues) {
  auto meta = sim().get(api() + "/issue/createmeta/PROJ/issuetypes/10001");  // Story
  ASSERT_EQ(meta.status, 200);
  json components = meta_field(meta.body, "components");
  ASSERT_FALSE(components.is_null());
  EXPECT_EQ(components["schema"],
            json({{"type", "array"}, {"items", "component"}, {"system", "components"}}));
  EXPECT_EQ(components["operations"], json({"add", "set", "remove"}));
  ASSERT_EQ(components["allowedValues"].size(), 4u);
  EXPECT_EQ(components["allowedValues"][0],
            json({{"self", self("component/10200")}, {"id", "10200"}, {"name", "Backend"}}));
  json versions = meta_field(meta.body, "fixVersions");
  EXPECT_EQ(versions["schema"],
            json({{"type", "array"}, {"items", "version"}, {"system", "fixVersions"}}));
  ASSERT_EQ(versions["allowedValues"].size(), 3u);
  EXPECT_EQ(versions["allowedValues"][0]["name"], "1.0");
  EXPECT_EQ(versions["allowedValues"][0]["released"], true);
  EXPECT_EQ(versions["allowedValues"][0]["projectId"], 10000);
  json due = meta_field(meta.body, "duedate");
  EXPECT_EQ(due["schema"], json({{"type", "date"}, {"system", "duedate"}}));
  EXPECT_EQ(due["operations"], json({"set"}));
  EXPECT_FALSE(due.contains("allowedValues"));
  json team = meta_field(meta.body, "customfield_10040");
  EXPECT_EQ(team["schema"],
            json({{"type", "option"},
                  {"custom", "com.atlassian.jira.plugin.system.customfieldtypes:select"},
                  {"customId", 10040}}));
  EXPECT_EQ(team["operations"], json({"set"}));
  EXPECT_EQ(team["allowedValues"],
            json::array({option("10100", "Platform"), option("10101", "Search"),
                         option("10102", "Mobile"), option("10103", "Payments")}));
  json platforms = meta_field(meta.body, "customfield_10041");
  EXPECT_EQ(platforms["schema"]["items"], "option");
  EXPECT_EQ(platforms["operations"], json({"add", "set", "remove"}));
  EXPECT_EQ(platforms["allowedValues"][3], option("10113", "Desktop"));
  for (const char* id :
       {"customfield_10042", "customfield_10043", "customfield_10044", "customfield_10045"}) {
    EXPECT_FALSE(meta_field(meta.body, id).is_null()) << id;
  }
  EXPECT_TRUE(meta_field(meta.body, "customfield_10046").is_null());

  auto edit = sim().get(api() + "/issue/PROJ-1/editmeta");  // the epic
  ASSERT_EQ(edit.status, 200);
  const json& ef = edit.body["fields"];
  EXPECT_EQ(ef["components"]["allowedValues"].size(), 4u);
  EXPECT_EQ(ef["fixVersions"]["allowedValues"].size(), 3u);
  EXPECT_EQ(ef["customfield_10040"]["allowedValues"].size(), 4u);
  EXPECT_EQ(ef["customfield_10041"]["allowedValues"].size(), 4u);
  EXPECT_TRUE(ef.contains("duedate"));
  EXPECT_TRUE(ef.contains("customfield_10045"));
  EXPECT_FALSE(ef.contains("customfield_10046"));

  auto ids = [&](const std::string& type) {
    std::vector<std::string> out;
    auto r = sim().get(api() + "/issue/createmeta/PROJ/issuetypes/" + type);
    for (const auto& f : r.body[dc() ? "values" : "fields"])
      out.push_back(f["fieldId"].get<std::string>());
    return out;
  };
  auto has = [](const std::vector<std::string>& v, const std::string& id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  auto subtask = ids("10003");
  EXPECT_TRUE(has(subtask, "components") && has(subtask, "fixVersions") && has(subtask, "duedate"));
  EXPECT_FALSE(has(subtask, "customfield_10040"));
  EXPECT_FALSE(has(ids("10002"), "customfield_10043")) << "not on the Task screen";
  EXPECT_TRUE(has(ids("10000"), "customfield_10045")) << "on the Epic screen";

  auto all = sim().get(api() + "/field");
  std::map<std::string, json> by_id;
  for (const auto& f : all.body) by_id[f["id"]] = f;
  EXPECT_EQ(by_id["customfield_10046"]["name"], "Legacy notes");
  EXPECT_EQ(by_id["customfield_10041"]["schema"]["custom"],
            "com.atlassian.jira.plugin.system.customfieldtypes:multiselect");
  EXPECT_EQ(by_id["customfield_10042"]["schema"]["type"], "date");
  EXPECT_EQ(by_id["customfield_10043"]["schema"]["custom"],
            "com.atlassian.jira.plugin.system.customfieldtypes:float");
  EXPECT_EQ(by_id["customfield_10044"]["schema"]["type"], "string");
  EXPECT_EQ(by_id["customfield_10045"]["schema"]["type"], "user");
  EXPECT_EQ(by_id["fixVersions"]["schema"]["system"], "fixVersions");
  EXPECT_EQ(by_id["duedate"]["custom"], false);
}

TEST_P(FieldsTest, FieldsOffTheScreenAreRefused) {
  std::string story_key = create(story("a story"));
  json sub = {{"project", {{"key", "PROJ"}}},
              {"issuetype", {{"name", "Sub-task"}}},
              {"summary", "a sub-task"},
              {"parent", {{"key", story_key}}},
              {"customfield_10040", {{"value", "Search"}}}};
  auto r = sim().post(api() + "/issue", {{"fields", sub}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["customfield_10040"], "Field 'customfield_10040' " + kNotOnScreen);
  sub.erase("customfield_10040");
  sub["components"] = {{{"name", "API"}}};
  sub["duedate"] = "2026-05-05";
  std::string sub_key = create(sub);
  EXPECT_EQ(fields_of(sub_key)["components"][0]["name"], "API");

  r = sim().put(api() + "/issue/" + story_key, {{"fields", {{"customfield_10046", "x"}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["customfield_10046"], "Field 'customfield_10046' " + kNotOnScreen);
  r = sim().put(api() + "/issue/" + story_key,
                {{"update", {{"customfield_10046", {{{"set", "x"}}}}}}});
  EXPECT_EQ(r.status, 400);
  r = sim().put(api() + "/issue/" + sub_key, {{"fields", {{"customfield_10043", 3}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["errors"].contains("customfield_10043"));
  json task = {{"project", {{"key", "PROJ"}}},
               {"issuetype", {{"name", "Task"}}},
               {"summary", "a task"},
               {"customfield_10044", "notes"}};
  r = sim().post(api() + "/issue", {{"fields", task}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["errors"].contains("customfield_10044"));
}

TEST_P(FieldsTest, ChangelogRecordsEveryChange) {
  std::string key = create(every_field("history"));
  json change = {{"components", {{{"name", "Backend"}}, {{"name", "Search"}}}},
                 {"fixVersions", {{{"name", "2.0"}}}},
                 {"duedate", "2026-03-01"},
                 {"customfield_10040", {{"value", "Payments"}}},
                 {"customfield_10041", {{{"value", "Android"}}, {{"value", "Web"}}}},
                 {"customfield_10042", "2026-04-05"},
                 {"customfield_10043", 3},
                 {"customfield_10044", "second"},
                 {"customfield_10045", nullptr}};
  ASSERT_EQ(sim().put(api() + "/issue/" + key, {{"fields", change}}).status, 204);
  auto item = [](const std::string& field, const std::string& type, const std::string& id,
                 const json& from, const json& from_string, const json& to, const json& to_string) {
    return json{{"field", field},       {"fieldtype", type},         {"fieldId", id},
                {"from", from},         {"fromString", from_string}, {"to", to},
                {"toString", to_string}};
  };
  // One item per component or version removed or added.
  EXPECT_EQ(
      last_items(key, "components"),
      json::array({item("Component", "jira", "components", "10202", "API", nullptr, nullptr),
                   item("Component", "jira", "components", nullptr, nullptr, "10203", "Search")}));
  EXPECT_EQ(
      last_items(key, "fixVersions"),
      json::array({item("Fix Version", "jira", "fixVersions", "10301", "1.1", nullptr, nullptr),
                   item("Fix Version", "jira", "fixVersions", nullptr, nullptr, "10302", "2.0")}));
  EXPECT_EQ(last_items(key, "duedate"),
            json::array({item("duedate", "jira", "duedate", "2026-01-31", "2026-01-31 00:00:00.0",
                              "2026-03-01", "2026-03-01 00:00:00.0")}));
  EXPECT_EQ(last_items(key, "customfield_10040"),
            json::array({item("Team", "custom", "customfield_10040", "10101", "Search", "10103",
                              "Payments")}));
  EXPECT_EQ(last_items(key, "customfield_10041"),
            json::array({item("Platforms", "custom", "customfield_10041", "[10110, 10112]",
                              "iOS,Web", "[10111, 10112]", "Android,Web")}));
  EXPECT_EQ(last_items(key, "customfield_10042"),
            json::array({item("Target start", "custom", "customfield_10042", "2026-02-01",
                              "1/Feb/26", "2026-04-05", "5/Apr/26")}));
  EXPECT_EQ(last_items(key, "customfield_10043"),
            json::array(
                {item("Budget", "custom", "customfield_10043", nullptr, "1500.5", nullptr, "3")}));
  EXPECT_EQ(last_items(key, "customfield_10044"),
            json::array({item("Release notes", "custom", "customfield_10044", nullptr,
                              "first notes", nullptr, "second")}));
  EXPECT_EQ(
      last_items(key, "customfield_10045"),
      json::array({item("Reviewer", "custom", "customfield_10045",
                        dc() ? "JIRAUSER0002" : kOtherAccount, "Other User", nullptr, nullptr)}));

  // Setting what is already there records nothing and leaves `updated` alone.
  json before = sim().get(api() + "/issue/" + key + "?expand=changelog").body;
  ASSERT_EQ(sim().put(api() + "/issue/" + key, {{"fields", change}}).status, 204);
  json after = sim().get(api() + "/issue/" + key + "?expand=changelog").body;
  EXPECT_EQ(after["changelog"]["total"], before["changelog"]["total"]);
  EXPECT_EQ(after["fields"]["updated"], before["fields"]["updated"]);

  // An edit through the control API is recorded too, under that user.
  auto other = sim().edit_as_other(key, {{"fields", {{"customfield_10040", nullptr}}}});
  ASSERT_EQ(other.status, 200) << other.raw;
  EXPECT_EQ(last_items(key, "customfield_10040"),
            json::array({item("Team", "custom", "customfield_10040", "10103", "Payments", nullptr,
                              nullptr)}));
}

TEST_P(FieldsTest, DumpAndLoadRoundTripTheValues) {
  std::string key = create(every_field("dumped"));
  json rendered = fields_of(key);
  json dump = sim().state();
  json issue = dump["issues"][1];
  EXPECT_EQ(issue["components"], json({"API", "Backend"}));
  EXPECT_EQ(issue["fixVersions"], json({"1.1"}));
  EXPECT_EQ(issue["duedate"], "2026-01-31");
  EXPECT_EQ(issue["customFields"], json({{"customfield_10040", "Search"},
                                         {"customfield_10041", {"iOS", "Web"}},
                                         {"customfield_10042", "2026-02-01"},
                                         {"customfield_10043", 1500.5},
                                         {"customfield_10044", "first notes"},
                                         {"customfield_10045", kOtherAccount}}));
  EXPECT_EQ(dump["issues"][0]["components"], json::array());
  EXPECT_TRUE(dump["issues"][0]["duedate"].is_null());
  EXPECT_EQ(dump["issues"][0]["customFields"], json::object());

  sim().reset(false);
  sim().load_state(dump);
  EXPECT_EQ(sim().state(), dump);
  EXPECT_EQ(fields_of(key), rendered);

  // A hand-written seed: names, option values, a user by name or account id, and a value in the
  // field that is on no screen.
  json seeded = dump;
  json& s = seeded["issues"][1];
  s["components"] = {"Search", "10200"};
  s["fixVersions"] = {"1.0", "2.0"};
  s["customFields"] = {{"customfield_10040", "Mobile"},
                       {"customfield_10041", {"Desktop"}},
                       {"customfield_10043", 2},
                       {"customfield_10045", "sim"},
                       {"customfield_10046", "from the old days"}};
  sim().load_state(seeded);
  json f = fields_of(key);
  EXPECT_EQ(f["components"][0]["name"], "Backend");
  EXPECT_EQ(f["components"][1]["name"], "Search");
  EXPECT_EQ(f["fixVersions"].size(), 2u);
  EXPECT_EQ(f["customfield_10040"]["value"], "Mobile");
  EXPECT_EQ(f["customfield_10041"][0]["value"], "Desktop");
  EXPECT_EQ(f["customfield_10043"], 2.0);
  EXPECT_EQ(f["customfield_10045"]["displayName"], "Sim User");
  EXPECT_EQ(f["customfield_10046"], "from the old days");
  EXPECT_TRUE(f["customfield_10042"].is_null());
  EXPECT_EQ(sim().state()["issues"][1]["customFields"]["customfield_10045"], kSimAccount)
      << "dumped as the account id, like the assignee";

  // Dumps from before these fields load, with nothing set.
  json old = dump;
  for (auto& i : old["issues"]) {
    for (const char* k : {"components", "fixVersions", "duedate", "customFields"}) i.erase(k);
  }
  sim().load_state(old);
  EXPECT_EQ(fields_of(key)["components"], json::array());
  EXPECT_TRUE(fields_of(key)["customfield_10040"].is_null());

  // A bad value refuses the whole load and keeps the state.
  const json current = sim().state();
  auto refused = [&](const std::string& k, const json& v) {
    json bad = dump;
    if (k.rfind("customfield_", 0) == 0) {
      bad["issues"][1]["customFields"][k] = v;
    } else {
      bad["issues"][1][k] = v;
    }
    auto r = sim().request("PUT", "/_sim/state", bad.dump());
    EXPECT_EQ(r.status, 400) << k << " " << v.dump();
    return r.body.value("error", std::string());
  };
  EXPECT_NE(refused("components", json({"Nope"})).find("Component name 'Nope' is not valid"),
            std::string::npos);
  EXPECT_NE(refused("fixVersions", "1.1").find("data was not an array"), std::string::npos);
  EXPECT_NE(refused("duedate", "tomorrow").find("PROJ-2"), std::string::npos);
  refused("customfield_10040", "Nope");
  refused("customfield_10041", json({"iOS", "Nope"}));
  refused("customfield_10042", "2026-13-01");
  refused("customfield_10043", "many");
  refused("customfield_10045", "ghost");
  refused("customfield_10016", 3);  // story points live in storyPoints
  refused("customfield_99999", "x");
  EXPECT_EQ(sim().state(), current);
}

}  // namespace managed_fields
}  // namespace epicsync::testing

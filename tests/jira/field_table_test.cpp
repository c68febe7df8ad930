// The field table: discovery of each field's kind, screens and allowed values from Jira's own
// metadata, its values read from and written to issue JSON, and the canonical form the planner
// and the restore compare.
#include <gtest/gtest.h>

#include "jira/discovery.h"
#include "jira/issue_json.h"
#include "tracker/field_table.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;
using tracker::FieldKind;
using tracker::FieldSpec;

const json kAllFields = json::parse(R"([
  {"id":"summary","name":"Summary","custom":false,"schema":{"type":"string","system":"summary"}},
  {"id":"components","name":"Components","custom":false,
   "schema":{"type":"array","items":"component","system":"components"}},
  {"id":"fixVersions","name":"Fix versions","custom":false,
   "schema":{"type":"array","items":"version","system":"fixVersions"}},
  {"id":"duedate","name":"Due date","custom":false,"schema":{"type":"date","system":"duedate"}},
  {"id":"customfield_10040","name":"Team","custom":true,
   "schema":{"type":"option","custom":"com.atlassian.jira.plugin.system.customfieldtypes:select"}},
  {"id":"customfield_10041","name":"Platforms","custom":true,
   "schema":{"type":"array","items":"option",
             "custom":"com.atlassian.jira.plugin.system.customfieldtypes:multiselect"}},
  {"id":"customfield_10043","name":"Budget","custom":true,
   "schema":{"type":"number","custom":"com.atlassian.jira.plugin.system.customfieldtypes:float"}},
  {"id":"customfield_10047","name":"Notes","custom":true,
   "schema":{"type":"string","custom":"com.atlassian.jira.plugin.system.customfieldtypes:textarea"}},
  {"id":"customfield_10048","name":"Owner","custom":true,"schema":{"type":"user"}},
  {"id":"customfield_10049","name":"Owner","custom":true,"schema":{"type":"user"}}
])");

const json kStoryScreen = json::parse(R"({"fields":[
  {"fieldId":"summary"},
  {"fieldId":"components","allowedValues":[{"id":"1","name":"API"},{"id":"2","name":"Backend"}]},
  {"fieldId":"fixVersions","allowedValues":[{"id":"3","name":"1.0","archived":true},
                                             {"id":"4","name":"2.0","archived":false}]},
  {"fieldId":"duedate"},
  {"fieldId":"customfield_10040","allowedValues":[{"id":"9","value":"Search"},{"id":"8","value":"Mobile"}]},
  {"fieldId":"customfield_10041","allowedValues":[{"id":"7","value":"iOS"},{"id":"6","value":"Web"}]},
  {"fieldId":"customfield_10043"}
]})");

const json kEpicScreen = json::parse(R"({"fields":[{"fieldId":"summary"},{"fieldId":"duedate"}]})");

std::vector<FieldSpec> table(const std::vector<std::pair<std::string, std::string>>& configured) {
  auto t = field_table(kAllFields, {&kStoryScreen, nullptr, &kEpicScreen}, configured);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? *t : std::vector<FieldSpec>{};
}

TEST(FieldTable, SystemFieldsNeedNoConfigurationAndCustomOnesAreFoundByIdOrName) {
  auto t = table({{"Team", "customfield_10040"}, {"Platforms", "platforms"}, {"Budget", "Budget"}});
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].key, "components");
  EXPECT_EQ(t[0].kind, FieldKind::kComponents);
  EXPECT_EQ(t[0].allowed, (std::vector<std::string>{"API", "Backend"}));
  EXPECT_TRUE(t[0].on_story);
  EXPECT_FALSE(t[0].on_epic);
  EXPECT_EQ(t[1].name, "Fix Versions");
  // An archived version cannot be set any more.
  EXPECT_EQ(t[1].allowed, (std::vector<std::string>{"2.0"}));
  EXPECT_EQ(t[2].kind, FieldKind::kDate);
  EXPECT_TRUE(t[2].on_epic);
  EXPECT_EQ(t[3].key, "customfield_10040");
  EXPECT_EQ(t[3].name, "Team");
  EXPECT_EQ(t[3].kind, FieldKind::kOption);
  EXPECT_EQ(t[4].key, "customfield_10041");
  EXPECT_EQ(t[4].kind, FieldKind::kOptions);
  EXPECT_EQ(t[5].kind, FieldKind::kNumber);
}

TEST(FieldTable, AMissingOrAmbiguousConfiguredFieldIsAUsageErrorNamingIt) {
  auto missing =
      field_table(kAllFields, {&kStoryScreen, nullptr, nullptr}, {{"Squad", "customfield_99999"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, epicsync::ErrorKind::kUsage);
  EXPECT_NE(missing.error().message.find("'Squad'"), std::string::npos);
  EXPECT_NE(missing.error().message.find("customfield_99999"), std::string::npos);
  auto twice = field_table(kAllFields, {&kStoryScreen, nullptr, nullptr}, {{"Owner", "Owner"}});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("customfield_10048, customfield_10049"), std::string::npos);
}

TEST(FieldTable, KindsComeFromTheSchemaAndMultiLineTextIsNotWritable) {
  EXPECT_EQ(field_kind_of(json{{"type", "user"}}), FieldKind::kUser);
  EXPECT_EQ(field_kind_of(json{{"type", "array"}, {"items", "version"}}), FieldKind::kVersions);
  EXPECT_EQ(field_kind_of(json{{"type", "string"}, {"custom", "x:textfield"}}), FieldKind::kText);
  EXPECT_EQ(field_kind_of(json{{"type", "string"}, {"custom", "x:textarea"}}),
            FieldKind::kUnsupported);
  auto t = table({{"Notes", "customfield_10047"}});
  const auto* notes = tracker::find_spec(t, "customfield_10047");
  ASSERT_NE(notes, nullptr);
  auto parsed = tracker::parse_value(*notes, "anything");
  EXPECT_NE(parsed.error.find("textarea"), std::string::npos) << parsed.error;
}

TEST(FieldTable, ValuesAreParsedByKindAndCheckedAgainstTheAllowedOnes) {
  auto t = table({{"Team", "customfield_10040"},
                  {"Platforms", "customfield_10041"},
                  {"Budget", "customfield_10043"}});
  const auto& components = *tracker::find_spec(t, "components");
  EXPECT_EQ(tracker::parse_value(components, " backend , api,API ").value,
            (tracker::FieldValue{"API", "Backend"}));
  auto bad = tracker::parse_value(components, "API, Frontend");
  EXPECT_EQ(bad.error, "'Frontend' is not allowed (allowed: API, Backend)");
  EXPECT_TRUE(tracker::parse_value(components, "-").value.empty());
  EXPECT_TRUE(tracker::parse_value(components, "-").error.empty());

  const auto& due = *tracker::find_spec(t, "duedate");
  EXPECT_EQ(tracker::parse_value(due, "2028-02-29").value, (tracker::FieldValue{"2028-02-29"}));
  EXPECT_FALSE(tracker::parse_value(due, "2027-02-29").error.empty());
  EXPECT_FALSE(tracker::parse_value(due, "31/03/2026").error.empty());

  const auto& team = *tracker::find_spec(t, "customfield_10040");
  EXPECT_EQ(tracker::parse_value(team, "search").value, (tracker::FieldValue{"Search"}));
  EXPECT_NE(tracker::parse_value(team, "Payments").error.find("allowed: Search, Mobile"),
            std::string::npos);

  const auto& budget = *tracker::find_spec(t, "customfield_10043");
  EXPECT_EQ(tracker::parse_value(budget, "2500.50").value, (tracker::FieldValue{"2500.5"}));
  EXPECT_EQ(tracker::parse_value(budget, "lots").error, "'lots' is not a number");
}

TEST(FieldTable, IssueJsonReadsAndWritesEachKindAsJiraDoes) {
  auto t = table({{"Team", "customfield_10040"},
                  {"Platforms", "customfield_10041"},
                  {"Budget", "customfield_10043"},
                  {"Owner", "customfield_10048"}});
  FieldIds ids{"", "", t};
  json issue = json::parse(R"({"id":"1","key":"P-1","fields":{
    "components":[{"id":"2","name":"Backend"},{"id":"1","name":"API"}],
    "fixVersions":[],
    "duedate":"2026-03-31",
    "customfield_10040":{"value":"Search","id":"9"},
    "customfield_10041":null,
    "customfield_10043":12.0,
    "customfield_10048":{"accountId":"acc-1","displayName":"Dana"}}})");
  auto r = issue_from_json(issue, ids, tracker::Deployment::kCloud);
  EXPECT_EQ(r.fields["components"], (tracker::FieldValue{"API", "Backend"}));
  EXPECT_EQ(r.fields["fixVersions"], tracker::FieldValue{});
  EXPECT_EQ(r.fields["duedate"], (tracker::FieldValue{"2026-03-31"}));
  EXPECT_EQ(r.fields["customfield_10040"], (tracker::FieldValue{"Search"}));
  EXPECT_EQ(r.fields["customfield_10041"], tracker::FieldValue{});
  EXPECT_EQ(r.fields["customfield_10043"], (tracker::FieldValue{"12"}));
  EXPECT_EQ(r.fields["customfield_10048"], (tracker::FieldValue{"acc-1"}));
  // Every field of the table is there, empty or not: a backup knows it was empty.
  EXPECT_EQ(r.fields.size(), t.size());
  auto fields = search_fields(ids);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "customfield_10041"), fields.end());

  tracker::TrackerInfo info;
  info.fields = t;
  tracker::FieldChanges c;
  c.fields["components"] = {"API"};
  c.fields["duedate"] = {};
  c.fields["customfield_10040"] = {};
  c.fields["customfield_10041"] = {"Web", "iOS"};
  c.fields["customfield_10043"] = {"2.5"};
  c.fields["customfield_10048"] = {"dana"};
  auto update = update_payload(c, info, ids);
  ASSERT_TRUE(update.ok());
  const json& f = (*update)["fields"];
  EXPECT_EQ(f["components"], json::parse(R"([{"name":"API"}])"));
  EXPECT_TRUE(f["duedate"].is_null());
  EXPECT_TRUE(f["customfield_10040"].is_null());
  EXPECT_EQ(f["customfield_10041"], json::parse(R"([{"value":"Web"},{"value":"iOS"}])"));
  EXPECT_EQ(f["customfield_10043"], 2.5);
  EXPECT_EQ(f["customfield_10048"], json::parse(R"({"accountId":"dana"})"));
  info.deployment = tracker::Deployment::kDataCenter;
  auto dc = update_payload(c, info, ids);
  EXPECT_EQ((*dc)["fields"]["customfield_10048"], json::parse(R"({"name":"dana"})"));

  // A create leaves an empty field out: a new issue has it empty already.
  tracker::IssueDraft d;
  d.summary = "New";
  d.fields["components"] = {"Backend"};
  d.fields["duedate"] = {};
  auto create = create_payload(d, info, ids);
  ASSERT_TRUE(create.ok());
  EXPECT_EQ((*create)["fields"]["components"], json::parse(R"([{"name":"Backend"}])"));
  EXPECT_FALSE((*create)["fields"].contains("duedate"));
}

TEST(FieldTable, JournalKeysNameTheFieldAndNothingElse) {
  EXPECT_EQ(tracker::journal_key("components"), "field:components");
  EXPECT_EQ(tracker::field_of_journal_key("field:customfield_10040"), "customfield_10040");
  EXPECT_FALSE(tracker::field_of_journal_key("labels"));
  EXPECT_FALSE(tracker::field_of_journal_key("field:"));
  EXPECT_EQ(tracker::value_text({}), "-");
  EXPECT_EQ(tracker::canonical(FieldKind::kVersions, {"2.0", " 1.0", "2.0", ""}),
            (tracker::FieldValue{"1.0", "2.0"}));
}

}  // namespace
}  // namespace epicsync::jira

#include "backup/snapshot_json.h"

#include <gtest/gtest.h>

namespace epicsync::backup {
namespace {

using tracker::EpicSnapshot;
using tracker::RemoteIssue;
using tracker::RichText;
using tracker::StatusCategory;

RemoteIssue full_issue(const std::string& key, RichText::Format format, std::string raw,
                       StatusCategory category) {
  RemoteIssue i;
  i.id = "100" + key.substr(5);
  i.key = key;
  i.type_id = "10001";
  i.type_name = "Story";
  i.subtask = false;
  i.parent_key = "PROJ-1";
  i.summary = "Summary with \"quotes\", tabs\t and unicode: été ✓";
  i.description = {format, std::move(raw)};
  i.points = 2.5;
  i.priority_id = "3";
  i.priority_name = "Medium";
  i.labels = {"backend", "zeta", "alpha"};  // order is kept, not sorted
  i.assignee = "5b10ac8d82e05b22cc7d4ef5";
  i.assignee_display = "Ada Lovelace";
  i.status = {"10002", "In Review", category};
  i.subtask_keys = {"PROJ-20", "PROJ-21"};
  i.resolution = "Won't Do";
  i.comments = {{"10042",
                 {RichText::Format::kAdf, R"({"type":"doc","version":1,"content":[]})"},
                 "557058:abc",
                 "2025-01-02T03:04:05.000+0000"},
                {"10043", {RichText::Format::kWiki, "*old* commits\r\n"}, "dana", ""}};
  i.links = {{"10500", "Blocks", "blocks", "PROJ-9"},
             {"10501", "Relates", "relates to", "OTHER-4"}};
  i.created = "2025-01-10T09:00:00.000+0000";
  i.updated = "2025-01-12T17:30:12.345+0000";
  i.properties = {{"epicsync", R"({"id":"US-001","comments":{}})"}, {"other", "[1, 2]"}};
  i.fields = {{"components", {"API", "Backend"}},
              {"fixVersions", {}},
              {"duedate", {"2026-03-31"}},
              {"customfield_10040", {"Search"}}};
  return i;
}

EpicSnapshot full_snapshot() {
  EpicSnapshot s;
  // Raw text kept exactly: key order, spacing and escapes of the ADF, trailing whitespace.
  s.epic = full_issue("PROJ-1", RichText::Format::kAdf,
                      R"({"version":1,"type":"doc", "content":[{"type":"paragraph","content":)"
                      R"([{"type":"text","text":"caf\u00e9  "}]}]})",
                      StatusCategory::kInProgress);
  s.epic.type_name = "Epic";
  s.epic.parent_key = "";
  s.epic.points.reset();
  s.stories = {full_issue("PROJ-2", RichText::Format::kWiki,
                          "h1. Title\r\n\n* item  \n{code}x{code}", StatusCategory::kToDo),
               full_issue("PROJ-3", RichText::Format::kEmpty, "", StatusCategory::kDone)};
  s.subtasks = {full_issue("PROJ-20", RichText::Format::kWiki, "sub", StatusCategory::kUnknown)};
  s.subtasks[0].subtask = true;
  s.subtasks[0].parent_key = "PROJ-2";
  s.subtasks[0].points = 0.1 + 0.2;  // not representable in short decimal: must survive exactly
  return s;
}

void expect_same(const EpicSnapshot& a, const EpicSnapshot& b) {
  EXPECT_EQ(a.epic, b.epic);
  EXPECT_EQ(a.stories, b.stories);
  EXPECT_EQ(a.subtasks, b.subtasks);
}

TEST(SnapshotJson, RoundTripsEveryFieldLosslessly) {
  EpicSnapshot original = full_snapshot();
  auto back = snapshot_from_json(snapshot_to_json(original));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(original, *back);
  EXPECT_EQ(back->epic.description.raw, original.epic.description.raw);
  EXPECT_FALSE(back->epic.points.has_value());
  EXPECT_EQ(back->subtasks[0].points, 0.1 + 0.2);
}

TEST(SnapshotJson, RoundTripsThroughText) {
  EpicSnapshot original = full_snapshot();
  auto text = snapshot_to_json(original).dump(2);
  auto back = snapshot_from_json(nlohmann::json::parse(text));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(original, *back);
}

TEST(SnapshotJson, StoresDocumentedFieldNames) {
  auto j = snapshot_to_json(full_snapshot());
  EXPECT_EQ(j["epic"]["description"]["format"], "adf");
  EXPECT_EQ(j["stories"][0]["description"]["format"], "wiki");
  EXPECT_EQ(j["stories"][0]["status"]["category"], "to_do");
  EXPECT_EQ(j["epic"]["status"]["category"], "in_progress");
  EXPECT_EQ(j["stories"][1]["status"]["category"], "done");
  EXPECT_TRUE(j["epic"]["points"].is_null());
  EXPECT_EQ(j["stories"][0]["links"][0]["phrase"], "blocks");
  EXPECT_EQ(j["stories"][0]["properties"]["epicsync"], R"({"id":"US-001","comments":{}})");
  EXPECT_EQ(j["stories"][0]["fields"]["components"], nlohmann::json::parse(R"(["API","Backend"])"));
  EXPECT_EQ(j["stories"][0]["fields"]["fixVersions"], nlohmann::json::array())
      << "an empty field is kept: the backup knows it was empty";
}

TEST(SnapshotJson, ReadsAnOlderSnapshotWithFieldsMissing) {
  auto back = snapshot_from_json(nlohmann::json::parse(R"({"epic":{"key":"PROJ-1"}})"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->epic.key, "PROJ-1");
  EXPECT_TRUE(back->stories.empty());
  EXPECT_EQ(back->epic.description.format, RichText::Format::kEmpty);
  EXPECT_EQ(back->epic.status.category, StatusCategory::kUnknown);
  EXPECT_TRUE(back->epic.fields.empty()) << "nothing read, so nothing to restore";
}

TEST(SnapshotJson, AFieldOfTheTableMustBeAListOfStrings) {
  auto j = snapshot_to_json(full_snapshot());
  j["stories"][0]["fields"]["duedate"] = "2026-03-31";
  auto back = snapshot_from_json(j);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("stories[0].fields.duedate"), std::string::npos)
      << back.error().message;
}

TEST(SnapshotJson, NamesTheFieldOfAWrongType) {
  auto j = snapshot_to_json(full_snapshot());
  j["stories"][1]["summary"] = 42;
  auto back = snapshot_from_json(j);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().kind, ErrorKind::kInputFile);
  EXPECT_NE(back.error().message.find("stories[1].summary"), std::string::npos)
      << back.error().message;
}

TEST(SnapshotJson, RejectsAnUnknownDescriptionFormatAndAMissingEpic) {
  auto j = snapshot_to_json(full_snapshot());
  j["epic"]["description"]["format"] = "html";
  EXPECT_FALSE(snapshot_from_json(j));
  EXPECT_FALSE(snapshot_from_json(nlohmann::json::parse(R"({"stories":[]})")));
  EXPECT_FALSE(snapshot_from_json(nlohmann::json::parse("[1]")));
}

}  // namespace
}  // namespace epicsync::backup

#include <gtest/gtest.h>

#include <algorithm>

#include "jira/issue_json.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

TEST(IssueJson, ReadsEveryManagedField) {
  json issue = json::parse(R"({"id":"10002","key":"PROJ-2","fields":{
    "summary":"Guest checkout","description":{"type":"doc","version":1,"content":[]},
    "status":{"id":"3","name":"In Progress","statusCategory":{"key":"indeterminate"}},
    "priority":{"id":"2","name":"High"},"labels":["a","b"],
    "assignee":{"accountId":"abc","displayName":"Dana"},
    "issuetype":{"id":"10001","name":"Story","subtask":false},
    "parent":{"key":"PROJ-1"},"customfield_10016":5,"subtasks":[{"key":"PROJ-3"}],
    "created":"2025-01-01T00:00:00.000+0000","updated":"2025-01-02T00:00:00.000+0000"},
    "properties":{"epicsync":{"id":"US-001"}}})");
  auto r = issue_from_json(issue, {"customfield_10016", "", {}}, tracker::Deployment::kCloud);
  EXPECT_EQ(r.key, "PROJ-2");
  EXPECT_EQ(r.summary, "Guest checkout");
  EXPECT_EQ(r.description.format, tracker::RichText::Format::kAdf);
  EXPECT_EQ(r.status.category, tracker::StatusCategory::kInProgress);
  EXPECT_EQ(r.priority_name, "High");
  EXPECT_EQ(r.labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.assignee, "abc");
  EXPECT_EQ(r.parent_key, "PROJ-1");
  EXPECT_EQ(r.points, 5.0);
  EXPECT_EQ(r.subtask_keys, (std::vector<std::string>{"PROJ-3"}));
  EXPECT_EQ(identity_of(r), "US-001");
}

TEST(IssueJson, SearchAsksForEveryFieldTheModelReads) {
  auto fields = search_fields({"customfield_10016", "customfield_10014", {}});
  for (const char* f :
       {"summary", "description", "status", "priority", "labels", "assignee", "issuetype", "parent",
        "subtasks", "issuelinks", "resolution", "customfield_10016", "customfield_10014"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(IssueJson, ReadsLinksAndResolution) {
  json issue = json::parse(R"({"key":"P-2","fields":{"resolution":{"name":"Won't Do"},
    "issuelinks":[{"id":"9","type":{"name":"Blocks","inward":"is blocked by","outward":"blocks"},
                   "outwardIssue":{"key":"P-7"}},
                  {"id":"10","type":{"name":"Blocks","inward":"is blocked by","outward":"blocks"},
                   "inwardIssue":{"key":"P-8"}}]}})");
  auto r = issue_from_json(issue, {}, tracker::Deployment::kCloud);
  EXPECT_EQ(r.resolution, "Won't Do");
  ASSERT_EQ(r.links.size(), 2u);
  EXPECT_EQ(r.links[0].phrase, "blocks");
  EXPECT_EQ(r.links[0].other_key, "P-7");
  EXPECT_EQ(r.links[1].phrase, "is blocked by");
  EXPECT_EQ(r.links[1].other_key, "P-8");
}

TEST(IssueJson, ReadsCommentsForTheBackup) {
  json issue = json::parse(R"({"key":"P-2","fields":{"comment":{"comments":[
    {"id":"7","body":{"type":"doc","version":1,"content":[]},"author":{"accountId":"a-1"},
     "created":"2025-01-01T00:00:00.000+0000"},
    {"id":"8","body":"*wiki*","author":{"name":"dana"}}],"total":2}}})");
  auto r = issue_from_json(issue, {}, tracker::Deployment::kCloud);
  ASSERT_EQ(r.comments.size(), 2u);
  EXPECT_EQ(r.comments[0].id, "7");
  EXPECT_EQ(r.comments[0].body.format, tracker::RichText::Format::kAdf);
  EXPECT_EQ(r.comments[0].author, "a-1");
  EXPECT_EQ(r.comments[1].body.raw, "*wiki*");
  EXPECT_EQ(r.comments[1].author, "dana");
}

TEST(IssueJson, DataCenterWikiAndEpicLink) {
  json issue = json::parse(R"({"id":"1","key":"P-2","fields":{"description":"h1. Title",
    "assignee":{"name":"dana"},"customfield_10014":"P-1"}})");
  auto r = issue_from_json(issue, {"", "customfield_10014", {}}, tracker::Deployment::kDataCenter);
  EXPECT_EQ(r.description.format, tracker::RichText::Format::kWiki);
  EXPECT_EQ(r.description.raw, "h1. Title");
  EXPECT_EQ(r.assignee, "dana");
  EXPECT_EQ(r.parent_key, "P-1");
  EXPECT_FALSE(r.points);
}

TEST(IssueJson, CreatePayloadCarriesIdentityAndOnlyGivenFields) {
  tracker::TrackerInfo info;
  info.project_key = "PROJ";
  info.story_type_id = "10001";
  info.subtask_type_id = "10003";
  tracker::IssueDraft d;
  d.identity = "US-1";
  d.parent_key = "PROJ-1";
  d.summary = "S";
  d.points = 2;
  auto p = create_payload(d, info, {"customfield_10016", "", {}}).value();
  EXPECT_EQ(p["fields"]["issuetype"]["id"], "10001");
  EXPECT_EQ(p["fields"]["parent"]["key"], "PROJ-1");
  EXPECT_EQ(p["fields"]["customfield_10016"], 2.0);
  EXPECT_FALSE(p["fields"].contains("priority"));
  EXPECT_FALSE(p["fields"].contains("labels"));
  EXPECT_FALSE(p["fields"].contains("description"));
  EXPECT_EQ(p["properties"][0]["value"]["id"], "US-1");

  auto company = create_payload(d, info, {"customfield_10016", "customfield_10014", {}}).value();
  EXPECT_EQ(company["fields"]["customfield_10014"], "PROJ-1");
  EXPECT_FALSE(company["fields"].contains("parent"));
  d.subtask = true;
  auto sub = create_payload(d, info, {"", "customfield_10014", {}}).value();
  EXPECT_EQ(sub["fields"]["parent"]["key"], "PROJ-1") << "sub-tasks always use parent";
  EXPECT_EQ(sub["fields"]["issuetype"]["id"], "10003");
}

TEST(IssueJson, DescriptionIsAdfOnCloudAndWikiOnDataCenter) {
  tracker::TrackerInfo info;
  tracker::FieldChanges c;
  c.description_markdown = "**bold**";
  info.deployment = tracker::Deployment::kCloud;
  auto cloud = update_payload(c, info, {}).value();
  EXPECT_EQ(cloud["fields"]["description"]["type"], "doc");
  info.deployment = tracker::Deployment::kDataCenter;
  auto dc = update_payload(c, info, {}).value();
  EXPECT_EQ(dc["fields"]["description"].get<std::string>().rfind("*bold*", 0), 0u);
}

TEST(IssueJson, UpdateClearsPointsAndRestoresRawRichText) {
  tracker::TrackerInfo info;
  tracker::FieldChanges c;
  c.points = std::optional<double>{};
  c.description_raw = tracker::RichText{tracker::RichText::Format::kAdf,
                                        R"({"type":"doc","version":1,"content":[]})"};
  auto p = update_payload(c, info, {"customfield_10016", "", {}}).value();
  EXPECT_TRUE(p["fields"]["customfield_10016"].is_null());
  EXPECT_EQ(p["fields"]["description"]["type"], "doc");
  EXPECT_EQ(p["fields"].size(), 2u);
}

TEST(IssueJson, RawRichTextIsSentAsTheDeploymentWantsIt) {
  using tracker::RichText;
  const auto cloud = tracker::Deployment::kCloud;
  const auto dc = tracker::Deployment::kDataCenter;
  const std::string adf =
      R"({"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"hi"}]}]})";
  auto on_cloud = raw_rich_text_value({RichText::Format::kAdf, adf}, cloud);
  ASSERT_TRUE(on_cloud.ok());
  EXPECT_EQ(*on_cloud, nlohmann::json::parse(adf)) << "the object itself, not a string";
  auto wiki = raw_rich_text_value({RichText::Format::kWiki, "h1. Title\n*bold*"}, dc);
  ASSERT_TRUE(wiki.ok());
  EXPECT_EQ(*wiki, "h1. Title\n*bold*");
  EXPECT_TRUE(raw_rich_text_value({}, cloud)->is_null());
  EXPECT_TRUE(raw_rich_text_value({}, dc)->is_null());
  // The other deployment's format is converted: Jira would refuse it as it is.
  auto adf_on_dc = raw_rich_text_value({RichText::Format::kAdf, adf}, dc);
  ASSERT_TRUE(adf_on_dc.ok());
  ASSERT_TRUE(adf_on_dc->is_string());
  EXPECT_EQ(adf_on_dc->get<std::string>().rfind("hi", 0), 0u) << *adf_on_dc;
  auto wiki_on_cloud = raw_rich_text_value({RichText::Format::kWiki, "*bold*"}, cloud);
  ASSERT_TRUE(wiki_on_cloud.ok());
  EXPECT_EQ((*wiki_on_cloud)["type"], "doc");
  EXPECT_FALSE(raw_rich_text_value({RichText::Format::kAdf, "{not json"}, cloud).ok());
  EXPECT_FALSE(raw_rich_text_value({RichText::Format::kAdf, "\"text\""}, cloud).ok());
}

TEST(IssueJson, CreateSendsTheRawDescriptionInsteadOfMarkdown) {
  tracker::TrackerInfo info;
  info.project_key = "PROJ";
  tracker::IssueDraft d;
  d.summary = "S";
  d.description_markdown = "**markdown**";
  d.description_raw = tracker::RichText{tracker::RichText::Format::kWiki, "{quote}kept{quote}"};
  info.deployment = tracker::Deployment::kDataCenter;
  auto p = create_payload(d, info, {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["fields"]["description"], "{quote}kept{quote}");
  d.description_raw = tracker::RichText{};  // kEmpty: no description at all
  auto none = create_payload(d, info, {});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE((*none)["fields"].contains("description"));
  d.description_raw = tracker::RichText{tracker::RichText::Format::kAdf, "[1"};
  info.deployment = tracker::Deployment::kCloud;
  EXPECT_FALSE(create_payload(d, info, {}).ok());
  tracker::FieldChanges c;
  c.description_raw = tracker::RichText{};
  auto cleared = update_payload(c, info, {});
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE((*cleared)["fields"]["description"].is_null()) << "kEmpty clears the description";
}

}  // namespace
}  // namespace epicsync::jira

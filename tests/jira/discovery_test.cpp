#include <gtest/gtest.h>

#include "jira/discovery.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

const json kFields = json::parse(R"([
  {"id":"summary","name":"Summary","custom":false},
  {"id":"customfield_10016","name":"Story point estimate","custom":true},
  {"id":"customfield_10026","name":"Story Points","custom":true},
  {"id":"customfield_10014","name":"Epic Link","custom":true,
   "schema":{"custom":"com.pyxis.greenhopper.jira:gh-epic-link"}}
])");

TEST(Discovery, PointsFieldIsNarrowedToTheScreen) {
  auto f = choose_points_field(kFields, {"summary", "customfield_10016"}, "");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, "customfield_10016");
}

TEST(Discovery, TwoPointsFieldsOnTheScreenIsAnErrorListingBoth) {
  auto f = choose_points_field(kFields, {"customfield_10016", "customfield_10026"}, "");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("customfield_10016 (Story point estimate)"), std::string::npos);
  EXPECT_NE(f.error().message.find("customfield_10026 (Story Points)"), std::string::npos);
  EXPECT_NE(f.error().hint.find("jira.story_points_field"), std::string::npos);
}

TEST(Discovery, OverrideWinsAndMustExist) {
  auto ok =
      choose_points_field(kFields, {"customfield_10016", "customfield_10026"}, "customfield_10026");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "customfield_10026");
  EXPECT_FALSE(choose_points_field(kFields, {}, "customfield_99999").ok());
}

TEST(Discovery, NoPointsFieldOnTheScreenIsNone) {
  auto f = choose_points_field(kFields, {"summary"}, "");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, "");
}

TEST(Discovery, IssueTypesFindTheProjectsSubtaskTypeByFlag) {
  json page = json::parse(R"({"issueTypes":[
    {"id":"1","name":"Epic","subtask":false},{"id":"2","name":"Story","subtask":false},
    {"id":"3","name":"Technical task","subtask":true}],"total":3})");
  auto t = choose_issue_types(page);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->story_id, "2");
  EXPECT_EQ(t->subtask_id, "3");
  EXPECT_EQ(t->epic_id, "1") << "Data Center: the type named Epic";
  // Cloud: the type one level above stories, whatever its name.
  json cloud = json::parse(R"({"issueTypes":[
    {"id":"7","name":"Initiative","subtask":false,"hierarchyLevel":2},
    {"id":"8","name":"Épica","subtask":false,"hierarchyLevel":1},
    {"id":"9","name":"Story","subtask":false,"hierarchyLevel":0}]})");
  auto c = choose_issue_types(cloud);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->epic_id, "8");
  EXPECT_EQ(c->story_id, "9");
  json no_story = json::parse(R"({"issueTypes":[{"id":"1","name":"Epic"}]})");
  auto missing = choose_issue_types(no_story);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("Epic"), std::string::npos);
}

TEST(Discovery, EpicLinkOnlyWhenOnTheStoryScreen) {
  EXPECT_EQ(choose_epic_link_field(kFields, {"customfield_10014"}), "customfield_10014");
  EXPECT_EQ(choose_epic_link_field(kFields, {"summary"}), "");
}

TEST(Discovery, ScreenFieldShapes) {
  json modern = json::parse(R"({"fields":[{"fieldId":"summary"},{"fieldId":"customfield_1"}]})");
  EXPECT_EQ(screen_field_ids(modern), (std::vector<std::string>{"summary", "customfield_1"}));
  json values = json::parse(R"({"values":[{"fieldId":"a"}]})");
  EXPECT_EQ(screen_field_ids(values), (std::vector<std::string>{"a"}));
}

TEST(Discovery, DeploymentFromServerInfo) {
  EXPECT_EQ(deployment_from_server_info({{"deploymentType", "Cloud"}}),
            tracker::Deployment::kCloud);
  EXPECT_EQ(deployment_from_server_info({{"deploymentType", "Server"}}),
            tracker::Deployment::kDataCenter);
}

}  // namespace
}  // namespace epicsync::jira

// jira-sim's REST surface on the Cloud flavour: auth, metadata, issues, comments, properties,
// links and the changelog.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

json adf(const std::string& text) {
  return {
      {"type", "doc"},
      {"version", 1},
      {"content", json::array({{{"type", "paragraph"},
                                {"content", json::array({{{"type", "text"}, {"text", text}}})}}})}};
}

json story_fields(const std::string& summary) {
  return {{"project", {{"key", "PROJ"}}},
          {"issuetype", {{"name", "Story"}}},
          {"summary", summary},
          {"parent", {{"key", "PROJ-1"}}}};
}

class RestTest : public JiraSimTest {};

TEST_F(RestTest, MissingOrWrongCredentialsGet401WithJiraErrorShape) {
  auto none = sim().request("GET", "/rest/api/3/myself", std::nullopt, "");
  EXPECT_EQ(none.status, 401);
  ASSERT_TRUE(none.body.contains("errorMessages"));
  EXPECT_FALSE(none.body["errorMessages"].empty());
  EXPECT_TRUE(none.body["errors"].is_object());
  auto wrong = sim().request("GET", "/rest/api/3/myself", std::nullopt,
                             "Basic c2ltQGV4YW1wbGUuY29tOndyb25n");  // sim@example.com:wrong
  EXPECT_EQ(wrong.status, 401);
  auto bearer = sim().request("GET", "/rest/api/3/myself", std::nullopt, "Bearer sim-pat");
  EXPECT_EQ(bearer.status, 401) << "Cloud takes Basic email:token, not a PAT";
  EXPECT_EQ(sim().get("/rest/api/3/myself").status, 200);
}

TEST_F(RestTest, CustomCredentialsAreHonoured) {
  JiraSim custom({"--email", "me@corp.test", "--token", "t0k3n"});
  EXPECT_EQ(custom.get("/rest/api/2/myself").status, 200);
  auto r = custom.request("GET", "/rest/api/2/myself", std::nullopt,
                          sim().auth_header());  // the default credentials
  EXPECT_EQ(r.status, 401);
}

TEST(ProjectOptionTest, KeysFollowTheProjectKey) {
  JiraSim custom({"--project", "ABC", "--project-name", "Alphabet"});
  EXPECT_EQ(custom.create_issue("Task", "first"), "ABC-1");
  auto p = custom.get("/rest/api/3/project/ABC");
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(p.body["name"], "Alphabet");
  EXPECT_EQ(custom.get("/rest/api/3/project/PROJ").status, 404);
}

TEST_F(RestTest, MyselfAndServerInfoDescribeACloudSite) {
  auto me = sim().get("/rest/api/3/myself");
  EXPECT_EQ(me.body["emailAddress"], "sim@example.com");
  EXPECT_TRUE(me.body.contains("accountId"));
  auto info = sim().get("/rest/api/3/serverInfo");
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(info.body["deploymentType"], "Cloud");
  EXPECT_EQ(info.body["baseUrl"], sim().url());
}

TEST_F(RestTest, FieldListHasTwoStoryPointLookalikes) {
  auto r = sim().get("/rest/api/3/field");
  ASSERT_EQ(r.status, 200);
  std::map<std::string, std::string> names;
  for (const auto& f : r.body) names[f["id"]] = f["name"];
  EXPECT_EQ(names["customfield_10016"], "Story point estimate");
  EXPECT_EQ(names["customfield_10026"], "Story Points");
  EXPECT_EQ(names["customfield_10014"], "Epic Link");
  EXPECT_EQ(names["summary"], "Summary");
}

TEST_F(RestTest, ProjectPriorityStatusAndResolution) {
  auto p = sim().get("/rest/api/3/project/PROJ");
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(p.body["key"], "PROJ");
  EXPECT_EQ(p.body["simplified"], true);
  EXPECT_EQ(sim().get("/rest/api/3/project/NOPE").status, 404);
  auto prio = sim().get("/rest/api/3/priority");
  ASSERT_EQ(prio.body.size(), 5u);
  EXPECT_EQ(prio.body[0]["name"], "Highest");
  EXPECT_EQ(prio.body[4]["name"], "Lowest");
  auto status = sim().get("/rest/api/3/status");
  ASSERT_EQ(status.body.size(), 4u);
  EXPECT_EQ(status.body[0]["statusCategory"]["key"], "new");
  EXPECT_EQ(status.body[3]["statusCategory"]["key"], "done");
  EXPECT_EQ(sim().get("/rest/api/3/resolution").body[0]["name"], "Done");
}

TEST_F(RestTest, CreatemetaPagesIssueTypesAndPutsStoryPointsOnlyOnStoryAndSubtask) {
  auto types = sim().get("/rest/api/3/issue/createmeta/PROJ/issuetypes?maxResults=2");
  ASSERT_EQ(types.status, 200);
  EXPECT_EQ(types.body["total"], 4);
  EXPECT_EQ(types.body["issueTypes"].size(), 2u);
  auto rest = sim().get("/rest/api/3/issue/createmeta/PROJ/issuetypes?startAt=2");
  ASSERT_EQ(rest.body["issueTypes"].size(), 2u);
  EXPECT_EQ(rest.body["issueTypes"][1]["name"], "Sub-task");
  EXPECT_EQ(rest.body["issueTypes"][1]["subtask"], true);

  auto field_ids = [&](const std::string& type_id) {
    std::set<std::string> ids;
    auto r = sim().get("/rest/api/3/issue/createmeta/PROJ/issuetypes/" + type_id);
    for (const auto& f : r.body["fields"]) ids.insert(f["fieldId"].get<std::string>());
    return ids;
  };
  EXPECT_TRUE(field_ids("10001").count("customfield_10016"));   // Story
  EXPECT_TRUE(field_ids("10003").count("customfield_10016"));   // Sub-task
  EXPECT_FALSE(field_ids("10002").count("customfield_10016"));  // Task
  EXPECT_FALSE(field_ids("10001").count("customfield_10026"));
  EXPECT_FALSE(field_ids("10001").count("customfield_10014")) << "team-managed: no Epic Link";
  EXPECT_EQ(sim().get("/rest/api/3/issue/createmeta/PROJ/issuetypes/999").status, 404);
}

TEST_F(RestTest, CreateGetEditDeleteRoundTrip) {
  json fields = story_fields("First story");
  fields["description"] = adf("Some text");
  fields["labels"] = {"a", "b"};
  fields["customfield_10016"] = 5;
  fields["priority"] = {{"name", "High"}};
  auto created = sim().post("/rest/api/3/issue", {{"fields", fields}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["key"], "PROJ-2");
  EXPECT_EQ(created.body["id"], "10001");

  auto got = sim().get("/rest/api/3/issue/PROJ-2");
  ASSERT_EQ(got.status, 200);
  const json& f = got.body["fields"];
  EXPECT_EQ(f["summary"], "First story");
  EXPECT_EQ(f["description"], adf("Some text"));
  EXPECT_EQ(f["parent"]["key"], "PROJ-1");
  EXPECT_EQ(f["customfield_10016"], 5.0);
  EXPECT_EQ(f["priority"]["name"], "High");
  EXPECT_EQ(f["status"]["name"], "To Do");
  EXPECT_EQ(f["labels"], json({"a", "b"}));
  EXPECT_TRUE(f["created"].is_string());
  EXPECT_EQ(sim().get("/rest/api/3/issue/10001").body["key"], "PROJ-2") << "ids work as keys";

  auto v2 = sim().get("/rest/api/2/issue/PROJ-2?fields=description");
  EXPECT_EQ(v2.body["fields"]["description"], "Some text") << "v2 reads the body as text";
  EXPECT_FALSE(v2.body["fields"].contains("summary"));

  auto edit =
      sim().put("/rest/api/3/issue/PROJ-2",
                {{"fields", {{"summary", "Renamed"}}},
                 {"update", {{"labels", json::array({{{"add", "c"}}, {{"remove", "a"}}})}}}});
  ASSERT_EQ(edit.status, 204) << edit.raw;
  got = sim().get("/rest/api/3/issue/PROJ-2?fields=summary,labels");
  EXPECT_EQ(got.body["fields"]["summary"], "Renamed");
  EXPECT_EQ(got.body["fields"]["labels"], json({"b", "c"}));

  EXPECT_EQ(sim().del("/rest/api/3/issue/PROJ-2").status, 204);
  auto gone = sim().get("/rest/api/3/issue/PROJ-2");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body["errorMessages"][0],
            "Issue does not exist or you do not have permission to see it.");
}

TEST_F(RestTest, CreateValidatesRequiredFieldsAndLength) {
  auto r = sim().post("/rest/api/3/issue", {{"fields", {{"project", {{"key", "PROJ"}}}}}});
  ASSERT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["errors"].contains("summary"));
  EXPECT_TRUE(r.body["errors"].contains("issuetype"));
  json long_summary = story_fields(std::string(256, 'x'));
  r = sim().post("/rest/api/3/issue", {{"fields", long_summary}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["summary"], "Summary must be less than 255 characters.");
  EXPECT_EQ(
      sim().post("/rest/api/3/issue", {{"fields", story_fields(std::string(255, 'x'))}}).status,
      201);
}

TEST_F(RestTest, SubtaskNeedsAParentOfTheRightLevel) {
  json sub = {
      {"project", {{"key", "PROJ"}}}, {"issuetype", {{"name", "Sub-task"}}}, {"summary", "orphan"}};
  auto r = sim().post("/rest/api/3/issue", {{"fields", sub}});
  ASSERT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["errors"].contains("parent"));
  sub["parent"] = {{"key", "PROJ-1"}};  // an epic cannot hold sub-tasks
  EXPECT_EQ(sim().post("/rest/api/3/issue", {{"fields", sub}}).status, 400);
  std::string story = sim().create_issue("Story", "Story", "PROJ-1");
  sub["parent"] = {{"key", story}};
  r = sim().post("/rest/api/3/issue", {{"fields", sub}});
  ASSERT_EQ(r.status, 201) << r.raw;
  auto parent = sim().get("/rest/api/3/issue/" + story + "?fields=subtasks");
  ASSERT_EQ(parent.body["fields"]["subtasks"].size(), 1u);
  EXPECT_EQ(parent.body["fields"]["subtasks"][0]["key"], r.body["key"]);
}

TEST_F(RestTest, V3RejectsPlainStringRichTextAndV2RejectsAdf) {
  json fields = story_fields("s");
  fields["description"] = "plain text";
  auto r = sim().post("/rest/api/3/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["description"],
            "Operation value must be an Atlassian Document (see the Atlassian Document Format)");
  fields["description"] = {
      {"type", "doc"}, {"version", 1}, {"content", json::array({{{"type", "blink"}}})}};
  EXPECT_EQ(sim().post("/rest/api/3/issue", {{"fields", fields}}).status, 400)
      << "unknown node types are refused";
  fields["description"] = adf("rich");
  r = sim().post("/rest/api/2/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["description"], "Operation value must be a string");
  fields["description"] = "wiki *text*";
  r = sim().post("/rest/api/2/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 201);
  auto v3 = sim().get("/rest/api/3/issue/" + r.body["key"].get<std::string>());
  EXPECT_EQ(v3.body["fields"]["description"]["type"], "doc");
}

TEST_F(RestTest, FieldsOffTheScreenCannotBeSet) {
  json fields = story_fields("s");
  fields["customfield_10026"] = 3;  // the look-alike, not on any screen
  auto r = sim().post("/rest/api/3/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["customfield_10026"],
            "Field 'customfield_10026' cannot be set. It is not on the appropriate screen, or "
            "unknown.");
  fields.erase("customfield_10026");
  fields["nonsense"] = 1;
  EXPECT_EQ(sim().post("/rest/api/3/issue", {{"fields", fields}}).status, 400);
  std::string key = sim().create_issue("Story", "ok", "PROJ-1");
  r = sim().put("/rest/api/3/issue/" + key, {{"fields", {{"status", {{"name", "Done"}}}}}});
  EXPECT_EQ(r.status, 400) << "status changes only through transitions";
}

TEST_F(RestTest, BulkCreateReportsPartialFailureByPosition) {
  json ok = {{"fields", story_fields("one")}};
  json bad = {{"fields", {{"project", {{"key", "PROJ"}}}, {"issuetype", {{"name", "Story"}}}}}};
  auto r = sim().post("/rest/api/3/issue/bulk", {{"issueUpdates", {ok, bad, ok}}});
  ASSERT_EQ(r.status, 201) << r.raw;
  ASSERT_EQ(r.body["issues"].size(), 2u);
  EXPECT_EQ(r.body["issues"][0]["key"], "PROJ-2");
  EXPECT_EQ(r.body["issues"][1]["key"], "PROJ-3");
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["failedElementNumber"], 1);
  EXPECT_EQ(r.body["errors"][0]["status"], 400);
  EXPECT_TRUE(r.body["errors"][0]["elementErrors"]["errors"].contains("summary"));

  auto all_bad = sim().post("/rest/api/3/issue/bulk", {{"issueUpdates", {bad}}});
  EXPECT_EQ(all_bad.status, 400);
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back(ok);
  EXPECT_EQ(sim().post("/rest/api/3/issue/bulk", {{"issueUpdates", many}}).status, 400);
  many.erase(many.begin());
  EXPECT_EQ(sim().post("/rest/api/3/issue/bulk", {{"issueUpdates", many}}).status, 201);
}

TEST_F(RestTest, DeletingAnIssueWithSubtasksNeedsDeleteSubtasks) {
  std::string story = sim().create_issue("Story", "parent", "PROJ-1");
  std::string sub = sim().create_issue("Sub-task", "child", story);
  auto r = sim().del("/rest/api/3/issue/" + story);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + sub).status, 200);
  EXPECT_EQ(sim().del("/rest/api/3/issue/" + story + "?deleteSubtasks=true").status, 204);
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + sub).status, 404);
}

TEST_F(RestTest, CommentsAreAdfOnV3AndStringsOnV2) {
  std::string key = sim().create_issue("Story", "with comments", "PROJ-1");
  auto bad = sim().post("/rest/api/3/issue/" + key + "/comment", {{"body", "plain"}});
  EXPECT_EQ(bad.status, 400);
  auto c1 = sim().post("/rest/api/3/issue/" + key + "/comment", {{"body", adf("first")}});
  ASSERT_EQ(c1.status, 201) << c1.raw;
  auto c2 = sim().post("/rest/api/2/issue/" + key + "/comment", {{"body", "second"}});
  ASSERT_EQ(c2.status, 201);
  EXPECT_EQ(sim().post("/rest/api/2/issue/" + key + "/comment", {{"body", adf("x")}}).status, 400);
  auto list = sim().get("/rest/api/2/issue/" + key + "/comment");
  ASSERT_EQ(list.body["total"], 2);
  EXPECT_EQ(list.body["comments"][0]["body"], "first");
  EXPECT_EQ(list.body["comments"][1]["body"], "second");
  std::string id = c1.body["id"];
  EXPECT_EQ(sim().del("/rest/api/3/issue/" + key + "/comment/" + id).status, 204);
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + key + "/comment").body["total"], 1);
  EXPECT_EQ(sim().del("/rest/api/3/issue/" + key + "/comment/" + id).status, 404);
}

TEST_F(RestTest, IssuePropertiesStoreAnyJson) {
  std::string base = "/rest/api/3/issue/PROJ-1/properties/epicsync";
  EXPECT_EQ(sim().get(base).status, 404);
  EXPECT_EQ(sim().put(base, {{"hash", "abc"}}).status, 201);
  EXPECT_EQ(sim().put(base, {{"hash", "def"}}).status, 200);
  auto got = sim().get(base);
  EXPECT_EQ(got.body["key"], "epicsync");
  EXPECT_EQ(got.body["value"]["hash"], "def");
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1/properties").body["keys"][0]["key"], "epicsync");
  auto with = sim().get("/rest/api/3/issue/PROJ-1?fields=summary&properties=epicsync");
  EXPECT_EQ(with.body["properties"]["epicsync"]["hash"], "def");
  EXPECT_EQ(sim().del(base).status, 204);
  EXPECT_EQ(sim().get(base).status, 404);
}

TEST_F(RestTest, IssueLinksShowOnBothIssues) {
  std::string a = sim().create_issue("Story", "a", "PROJ-1");
  std::string b = sim().create_issue("Story", "b", "PROJ-1");
  auto r = sim().post("/rest/api/3/issueLink", {{"type", {{"name", "Blocks"}}},
                                                {"inwardIssue", {{"key", b}}},
                                                {"outwardIssue", {{"key", a}}}});
  ASSERT_EQ(r.status, 201) << r.raw;
  auto la = sim().get("/rest/api/3/issue/" + a + "?fields=issuelinks").body["fields"]["issuelinks"];
  ASSERT_EQ(la.size(), 1u);
  EXPECT_EQ(la[0]["inwardIssue"]["key"], b);
  auto lb = sim().get("/rest/api/3/issue/" + b + "?fields=issuelinks").body["fields"]["issuelinks"];
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(lb[0]["outwardIssue"]["key"], a);
  std::string id = la[0]["id"];
  EXPECT_EQ(sim().get("/rest/api/3/issueLink/" + id).status, 200);
  EXPECT_EQ(sim().del("/rest/api/3/issueLink/" + id).status, 204);
  EXPECT_TRUE(sim()
                  .get("/rest/api/3/issue/" + a + "?fields=issuelinks")
                  .body["fields"]["issuelinks"]
                  .empty());
  EXPECT_EQ(sim()
                .post("/rest/api/3/issueLink", {{"type", {{"name", "Nope"}}},
                                                {"inwardIssue", {{"key", b}}},
                                                {"outwardIssue", {{"key", a}}}})
                .status,
            404);
}

TEST_F(RestTest, ChangelogRecordsEditsAndPages) {
  std::string key = sim().create_issue("Story", "v0", "PROJ-1");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(
        sim()
            .put("/rest/api/3/issue/" + key, {{"fields", {{"summary", "v" + std::to_string(i)}}}})
            .status,
        204);
  }
  auto page = sim().get("/rest/api/3/issue/" + key + "/changelog?maxResults=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["total"], 3);
  EXPECT_EQ(page.body["isLast"], false);
  ASSERT_EQ(page.body["values"].size(), 2u);
  EXPECT_EQ(page.body["values"][0]["items"][0]["field"], "summary");
  EXPECT_EQ(page.body["values"][0]["items"][0]["fromString"], "v0");
  EXPECT_EQ(page.body["values"][0]["items"][0]["toString"], "v1");
  auto rest = sim().get("/rest/api/3/issue/" + key + "/changelog?startAt=2&maxResults=2");
  EXPECT_EQ(rest.body["isLast"], true);
  EXPECT_EQ(rest.body["values"][0]["items"][0]["toString"], "v3");
}

TEST_F(RestTest, MalformedBodiesAndWrongMediaTypeAreRefused) {
  auto r = sim().request("POST", "/rest/api/3/issue", std::string("{not json"));
  EXPECT_EQ(r.status, 400);
  r = sim().request("POST", "/rest/api/3/issue", std::string("{}"), std::nullopt, "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(sim().get("/rest/api/3/nothing-here").status, 404);
  EXPECT_EQ(sim().request("PATCH", "/rest/api/3/issue/PROJ-1", std::string("{}")).status, 405);
}

}  // namespace
}  // namespace epicsync::testing

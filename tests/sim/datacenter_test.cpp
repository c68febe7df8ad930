// The Data Center flavour: REST v2 only, Bearer PATs, wiki strings, users by name and the
// classic search with startAt/total.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class DataCenterTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

TEST_F(DataCenterTest, BearerPatOnlyAndNoV3) {
  EXPECT_EQ(sim().get("/rest/api/2/myself").status, 200);
  EXPECT_EQ(sim().get("/rest/api/2/myself").body["name"], "sim");
  EXPECT_EQ(sim().request("GET", "/rest/api/2/myself", std::nullopt, "Bearer wrong").status, 401);
  EXPECT_EQ(sim()
                .request("GET", "/rest/api/2/myself", std::nullopt,
                         "Basic c2ltQGV4YW1wbGUuY29tOnNpbS10b2tlbg==")
                .status,
            401);
  EXPECT_EQ(sim().get("/rest/api/3/myself").status, 404);
  EXPECT_EQ(sim().get("/rest/api/2/serverInfo").body["deploymentType"], "Server");
}

TEST_F(DataCenterTest, WikiStringsAndUsersByName) {
  json fields = {{"project", {{"key", "PROJ"}}},
                 {"issuetype", {{"name", "Story"}}},
                 {"summary", "dc story"},
                 {"parent", {{"key", "PROJ-1"}}},
                 {"description", "h1. Title\n* item"},
                 {"assignee", {{"name", "sim"}}}};
  auto r = sim().post("/rest/api/2/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 201) << r.raw;
  auto got = sim().get("/rest/api/2/issue/" + r.body["key"].get<std::string>());
  EXPECT_EQ(got.body["fields"]["description"], "h1. Title\n* item");
  EXPECT_EQ(got.body["fields"]["assignee"]["name"], "sim");
  fields["assignee"] = {{"accountId", "557058:0f3c1a2b-sim-0001"}};
  EXPECT_EQ(sim().post("/rest/api/2/issue", {{"fields", fields}}).status, 400)
      << "Data Center identifies users by name";
  auto users = sim().get("/rest/api/2/user/search?username=oth");
  ASSERT_EQ(users.body.size(), 1u);
  EXPECT_EQ(users.body[0]["name"], "other");
}

TEST_F(DataCenterTest, ClassicSearchPagesWithStartAtAndTotal) {
  for (int i = 0; i < 4; ++i) sim().create_issue("Task", "t" + std::to_string(i), "PROJ-1");
  auto r = sim().get(
      "/rest/api/2/search?jql=parent%3DPROJ-1%20ORDER%20BY%20key&startAt=1"
      "&maxResults=2&fields=summary");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 4);
  EXPECT_EQ(r.body["startAt"], 1);
  EXPECT_EQ(r.body["maxResults"], 2);
  ASSERT_EQ(r.body["issues"].size(), 2u);
  EXPECT_EQ(r.body["issues"][0]["key"], "PROJ-3");
  EXPECT_EQ(r.body["issues"][0]["fields"]["summary"], "t1");
  auto post = sim().post("/rest/api/2/search", {{"jql", "project = PROJ"}, {"maxResults", 50}});
  EXPECT_EQ(post.body["total"], 5);
  EXPECT_TRUE(post.body["issues"][0]["fields"].contains("status")) << "navigable by default";
  EXPECT_EQ(sim().get("/rest/api/2/search/jql?jql=project%3DPROJ").status, 404);
}

TEST_F(DataCenterTest, CreatemetaUsesValuesAndComments) {
  auto meta = sim().get("/rest/api/2/issue/createmeta/PROJ/issuetypes");
  ASSERT_EQ(meta.status, 200);
  EXPECT_EQ(meta.body["values"].size(), 4u);
  EXPECT_EQ(meta.body["isLast"], true);
  auto fields = sim().get("/rest/api/2/issue/createmeta/PROJ/issuetypes/10001");
  EXPECT_FALSE(fields.body["values"].empty());
  auto c = sim().post("/rest/api/2/issue/PROJ-1/comment", {{"body", "a *wiki* comment"}});
  ASSERT_EQ(c.status, 201);
  EXPECT_EQ(c.body["body"], "a *wiki* comment");
  EXPECT_EQ(sim().state()["flavour"], "datacenter");
}

}  // namespace
}  // namespace epicsync::testing

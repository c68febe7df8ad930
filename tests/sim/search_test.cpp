// search/jql on the Cloud flavour: paging by token, the JQL subset, refusals and search lag.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class SearchTest : public JiraSimTest {
 protected:
  std::vector<std::string> keys_of(const SimResponse& r) {
    std::vector<std::string> keys;
    for (const auto& i : r.body["issues"]) keys.push_back(i.value("key", i.value("id", "")));
    return keys;
  }
  SimResponse search(const json& body) { return sim().post("/rest/api/3/search/jql", body); }
};

TEST_F(SearchTest, RemovedSearchEndpointsAnswer410WithAtlassiansText) {
  for (const char* path : {"/rest/api/3/search?jql=project=PROJ", "/rest/api/2/search"}) {
    auto r = sim().get(path);
    EXPECT_EQ(r.status, 410) << path;
    EXPECT_EQ(r.body["errorMessages"][0],
              "The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
              "API. A full migration guideline is available at "
              "https://developer.atlassian.com/changelog/#CHANGE-2046");
  }
  EXPECT_EQ(sim().post("/rest/api/3/search", {{"jql", "project = PROJ"}}).status, 410);
}

TEST_F(SearchTest, WithoutFieldsOnlyIdsComeBack) {
  auto r = search({{"jql", "project = PROJ"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["issues"].size(), 1u);
  EXPECT_EQ(r.body["issues"][0], json({{"id", "10000"}}));
  EXPECT_EQ(r.body["isLast"], true);
  EXPECT_FALSE(r.body.contains("nextPageToken"));
  EXPECT_FALSE(r.body.contains("total")) << "the enhanced search has no total";
}

TEST_F(SearchTest, PagesWithNextPageTokenUntilIsLast) {
  for (int i = 0; i < 7; ++i) sim().create_issue("Story", "s" + std::to_string(i), "PROJ-1");
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  for (;;) {
    json body = {
        {"jql", "parent = PROJ-1 ORDER BY key ASC"}, {"fields", {"summary"}}, {"maxResults", 3}};
    if (!token.empty()) body["nextPageToken"] = token;
    auto r = search(body);
    ASSERT_EQ(r.status, 200) << r.raw;
    ++pages;
    for (const auto& k : keys_of(r)) seen.push_back(k);
    if (r.body["isLast"].get<bool>()) break;
    token = r.body["nextPageToken"];
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.front(), "PROJ-2");
  EXPECT_EQ(seen.back(), "PROJ-8");
  auto bad = search({{"jql", "parent = PROJ-1"}, {"nextPageToken", "garbage"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(SearchTest, GetTakesTheSameParametersAsPost) {
  sim().create_issue("Story", "alpha", "PROJ-1");
  sim().create_issue("Task", "beta", "PROJ-1");
  auto r = sim().get(
      "/rest/api/3/search/jql?jql=parent%20%3D%20PROJ-1%20ORDER%20BY%20key%20DESC"
      "&fields=summary,issuetype&maxResults=1");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["issues"].size(), 1u);
  EXPECT_EQ(r.body["issues"][0]["key"], "PROJ-3");
  EXPECT_EQ(r.body["issues"][0]["fields"]["issuetype"]["name"], "Task");
  EXPECT_EQ(r.body["isLast"], false);
}

TEST_F(SearchTest, JqlSubsetSelectsTheRightIssues) {
  std::string a = sim().create_issue("Story", "Login page", "PROJ-1");
  std::string b = sim().create_issue("Task", "Logout button", "PROJ-1");
  std::string c = sim().create_issue("Sub-task", "Login tests", a);
  std::string epic2 = sim().create_issue("Epic", "Other epic");
  std::string d = sim().create_issue("Story", "Elsewhere", epic2);
  auto q = [&](const std::string& jql) {
    auto r = search({{"jql", jql}, {"fields", {"summary"}}});
    EXPECT_EQ(r.status, 200) << jql << ": " << r.raw;
    return keys_of(r);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(q("parent = PROJ-1"), (V{a, b}));
  EXPECT_EQ(q("parent in (PROJ-1, " + epic2 + ")"), (V{a, b, d}));
  EXPECT_EQ(q("\"Epic Link\" = PROJ-1"), (V{a, b}));
  EXPECT_EQ(q("key in (" + a + ", " + c + ")"), (V{a, c}));
  EXPECT_EQ(q("project = PROJ AND issuetype = Story"), (V{a, d}));
  EXPECT_EQ(q("project = PROJ AND issuetype = \"Sub-task\""), (V{c}));
  EXPECT_EQ(q("summary ~ \"login\""), (V{a, c}));
  EXPECT_EQ(q("summary ~ login OR issuetype = Epic ORDER BY key DESC"), (V{epic2, c, a, "PROJ-1"}));
  EXPECT_EQ(q("(parent = PROJ-1 OR parent = " + a + ") AND NOT issuetype = Task"), (V{a, c}));
  EXPECT_EQ(q("project = PROJ AND status = \"To Do\" AND issuetype != Epic ORDER BY summary"),
            (V{d, a, c, b}));
  EXPECT_EQ(q("parent = PROJ-1 AND labels is EMPTY"), (V{a, b}));
}

TEST_F(SearchTest, UnsupportedOrInvalidJqlIs400WithJirasMessage) {
  auto r = search({{"jql", "bogusfield = 1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errorMessages"][0],
            "Field 'bogusfield' does not exist or you do not have permission to view it.");
  r = search({{"jql", "summary = \"x\""}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errorMessages"][0],
            "The operator '=' is not supported by the 'summary' field.");
  r = search({{"jql", "project = PROJ AND"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["errorMessages"][0].get<std::string>().find("Error in the JQL Query"),
            std::string::npos);
  r = search({{"jql", "project = NOPE"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errorMessages"][0], "The value 'NOPE' does not exist for the field 'project'.");
  r = search({{"jql", "key = PROJ-999"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(search({{"jql", "assignee = currentUser()"}}).status, 400);
  r = search({{"jql", "ORDER BY key"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errorMessages"][0],
            "Unbounded JQL queries are not allowed here. Please add a search restriction to your "
            "query.");
}

TEST_F(SearchTest, PropertiesComeBackWhenAsked) {
  ASSERT_EQ(sim().put("/rest/api/3/issue/PROJ-1/properties/sync", {{"rev", 2}}).status, 201);
  auto r = search({{"jql", "key = PROJ-1"}, {"properties", {"sync"}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["issues"][0]["properties"]["sync"]["rev"], 2);
}

class LaggingSearchTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--search-lag-ms", "600000"};
  }
};

TEST_F(LaggingSearchTest, FreshWritesAreMissingUnlessReconciled) {
  auto created = sim().post("/rest/api/3/issue", {{"fields",
                                                   {{"project", {{"key", "PROJ"}}},
                                                    {"issuetype", {{"name", "Story"}}},
                                                    {"summary", "fresh"},
                                                    {"parent", {{"key", "PROJ-1"}}}}}});
  ASSERT_EQ(created.status, 201);
  long id = std::stol(created.body["id"].get<std::string>());
  auto r = sim().post("/rest/api/3/search/jql", {{"jql", "parent = PROJ-1"}});
  EXPECT_TRUE(r.body["issues"].empty()) << "the index has not caught up";
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + created.body["key"].get<std::string>()).status, 200)
      << "reading the issue directly is consistent";
  r = sim().post("/rest/api/3/search/jql", {{"jql", "parent = PROJ-1"}, {"reconcileIssues", {id}}});
  ASSERT_EQ(r.body["issues"].size(), 1u);
  EXPECT_EQ(r.body["issues"][0]["id"], created.body["id"]);
  auto get =
      sim().get("/rest/api/3/search/jql?jql=parent%3DPROJ-1&reconcileIssues=" + std::to_string(id));
  EXPECT_EQ(get.body["issues"].size(), 1u);
  // The seeded epic was loaded, not written, so it is searchable at once.
  EXPECT_EQ(
      sim().post("/rest/api/3/search/jql", {{"jql", "issuetype = Epic"}}).body["issues"].size(),
      1u);
}

// A property put on an issue the index already holds: search shows the value it held before
// (here: none) until the lag has passed, a direct read and reconcileIssues the new one.
TEST_F(LaggingSearchTest, AFreshPropertyWriteIsStaleInSearchUnlessReconciled) {
  const json epic_only = {{"jql", "issuetype = Epic"}, {"properties", {"epicsync"}}};
  auto before = sim().post("/rest/api/3/search/jql", epic_only);
  ASSERT_EQ(before.body["issues"].size(), 1u);
  const long id = std::stol(before.body["issues"][0]["id"].get<std::string>());
  ASSERT_EQ(sim().put("/rest/api/3/issue/PROJ-1/properties/epicsync", {{"id", "new"}}).status, 201);
  ASSERT_EQ(sim().put("/rest/api/3/issue/PROJ-1/properties/epicsync", {{"id", "newer"}}).status,
            200);
  auto r = sim().post("/rest/api/3/search/jql", epic_only);
  ASSERT_EQ(r.body["issues"].size(), 1u) << "the issue itself is still found";
  EXPECT_FALSE(r.body["issues"][0]["properties"].contains("epicsync")) << r.raw;
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1/properties/epicsync").body["value"]["id"], "newer");
  json reconciled = epic_only;
  reconciled["reconcileIssues"] = {id};
  r = sim().post("/rest/api/3/search/jql", reconciled);
  EXPECT_EQ(r.body["issues"][0]["properties"]["epicsync"]["id"], "newer") << r.raw;
  // Once the index has caught up (no lag left), search shows the newest value.
  sim().put("/_sim/config", {{"search_lag_ms", 0}});
  r = sim().post("/rest/api/3/search/jql", epic_only);
  EXPECT_EQ(r.body["issues"][0]["properties"]["epicsync"]["id"], "newer") << r.raw;
}

class CompanyManagedTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--project-style", "company-managed"};
  }
};

TEST_F(CompanyManagedTest, EpicMembershipGoesThroughTheEpicLinkField) {
  json fields = {{"project", {{"key", "PROJ"}}},
                 {"issuetype", {{"name", "Story"}}},
                 {"summary", "story"},
                 {"parent", {{"key", "PROJ-1"}}}};
  auto r = sim().post("/rest/api/3/issue", {{"fields", fields}});
  EXPECT_EQ(r.status, 400) << "parent is not on a company-managed story screen";
  fields.erase("parent");
  fields["customfield_10014"] = "PROJ-1";
  r = sim().post("/rest/api/3/issue", {{"fields", fields}});
  ASSERT_EQ(r.status, 201) << r.raw;
  auto got = sim().get("/rest/api/3/issue/" + r.body["key"].get<std::string>());
  EXPECT_EQ(got.body["fields"]["customfield_10014"], "PROJ-1");
  EXPECT_FALSE(got.body["fields"].contains("parent"));
  auto s = sim().post("/rest/api/3/search/jql", {{"jql", "\"Epic Link\" = PROJ-1"}});
  ASSERT_EQ(s.body["issues"].size(), 1u);
  EXPECT_EQ(s.body["issues"][0]["id"], r.body["id"]);
  fields["customfield_10014"] = r.body["key"];  // not an epic
  EXPECT_EQ(sim().post("/rest/api/3/issue", {{"fields", fields}}).status, 400);
  auto meta = sim().get("/rest/api/3/issue/createmeta/PROJ/issuetypes/10001");
  bool has_epic_link = false;
  for (const auto& f : meta.body["fields"]) has_epic_link |= f["fieldId"] == "customfield_10014";
  EXPECT_TRUE(has_epic_link);
}

}  // namespace
}  // namespace epicsync::testing

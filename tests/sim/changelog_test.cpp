// The changelog APIs: Cloud's changelog/bulkfetch (limits, order, token paging, fieldIds, unknown
// issues), issue/{key}/changelog and changelog/list, expand=changelog on GET issue and search on
// both flavours, and what records a history: edits, single and bulk transitions, the control API
// (authored by another user). Data Center serves none of the changelog resources.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
// A named namespace: the sim tests are compiled in unity batches, where every file's anonymous
// namespace is one.
namespace changelog_api {

using nlohmann::json;

const std::string kBulkFetch = "/rest/api/3/changelog/bulkfetch";

// One history of a bulkfetch answer with the issue it was listed under.
struct Fetched {
  std::string issue_id;
  json history;
};

std::vector<Fetched> flatten(const json& page) {
  std::vector<Fetched> out;
  for (const auto& log : page["issueChangeLogs"]) {
    for (const auto& h : log["changeHistories"]) {
      out.push_back({log["issueId"].get<std::string>(), h});
    }
  }
  return out;
}

size_t history_count(const json& page) {
  return flatten(page).size();
}

bool jira_timestamp(const json& v) {
  static const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4})");
  return v.is_string() && std::regex_match(v.get<std::string>(), shape);
}

std::vector<std::string> field_ids(const json& history) {
  std::vector<std::string> out;
  for (const auto& i : history["items"]) out.push_back(i["fieldId"].get<std::string>());
  return out;
}

class ChangelogTest : public JiraSimTest {
 protected:
  // The frozen clock moves one second per write, so every history has its own `created`.
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--frozen-clock", "--bulk-task-ms", "0"};
  }

  std::string id_of(const std::string& key) {
    auto r = sim().get("/rest/api/3/issue/" + key + "?fields=summary");
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("id", std::string());
  }

  void rename(const std::string& key, const std::string& summary) {
    auto r = sim().put("/rest/api/3/issue/" + key, {{"fields", {{"summary", summary}}}});
    ASSERT_EQ(r.status, 204) << r.raw;
  }

  int transition(const std::string& key, const std::string& id, const json& fields = nullptr) {
    json body = {{"transition", {{"id", id}}}};
    if (!fields.is_null()) body["fields"] = fields;
    return sim().post("/rest/api/3/issue/" + key + "/transitions", body).status;
  }

  SimResponse fetch(const json& body) { return sim().post(kBulkFetch, body); }

  // Every page of a bulkfetch, following nextPageToken until it is absent.
  std::vector<json> all_pages(json body) {
    std::vector<json> pages;
    for (int guard = 0; guard < 100; ++guard) {
      auto r = fetch(body);
      EXPECT_EQ(r.status, 200) << r.raw;
      if (r.status != 200) break;
      pages.push_back(r.body);
      if (!r.body.contains("nextPageToken") || r.body["nextPageToken"].is_null()) break;
      body["nextPageToken"] = r.body["nextPageToken"];
    }
    return pages;
  }

  // A 400 in Jira's error shape with a message.
  void expect_refused(const json& body, const std::string& why) {
    auto r = fetch(body);
    EXPECT_EQ(r.status, 400) << why << ": " << r.raw;
    EXPECT_TRUE(r.body.is_object() && r.body.contains("errorMessages") &&
                r.body["errorMessages"].is_array() && !r.body["errorMessages"].empty() &&
                r.body.contains("errors") && r.body["errors"] == json::object())
        << why << ": " << r.raw;
  }

  json wait_complete(const std::string& path) {
    json last;
    for (int i = 0; i < 1000; ++i) {
      auto r = sim().get(path);
      last = r.body;
      if (r.status == 200 && last["status"] == "COMPLETE") return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << path << " never completed: " << last.dump();
    return last;
  }
};

TEST_F(ChangelogTest, BulkFetchPagesEveryIssuesHistoriesOldestFirst) {
  const std::string a = sim().create_issue("Story", "a0", "PROJ-1");
  const std::string b = sim().create_issue("Story", "b0", "PROJ-1");
  const std::string c = sim().create_issue("Story", "c0", "PROJ-1");
  const std::string quiet = sim().create_issue("Story", "no history", "PROJ-1");
  // Interleaved, so that the order by date differs from the order by issue.
  rename(a, "a1");
  rename(b, "b1");
  rename(a, "a2");
  rename(c, "c1");
  rename(b, "b2");
  rename(a, "a3");
  const std::string a_id = id_of(a);
  const std::string b_id = id_of(b);
  const std::string c_id = id_of(c);
  // Keys, ids and a key in lower case all name issues; a repeat counts once.
  const json refs = json::array({c, b_id, "proj-" + a.substr(5), quiet, a});

  auto whole = fetch({{"issueIdsOrKeys", refs}});
  ASSERT_EQ(whole.status, 200) << whole.raw;
  EXPECT_FALSE(whole.body.contains("nextPageToken") && !whole.body["nextPageToken"].is_null())
      << "one page holds them all (default maxResults 1000)";
  ASSERT_EQ(whole.body["issueChangeLogs"].size(), 3u) << "an issue without history is not listed";
  // Issues in the order of their first history, each one's histories oldest first.
  EXPECT_EQ(whole.body["issueChangeLogs"][0]["issueId"], a_id);
  EXPECT_EQ(whole.body["issueChangeLogs"][1]["issueId"], b_id);
  EXPECT_EQ(whole.body["issueChangeLogs"][2]["issueId"], c_id);
  std::vector<std::string> a_summaries;
  for (const auto& h : whole.body["issueChangeLogs"][0]["changeHistories"]) {
    a_summaries.push_back(h["items"][0]["toString"].get<std::string>());
  }
  EXPECT_EQ(a_summaries, (std::vector<std::string>{"a1", "a2", "a3"}));

  // The shape of one history: Changelog with a Cloud user and Jira's timestamp.
  const json& h = whole.body["issueChangeLogs"][0]["changeHistories"][0];
  EXPECT_TRUE(h["id"].is_string());
  EXPECT_TRUE(jira_timestamp(h["created"])) << h["created"];
  EXPECT_EQ(h["author"]["accountId"], kSimAccount);
  EXPECT_EQ(h["author"]["displayName"], "Sim User");
  EXPECT_EQ(h["author"]["active"], true);
  EXPECT_EQ(h["author"]["self"], sim().url() + "/rest/api/3/user?accountId=" + kSimAccount);
  EXPECT_EQ(h["items"], json::array({{{"field", "summary"},
                                      {"fieldtype", "jira"},
                                      {"fieldId", "summary"},
                                      {"from", nullptr},
                                      {"fromString", "a0"},
                                      {"to", nullptr},
                                      {"toString", "a1"}}}));
  // The same history as the per-issue endpoints render it.
  auto single = sim().get("/rest/api/3/issue/" + a + "/changelog");
  ASSERT_EQ(single.status, 200);
  EXPECT_EQ(single.body["values"][0], h);
  auto expanded = sim().get("/rest/api/3/issue/" + a + "?fields=summary&expand=changelog");
  EXPECT_EQ(expanded.body["changelog"]["histories"].back(), h) << "Cloud: newest first";

  // Two histories a page: three pages, each older than the next, that join back to the whole.
  std::vector<json> pages = all_pages({{"issueIdsOrKeys", refs}, {"maxResults", 2}});
  ASSERT_EQ(pages.size(), 3u);
  std::vector<std::string> paged_ids;
  std::string previous_created;
  int pages_with_a = 0;
  for (const auto& page : pages) {
    EXPECT_EQ(history_count(page), 2u) << page.dump();
    std::string newest_here;
    bool has_a = false;
    for (const auto& f : flatten(page)) {
      paged_ids.push_back(f.history["id"].get<std::string>());
      const std::string created = f.history["created"].get<std::string>();
      EXPECT_GT(created, previous_created) << "a page holds only histories newer than the last";
      newest_here = std::max(newest_here, created);
      has_a = has_a || f.issue_id == a_id;
    }
    previous_created = newest_here;
    pages_with_a += has_a ? 1 : 0;
  }
  EXPECT_EQ(pages_with_a, 3) << "an issue whose histories straddle pages is on each of them";
  std::vector<std::string> whole_ids;
  for (const auto& f : flatten(whole.body)) whole_ids.push_back(f.history["id"].get<std::string>());
  EXPECT_EQ(std::set<std::string>(paged_ids.begin(), paged_ids.end()),
            std::set<std::string>(whole_ids.begin(), whole_ids.end()));
  EXPECT_EQ(paged_ids.size(), 6u);

  // A page boundary inside one issue: 4 a page splits a's histories 2 + 1.
  std::vector<json> two = all_pages({{"issueIdsOrKeys", json::array({a, b})}, {"maxResults", 4}});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(history_count(two[0]), 4u);
  EXPECT_EQ(history_count(two[1]), 1u);
  EXPECT_EQ(two[1]["issueChangeLogs"][0]["issueId"], a_id);
  EXPECT_EQ(two[1]["issueChangeLogs"][0]["changeHistories"][0]["items"][0]["toString"], "a3");

  // The token continues after the last history served: one written meanwhile comes on a later
  // page and nothing repeats.
  auto p1 = fetch({{"issueIdsOrKeys", json::array({b})}, {"maxResults", 1}});
  ASSERT_EQ(history_count(p1.body), 1u) << p1.raw;
  ASSERT_TRUE(p1.body.contains("nextPageToken")) << p1.raw;
  rename(b, "b3");
  std::vector<json> rest = all_pages({{"issueIdsOrKeys", json::array({b})},
                                      {"maxResults", 1},
                                      {"nextPageToken", p1.body["nextPageToken"]}});
  std::vector<std::string> b_summaries = {
      flatten(p1.body)[0].history["items"][0]["toString"].get<std::string>()};
  for (const auto& page : rest) {
    for (const auto& f : flatten(page)) {
      b_summaries.push_back(f.history["items"][0]["toString"].get<std::string>());
    }
  }
  EXPECT_EQ(b_summaries, (std::vector<std::string>{"b1", "b2", "b3"}));
}

TEST_F(ChangelogTest, BulkFetchFieldIdsKeepOnlyMatchingHistoriesAndItems) {
  const std::string key = sim().create_issue("Story", "s0", "PROJ-1");
  ASSERT_EQ(sim()
                .put("/rest/api/3/issue/" + key,
                     {{"fields", {{"summary", "s1"}, {"labels", json::array({"x"})}}}})
                .status,
            204);
  ASSERT_EQ(sim()
                .put("/rest/api/3/issue/" + key, {{"fields", {{"priority", {{"name", "High"}}}}}})
                .status,
            204);
  ASSERT_EQ(transition(key, "11"), 204);

  auto all = fetch({{"issueIdsOrKeys", json::array({key})}});
  ASSERT_EQ(history_count(all.body), 3u) << all.raw;
  std::vector<std::string> first_ids = field_ids(flatten(all.body)[0].history);
  EXPECT_EQ(std::set<std::string>(first_ids.begin(), first_ids.end()),
            (std::set<std::string>{"summary", "labels"}));

  auto labels =
      fetch({{"issueIdsOrKeys", json::array({key})}, {"fieldIds", json::array({"labels"})}});
  ASSERT_EQ(labels.status, 200) << labels.raw;
  auto got = flatten(labels.body);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(field_ids(got[0].history), (std::vector<std::string>{"labels"}))
      << "only the items of the requested fields";
  EXPECT_EQ(got[0].history["items"][0]["toString"], "x");
  EXPECT_EQ(got[0].history["id"], flatten(all.body)[0].history["id"]);

  auto two = fetch(
      {{"issueIdsOrKeys", json::array({key})}, {"fieldIds", json::array({"status", "priority"})}});
  got = flatten(two.body);
  ASSERT_EQ(got.size(), 2u) << two.raw;
  EXPECT_EQ(field_ids(got[0].history), (std::vector<std::string>{"priority"}));
  EXPECT_EQ(field_ids(got[1].history), (std::vector<std::string>{"status"}));
  // maxResults counts the histories left after the filter.
  auto paged = fetch({{"issueIdsOrKeys", json::array({key})},
                      {"fieldIds", json::array({"status", "priority"})},
                      {"maxResults", 1}});
  EXPECT_EQ(history_count(paged.body), 1u);
  EXPECT_TRUE(paged.body.contains("nextPageToken"));

  auto none =
      fetch({{"issueIdsOrKeys", json::array({key})}, {"fieldIds", json::array({"duedate"})}});
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.body, json({{"issueChangeLogs", json::array()}}));
}

TEST_F(ChangelogTest, BulkFetchLimitsAreJirasAndRefusedWith400) {
  const std::string key = sim().create_issue("Story", "s", "PROJ-1");
  rename(key, "s1");
  json refs_1000 = json::array();
  json refs_1001 = json::array();
  for (int i = 0; i < 1001; ++i) {
    (i < 1000 ? refs_1000 : refs_1001).push_back(i == 0 ? key : std::to_string(50000 + i));
  }
  for (const auto& r : refs_1000) refs_1001.push_back(r);
  ASSERT_EQ(refs_1001.size(), 1001u);
  json fields_10 = json::array();
  for (int i = 0; i < 10; ++i) fields_10.push_back("customfield_" + std::to_string(10100 + i));
  json fields_11 = fields_10;
  fields_11.push_back("summary");
  fields_10[9] = "summary";

  // The edges are accepted...
  auto max_issues = fetch({{"issueIdsOrKeys", refs_1000}});
  EXPECT_EQ(max_issues.status, 200) << max_issues.raw;
  EXPECT_EQ(history_count(max_issues.body), 1u);
  EXPECT_EQ(fetch({{"issueIdsOrKeys", json::array({key})}, {"fieldIds", fields_10}}).status, 200);
  EXPECT_EQ(fetch({{"issueIdsOrKeys", json::array({key})}, {"fieldIds", json::array()}}).status,
            200);
  EXPECT_EQ(fetch({{"issueIdsOrKeys", json::array({key})}, {"maxResults", 1}}).status, 200);
  EXPECT_EQ(fetch({{"issueIdsOrKeys", json::array({key})}, {"maxResults", 10000}}).status, 200);

  // ...and one step beyond them is not.
  expect_refused(json::object(), "issueIdsOrKeys is required");
  expect_refused({{"issueIdsOrKeys", json::array()}}, "no issue");
  expect_refused({{"issueIdsOrKeys", refs_1001}}, "1001 issues");
  expect_refused({{"issueIdsOrKeys", json::array({key})}, {"fieldIds", fields_11}}, "11 field ids");
  expect_refused(
      {{"issueIdsOrKeys", json::array({key})}, {"fieldIds", json::array({"summary", "summary"})}},
      "field ids are unique");
  expect_refused({{"issueIdsOrKeys", json::array({key})}, {"maxResults", 0}}, "maxResults 0");
  expect_refused({{"issueIdsOrKeys", json::array({key})}, {"maxResults", 10001}},
                 "maxResults 10001");
  expect_refused({{"issueIdsOrKeys", json::array({key})}, {"maxResults", "5"}},
                 "maxResults is an integer");
  expect_refused({{"issueIdsOrKeys", key}}, "issueIdsOrKeys is an array");
  expect_refused({{"issueIdsOrKeys", json::array({key})}, {"nextPageToken", "bm9wZQ=="}},
                 "a token it never gave");
  EXPECT_EQ(sim().get(kBulkFetch).status, 405) << "POST only";
}

TEST_F(ChangelogTest, BulkFetchSkipsIssuesThatDoNotExist) {
  const std::string key = sim().create_issue("Story", "s", "PROJ-1");
  const std::string gone = sim().create_issue("Story", "gone", "PROJ-1");
  rename(key, "s1");
  rename(gone, "gone1");
  const std::string gone_id = id_of(gone);
  ASSERT_EQ(sim().del("/rest/api/3/issue/" + gone).status, 204);

  auto r = fetch({{"issueIdsOrKeys", json::array({"PROJ-999", key, "99999", gone, gone_id})}});
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["issueChangeLogs"].size(), 1u);
  EXPECT_EQ(r.body["issueChangeLogs"][0]["issueId"], id_of(key));
  auto nothing = fetch({{"issueIdsOrKeys", json::array({"PROJ-999", gone})}});
  ASSERT_EQ(nothing.status, 200) << nothing.raw;
  EXPECT_EQ(nothing.body, json({{"issueChangeLogs", json::array()}}));
}

TEST_F(ChangelogTest, BulkFetchOnV2RendersV2Users) {
  const std::string key = sim().create_issue("Story", "s", "PROJ-1");
  rename(key, "s1");
  auto r = sim().post("/rest/api/2/changelog/bulkfetch", {{"issueIdsOrKeys", json::array({key})}});
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(history_count(r.body), 1u);
  EXPECT_EQ(flatten(r.body)[0].history["author"]["self"],
            sim().url() + "/rest/api/2/user?accountId=" + kSimAccount);
}

TEST_F(ChangelogTest, TransitionsRecordStatusAndResolutionItems) {
  const std::string key = sim().create_issue("Story", "s", "PROJ-1");
  ASSERT_EQ(transition(key, "11"), 204);
  ASSERT_EQ(transition(key, "21"), 204);
  ASSERT_EQ(transition(key, "31", {{"resolution", {{"name", "Won't Do"}}}}), 204);
  ASSERT_EQ(transition(key, "61"), 204);  // Reopen clears the resolution
  auto r = fetch({{"issueIdsOrKeys", json::array({key})},
                  {"fieldIds", json::array({"status", "resolution"})}});
  auto got = flatten(r.body);
  ASSERT_EQ(got.size(), 4u) << r.raw;
  for (const auto& f : got) EXPECT_EQ(f.history["author"]["accountId"], kSimAccount);
  auto item = [](const std::string& field, const json& from, const json& from_string,
                 const json& to, const json& to_string) {
    return json{{"field", field},       {"fieldtype", "jira"},       {"fieldId", field},
                {"from", from},         {"fromString", from_string}, {"to", to},
                {"toString", to_string}};
  };
  EXPECT_EQ(got[0].history["items"],
            json::array({item("status", "10000", "To Do", "3", "In Progress")}));
  EXPECT_EQ(got[2].history["items"],
            json::array({item("status", "10001", "In Review", "10002", "Done"),
                         item("resolution", nullptr, nullptr, "10001", "Won't Do")}));
  EXPECT_EQ(got[3].history["items"],
            json::array({item("status", "10002", "Done", "10000", "To Do"),
                         item("resolution", "10001", "Won't Do", nullptr, nullptr)}));
}

TEST_F(ChangelogTest, ABulkTransitionLeavesStatusItemsByTheCaller) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string b = sim().create_issue("Task", "b", "PROJ-1");
  auto submitted = sim().post(
      "/rest/api/3/bulk/issues/transition",
      {{"bulkTransitionInputs",
        json::array({{{"selectedIssueIdsOrKeys", json::array({a, b})}, {"transitionId", "11"}}})}});
  ASSERT_EQ(submitted.status, 201) << submitted.raw;
  json done =
      wait_complete("/rest/api/3/bulk/queue/" + submitted.body["taskId"].get<std::string>());
  ASSERT_EQ(done["processedAccessibleIssues"].size(), 2u) << done.dump();

  auto r = fetch({{"issueIdsOrKeys", json::array({a, b})}, {"fieldIds", json::array({"status"})}});
  ASSERT_EQ(r.body["issueChangeLogs"].size(), 2u) << r.raw;
  for (const auto& f : flatten(r.body)) {
    EXPECT_EQ(f.history["author"]["accountId"], kSimAccount);
    EXPECT_EQ(f.history["items"], json::array({{{"field", "status"},
                                                {"fieldtype", "jira"},
                                                {"fieldId", "status"},
                                                {"from", "10000"},
                                                {"fromString", "To Do"},
                                                {"to", "3"},
                                                {"toString", "In Progress"}}}));
  }
}

TEST_F(ChangelogTest, EveryKindOfEditRecordsItsItem) {
  const std::string key = sim().create_issue("Story", "s0", "PROJ-1");
  json description = {
      {"type", "doc"},
      {"version", 1},
      {"content",
       json::array({{{"type", "paragraph"},
                     {"content", json::array({{{"type", "text"}, {"text", "new text"}}})}}})}};
  json fields = {{"summary", "s1"},
                 {"description", description},
                 {"priority", {{"name", "High"}}},
                 {"labels", json::array({"l1"})},
                 {"assignee", {{"accountId", kOtherAccount}}},
                 {"customfield_10016", 5},
                 {"components", json::array({{{"name", "API"}}})},
                 {"fixVersions", json::array({{{"name", "1.1"}}})},
                 {"duedate", "2026-12-07"},
                 {"customfield_10040", {{"value", "Search"}}}};
  auto put = sim().put("/rest/api/3/issue/" + key, {{"fields", fields}});
  ASSERT_EQ(put.status, 204) << put.raw;
  auto r = fetch({{"issueIdsOrKeys", json::array({key})}});
  auto got = flatten(r.body);
  ASSERT_EQ(got.size(), 1u) << "one edit, one history: " << r.raw;
  std::vector<std::string> ids = field_ids(got[0].history);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{"summary", "description", "priority", "labels", "assignee",
                                   "customfield_10016", "components", "fixVersions", "duedate",
                                   "customfield_10040"}));
  for (const auto& i : got[0].history["items"]) {
    if (i["fieldId"] == "assignee") {
      EXPECT_EQ(i["to"], kOtherAccount);
      EXPECT_EQ(i["toString"], "Other User");
    }
  }
}

TEST_F(ChangelogTest, ControlApiEditsAreAuthoredByAnotherUser) {
  const std::string key = sim().create_issue("Story", "mine", "PROJ-1");
  rename(key, "still mine");
  auto edit = sim().edit_as_other(key, {{"fields", {{"summary", "theirs"}}}, {"status", "Done"}});
  ASSERT_EQ(edit.status, 200) << edit.raw;
  auto explicit_user =
      sim().edit_as_other(key, {{"fields", {{"summary", "mine again"}}}, {"user", "sim"}});
  ASSERT_EQ(explicit_user.status, 200) << explicit_user.raw;

  auto got = flatten(fetch({{"issueIdsOrKeys", json::array({key})}}).body);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].history["author"]["accountId"], kSimAccount) << "the REST client's own edit";
  EXPECT_EQ(got[1].history["author"]["accountId"], kOtherAccount);
  EXPECT_EQ(got[1].history["author"]["displayName"], "Other User");
  EXPECT_EQ(field_ids(got[1].history), (std::vector<std::string>{"summary"}));
  // The status it set directly is one history with the resolution that came with Done.
  EXPECT_EQ(got[2].history["author"]["accountId"], kOtherAccount);
  EXPECT_EQ(field_ids(got[2].history), (std::vector<std::string>{"status", "resolution"}));
  EXPECT_EQ(got[2].history["items"][1]["toString"], "Done");
  EXPECT_EQ(got[3].history["author"]["accountId"], kSimAccount) << "\"user\": \"sim\"";
}

TEST_F(ChangelogTest, PerIssueChangelogAndExpandPageAsCloudDoes) {
  const std::string key = sim().create_issue("Story", "v0", "PROJ-1");
  for (int i = 1; i <= 102; ++i) rename(key, "v" + std::to_string(i));

  auto page = sim().get("/rest/api/3/issue/" + key + "/changelog");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["maxResults"], 100) << "default 100";
  EXPECT_EQ(page.body["startAt"], 0);
  EXPECT_EQ(page.body["total"], 102);
  EXPECT_EQ(page.body["isLast"], false);
  EXPECT_EQ(page.body["values"].size(), 100u);
  EXPECT_EQ(page.body["values"][0]["items"][0]["toString"], "v1") << "oldest first";
  EXPECT_TRUE(page.body.contains("nextPage"));
  auto capped = sim().get("/rest/api/3/issue/" + key + "/changelog?maxResults=500");
  EXPECT_EQ(capped.body["maxResults"], 100);
  EXPECT_EQ(capped.body["values"].size(), 100u);
  auto rest = sim().get("/rest/api/3/issue/" + key + "/changelog?startAt=100");
  EXPECT_EQ(rest.body["values"].size(), 2u);
  EXPECT_EQ(rest.body["isLast"], true);
  EXPECT_FALSE(rest.body.contains("nextPage"));

  // changelog/list: the histories named by id, in the issue's order.
  const json first = page.body["values"][0];
  const json tenth = page.body["values"][9];
  auto list = sim().post("/rest/api/3/issue/" + key + "/changelog/list",
                         {{"changelogIds",
                           {std::stol(tenth["id"].get<std::string>()),
                            std::stol(first["id"].get<std::string>()), 1}}});
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body, json({{"histories", json::array({first, tenth})},
                             {"maxResults", 2},
                             {"startAt", 0},
                             {"total", 2}}));
  EXPECT_EQ(sim().post("/rest/api/3/issue/" + key + "/changelog/list", json::object()).status, 400);
  EXPECT_EQ(
      sim()
          .post("/rest/api/3/issue/PROJ-999/changelog/list", {{"changelogIds", json::array({1})}})
          .status,
      404);

  // expand=changelog on Cloud: the 100 most recent, newest first; total counts them all.
  auto expanded = sim().get("/rest/api/3/issue/" + key + "?fields=summary&expand=changelog");
  const json& log = expanded.body["changelog"];
  EXPECT_EQ(log["startAt"], 0);
  EXPECT_EQ(log["total"], 102);
  EXPECT_EQ(log["maxResults"], 100);
  ASSERT_EQ(log["histories"].size(), 100u);
  EXPECT_EQ(log["histories"][0]["items"][0]["toString"], "v102");
  EXPECT_EQ(log["histories"][99]["items"][0]["toString"], "v3");

  // search/jql expands it the same way, GET and POST.
  auto search =
      sim().get("/rest/api/3/search/jql?jql=key%3D" + key + "&fields=summary&expand=changelog");
  ASSERT_EQ(search.status, 200) << search.raw;
  EXPECT_EQ(search.body["issues"][0]["changelog"], log);
  auto posted =
      sim().post("/rest/api/3/search/jql", {{"jql", "key = " + key}, {"expand", "changelog"}});
  ASSERT_EQ(posted.status, 200) << posted.raw;
  EXPECT_EQ(posted.body["issues"][0]["changelog"], log);
  auto plain = sim().get("/rest/api/3/search/jql?jql=key%3D" + key + "&fields=summary");
  EXPECT_FALSE(plain.body["issues"][0].contains("changelog"));
}

class ChangelogDataCenterTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--frozen-clock", "--flavour", "datacenter"};
  }
};

TEST_F(ChangelogDataCenterTest, NoChangelogResources) {
  const std::string key = sim().create_issue("Story", "s", "PROJ-1");
  auto bulk =
      sim().post("/rest/api/2/changelog/bulkfetch", {{"issueIdsOrKeys", json::array({key})}});
  EXPECT_EQ(bulk.status, 404) << bulk.raw;
  EXPECT_EQ(
      sim()
          .post("/rest/api/latest/changelog/bulkfetch", {{"issueIdsOrKeys", json::array({key})}})
          .status,
      404);
  EXPECT_EQ(sim().get("/rest/api/2/issue/" + key + "/changelog").status, 404);
  EXPECT_EQ(sim()
                .post("/rest/api/2/issue/" + key + "/changelog/list",
                      {{"changelogIds", json::array({1})}})
                .status,
            404);
}

TEST_F(ChangelogDataCenterTest, SearchExpandsTheWholeChangelogOldestFirst) {
  const std::string a = sim().create_issue("Story", "a0", "PROJ-1");
  const std::string b = sim().create_issue("Story", "b0", "PROJ-1");
  ASSERT_EQ(sim().put("/rest/api/2/issue/" + a, {{"fields", {{"summary", "a1"}}}}).status, 204);
  ASSERT_EQ(
      sim().put("/rest/api/2/issue/" + a, {{"fields", {{"assignee", {{"name", "other"}}}}}}).status,
      204);
  ASSERT_EQ(sim()
                .post("/rest/api/2/issue/" + a + "/transitions", {{"transition", {{"id", "11"}}}})
                .status,
            204);
  auto r = sim().get(
      "/rest/api/2/search?jql=parent%3DPROJ-1%20ORDER%20BY%20key"
      "&fields=summary&expand=changelog");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["issues"].size(), 2u);
  const json& log = r.body["issues"][0]["changelog"];
  EXPECT_EQ(log["startAt"], 0);
  EXPECT_EQ(log["maxResults"], 3);
  EXPECT_EQ(log["total"], 3);
  ASSERT_EQ(log["histories"].size(), 3u);
  EXPECT_EQ(field_ids(log["histories"][0]), (std::vector<std::string>{"summary"}));
  EXPECT_EQ(field_ids(log["histories"][1]), (std::vector<std::string>{"assignee"}));
  EXPECT_EQ(field_ids(log["histories"][2]), (std::vector<std::string>{"status"}));
  // Data Center's users: name and key; a user field's from/to is the user key.
  const json& author = log["histories"][0]["author"];
  EXPECT_EQ(author["name"], "sim");
  EXPECT_EQ(author["key"], "JIRAUSER0001");
  EXPECT_EQ(author["displayName"], "Sim User");
  EXPECT_FALSE(author.contains("accountId"));
  EXPECT_TRUE(jira_timestamp(log["histories"][0]["created"]));
  EXPECT_EQ(log["histories"][1]["items"][0]["to"], "JIRAUSER0002");
  EXPECT_EQ(log["histories"][1]["items"][0]["toString"], "Other User");
  EXPECT_EQ(r.body["issues"][1]["changelog"]["total"], 0);
  EXPECT_EQ(r.body["issues"][1]["changelog"]["histories"], json::array());

  // The same through POST (expand as an array) and GET issue.
  auto posted = sim().post("/rest/api/2/search", {{"jql", "key = " + a},
                                                  {"fields", json::array({"summary"})},
                                                  {"expand", json::array({"changelog"})}});
  ASSERT_EQ(posted.status, 200) << posted.raw;
  EXPECT_EQ(posted.body["issues"][0]["changelog"], log);
  EXPECT_EQ(
      sim().get("/rest/api/2/issue/" + a + "?fields=summary&expand=changelog").body["changelog"],
      log);
  auto plain = sim().get("/rest/api/2/search?jql=key%3D" + a + "&fields=summary");
  EXPECT_FALSE(plain.body["issues"][0].contains("changelog"));
}

}  // namespace changelog_api
}  // namespace epicsync::testing

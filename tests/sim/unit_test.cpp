// The simulator's parts, in process: JQL, ADF checking, workflows, faults, rate limiting, the
// request log and the state document.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "adf_check.h"
#include "faults.h"
#include "jql.h"
#include "rate_limit.h"
#include "request_log.h"
#include "state.h"
#include "workflow.h"

namespace jira_sim {
namespace {

using nlohmann::json;

bool match(const std::string& jql, const std::map<std::string, std::vector<std::string>>& v) {
  auto q = JqlQuery::parse(jql);
  return q.matches([&](const std::string& f) {
    auto it = v.find(f);
    return it == v.end() ? std::vector<std::string>{} : it->second;
  });
}

TEST(Jql, EvaluatesComparisonsListsAndBooleans) {
  std::map<std::string, std::vector<std::string>> story = {{"project", {"PROJ"}},
                                                           {"issuetype", {"Story", "10001"}},
                                                           {"parent", {"PROJ-1", "10000"}},
                                                           {"summary", {"Login page"}},
                                                           {"key", {"PROJ-2", "10001"}}};
  EXPECT_TRUE(match("parent = PROJ-1", story));
  EXPECT_TRUE(match("parent = 10000", story));
  EXPECT_TRUE(match("PARENT in (PROJ-9, proj-1)", story)) << "keywords and values ignore case";
  EXPECT_FALSE(match("parent not in (PROJ-1)", story));
  EXPECT_TRUE(match("issuetype = Story AND project = PROJ", story));
  EXPECT_TRUE(match("issuetype = Task OR summary ~ login", story));
  EXPECT_FALSE(match("NOT (issuetype = Story)", story));
  EXPECT_TRUE(match("labels is EMPTY", story));
  EXPECT_FALSE(match("labels = x", story));
  EXPECT_FALSE(match("labels != x", story)) << "negations never match empty fields";
  EXPECT_TRUE(match("summary !~ logout", story));
  EXPECT_TRUE(match("\"Epic Link\" is EMPTY", story));
}

TEST(Jql, ParsesOrderByAndKnowsWhetherItIsBounded) {
  auto q = JqlQuery::parse("project = PROJ ORDER BY created DESC, key");
  EXPECT_TRUE(q.bounded());
  ASSERT_EQ(q.order().size(), 2u);
  EXPECT_EQ(q.order()[0].field, "created");
  EXPECT_TRUE(q.order()[0].descending);
  EXPECT_FALSE(q.order()[1].descending);
  EXPECT_FALSE(JqlQuery::parse("order by key").bounded());
  EXPECT_FALSE(JqlQuery::parse("").bounded());
}

TEST(Jql, RefusesWhatItDoesNotSupportWithJirasWording) {
  auto message = [](const std::string& jql) {
    try {
      JqlQuery::parse(jql);
    } catch (const JqlError& e) {
      return std::string(e.what());
    }
    return std::string("<parsed>");
  };
  EXPECT_EQ(message("foo = bar"),
            "Field 'foo' does not exist or you do not have permission to view it.");
  EXPECT_EQ(message("summary = x"), "The operator '=' is not supported by the 'summary' field.");
  EXPECT_EQ(message("project ~ x"), "The operator '~' is not supported by the 'project' field.");
  EXPECT_NE(message("project = PROJ project").find("Expecting either 'OR' or 'AND'"),
            std::string::npos);
  EXPECT_NE(message("summary ~ \"open").find("has not been completed"), std::string::npos);
  EXPECT_NE(message("created > -1d").find("does not support"), std::string::npos);
  EXPECT_NE(message("assignee = currentUser()").find("function"), std::string::npos);
  EXPECT_EQ(message("project = PROJ ORDER BY nonsense"),
            "Not able to sort using field 'nonsense'.");
}

TEST(Adf, AcceptsDocumentsAndRejectsEverythingElse) {
  json doc = {
      {"type", "doc"},
      {"version", 1},
      {"content",
       {{{"type", "paragraph"},
         {"content", {{{"type", "text"}, {"text", "hi"}, {"marks", {{{"type", "strong"}}}}}}}}}}};
  EXPECT_FALSE(adf_problem(doc));
  EXPECT_TRUE(adf_problem("plain string"));
  EXPECT_TRUE(adf_problem(json{{"type", "doc"}, {"content", json::array()}})) << "no version";
  json unknown = doc;
  unknown["content"][0]["type"] = "marquee";
  EXPECT_TRUE(adf_problem(unknown));
  json empty_text = doc;
  empty_text["content"][0]["content"][0]["text"] = "";
  EXPECT_TRUE(adf_problem(empty_text));
  EXPECT_EQ(adf_to_text(text_to_adf("a\nb")), "a\nb");
  EXPECT_FALSE(adf_problem(text_to_adf("x\n\ny")));
}

TEST(WorkflowFile, BuiltinIsTheDocumentedDefault) {
  Workflow wf = Workflow::builtin();
  ASSERT_EQ(wf.statuses().size(), 4u);
  EXPECT_EQ(wf.status_by_id(wf.initial())->name, "To Do");
  auto from_todo = wf.available_from(wf.initial());
  ASSERT_EQ(from_todo.size(), 1u);
  EXPECT_EQ(from_todo[0]->name, "Start Progress");
  const Transition* done = wf.transition("31");
  ASSERT_NE(done, nullptr);
  ASSERT_EQ(done->fields.size(), 1u);
  EXPECT_TRUE(done->fields[0].required);
  EXPECT_NE(wf.status_by_name("in review"), nullptr);
}

TEST(WorkflowFile, InconsistentDocumentsAreRefused) {
  EXPECT_THROW(Workflow::parse(json::object()), std::runtime_error);
  json bad_target = {{"statuses", {{{"id", "1"}, {"name", "A"}, {"category", "new"}}}},
                     {"transitions", {{{"id", "1"}, {"name", "t"}, {"from", {"1"}}, {"to", "9"}}}}};
  EXPECT_THROW(Workflow::parse(bad_target), std::runtime_error);
  json dup = {{"statuses",
               {{{"id", "1"}, {"name", "A"}, {"category", "new"}},
                {{"id", "1"}, {"name", "B"}, {"category", "done"}}}}};
  EXPECT_THROW(Workflow::parse(dup), std::runtime_error);
}

TEST(Faults, CountMatchesAndFireOnTheNth) {
  FaultRules rules;
  rules.add({{"method", "POST"},
             {"path", "/rest/api/3/issue"},
             {"nth", 2},
             {"times", 2},
             {"action", "drop"}});
  EXPECT_FALSE(rules.match("POST", "/rest/api/3/issue"));
  EXPECT_FALSE(rules.match("GET", "/rest/api/3/issue"));
  EXPECT_FALSE(rules.match("POST", "/rest/api/3/issue/bulk")) << "the regex matches whole paths";
  auto hit = rules.match("POST", "/rest/api/3/issue");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->action, FaultAction::kDrop);
  EXPECT_TRUE(rules.match("POST", "/rest/api/3/issue"));
  EXPECT_FALSE(rules.match("POST", "/rest/api/3/issue"));
  EXPECT_EQ(rules.list()[0]["fired"], 2);
  EXPECT_THROW(rules.add({{"action", "boom"}}), std::invalid_argument);
  rules.clear();
  EXPECT_TRUE(rules.list().empty());
}

TEST(RateLimit, BucketEmptiesAndReportsRetryAfter) {
  TokenBucket bucket(0.001, 3);
  for (int i = 2; i >= 0; --i) {
    auto d = bucket.take();
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, i);
    EXPECT_EQ(d.limit, 3);
  }
  auto d = bucket.take();
  EXPECT_FALSE(d.allowed);
  EXPECT_GE(d.retry_after_s, 1);
  EXPECT_TRUE(TokenBucket(0, 0).take().allowed) << "rate 0 disables the limit";
}

TEST(RequestLogTest, EndpointsHideKeysAndIds) {
  EXPECT_EQ(RequestLog::endpoint("/rest/api/3/issue/PROJ-12/comment/10001"),
            "/rest/api/3/issue/{key}/comment/{id}");
  EXPECT_EQ(RequestLog::endpoint("/rest/api/2/issue/10001"), "/rest/api/2/issue/{id}");
  EXPECT_EQ(RequestLog::endpoint("/rest/api/3/issue/createmeta/PROJ/issuetypes/10001"),
            "/rest/api/3/issue/createmeta/{project}/issuetypes/{id}");
  EXPECT_EQ(RequestLog::endpoint("/rest/api/3/issue/A1-2/properties/sync"),
            "/rest/api/3/issue/{key}/properties/{property}");
  EXPECT_EQ(RequestLog::endpoint("/rest/api/3/issue/properties/multi"),
            "/rest/api/3/issue/properties/multi");
  EXPECT_EQ(RequestLog::endpoint("/rest/api/3/bulk/queue/10000"), "/rest/api/3/bulk/queue/{id}");
  RequestLog log;
  log.record("GET", "/rest/api/3/issue/PROJ-1", "", 200, 1.0);
  log.record("GET", "/rest/api/3/issue/PROJ-2", "fields=status", 404, 1.0);
  EXPECT_EQ(log.counts()["GET /rest/api/3/issue/{key}"], 2);
  EXPECT_EQ(log.entries()[1]["status"], 404);
}

TEST(State, DumpLoadRoundTripsAndRefusesOtherFlavours) {
  SimOptions o;
  o.frozen_clock = true;
  SimState s(o);
  s.seed("10000");
  Issue story;
  story.type_id = "10001";
  story.status_id = "10000";
  story.summary = "child";
  story.parent_key = "PROJ-1";
  story.labels = {"x"};
  story.story_points = 3;
  story.properties["p"] = {{"a", 1}};
  s.add_issue(story);
  json dump = s.dump();
  SimState copy(o);
  copy.load(dump);
  EXPECT_EQ(copy.dump(), dump);
  EXPECT_EQ(copy.find("proj-2")->summary, "child") << "keys are case-insensitive";
  EXPECT_EQ(copy.find("10001")->key, "PROJ-2");
  SimOptions dc = o;
  dc.flavour = Flavour::kDataCenter;
  SimState other(dc);
  EXPECT_THROW(other.load(dump), std::runtime_error);
  EXPECT_THROW(copy.load(json{{"format", "jira-sim-state"}}), std::runtime_error);
  EXPECT_EQ(copy.dump(), dump) << "a failed load changes nothing";
}

// Components, versions and options are stored by id and dumped by name, so a hand-written seed
// reads like the board; loading turns the names back into the same ids.
TEST(State, ManagedFieldsDumpByNameAndLoadBack) {
  SimOptions o;
  o.frozen_clock = true;
  SimState s(o);
  Issue story;
  story.type_id = "10001";
  story.status_id = "10000";
  story.summary = "fields";
  story.components = {"10202", "10200"};
  story.fix_versions = {"10301"};
  story.due_date = "2026-01-31";
  story.custom_fields["customfield_10040"] = "10101";
  story.custom_fields["customfield_10041"] = json::array({"10110", "10112"});
  story.custom_fields["customfield_10043"] = 2.5;
  story.custom_fields["customfield_10045"] = "557058:0f3c1a2b-sim-0002";
  s.add_issue(story);
  json dump = s.dump();
  const json& d = dump["issues"][0];
  EXPECT_EQ(d["components"], json({"API", "Backend"}));
  EXPECT_EQ(d["fixVersions"], json({"1.1"}));
  EXPECT_EQ(d["duedate"], "2026-01-31");
  EXPECT_EQ(d["customFields"]["customfield_10040"], "Search");
  EXPECT_EQ(d["customFields"]["customfield_10041"], json({"iOS", "Web"}));
  SimState copy(o);
  copy.load(dump);
  EXPECT_EQ(copy.dump(), dump);
  const Issue* back = copy.find("PROJ-1");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->components, (std::vector<std::string>{"10202", "10200"}));
  EXPECT_EQ(back->custom_fields.at("customfield_10040"), "10101");
}

}  // namespace
}  // namespace jira_sim

// Cloud's bulk operations (bulk/issues/transition, bulk/issues/delete, bulk/queue/{taskId}) and
// asynchronous property writes (issue/properties/multi, task/{taskId}): validation, permission,
// the task's progress, per-issue failures, and the same effects as the single-issue endpoints.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/jira_sim_fixture.h"
#include "task_queue.h"
#include "workflow.h"

namespace epicsync::testing {
namespace {
// A named namespace of its own: the sim tests build as a unity build, where every file's
// anonymous namespace is one.
namespace bulk {

using nlohmann::json;

constexpr const char* kSimUser = "557058:0f3c1a2b-sim-0001";

// Polls a task resource (bulk/queue/{id} or task/{id}) until it is COMPLETE.
json wait_complete(const JiraSim& sim, const std::string& path) {
  json last;
  for (int i = 0; i < 1000; ++i) {
    auto r = sim.get(path);
    if (r.status != 200) {
      ADD_FAILURE() << path << " answered " << r.status << ": " << r.raw;
      return r.body;
    }
    last = r.body;
    if (last["status"] == "COMPLETE") return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << path << " never completed: " << last.dump();
  return last;
}

long issue_id(const JiraSim& sim, const std::string& key) {
  return std::stol(
      sim.get("/rest/api/3/issue/" + key + "?fields=summary").body["id"].get<std::string>());
}

std::string status_of(const JiraSim& sim, const std::string& key) {
  return sim.get("/rest/api/3/issue/" + key + "?fields=status").body["fields"]["status"]["name"];
}

json transition_body(const std::vector<std::string>& refs, const std::string& transition) {
  return {{"bulkTransitionInputs",
           json::array({{{"selectedIssueIdsOrKeys", refs}, {"transitionId", transition}}})},
          {"sendBulkNotification", false}};
}

// Submits a bulk transition and returns the queue path to poll.
std::string submit_transition(const JiraSim& sim, const std::vector<std::string>& refs,
                              const std::string& transition) {
  auto r = sim.post("/rest/api/3/bulk/issues/transition", transition_body(refs, transition));
  EXPECT_EQ(r.status, 201) << r.raw;
  return "/rest/api/3/bulk/queue/" + r.body.value("taskId", std::string());
}

std::string first_error(const SimResponse& r) {
  if (!r.body.is_object() || !r.body.contains("errors") || !r.body["errors"].is_array() ||
      r.body["errors"].empty()) {
    return "<no BulkOperationErrorResponse: " + r.raw + ">";
  }
  return r.body["errors"][0].value("message", std::string());
}

std::string many_refs(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + std::to_string(20000 + i);
  return out;
}

class BulkTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--bulk-task-ms", "5"}; }
  int transition(const std::string& key, const std::string& id) {
    return sim()
        .post("/rest/api/3/issue/" + key + "/transitions", {{"transition", {{"id", id}}}})
        .status;
  }
};

TEST_F(BulkTest, AvailableTransitionsAreThoseEveryIssueCanTakeWithoutAScreen) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string b = sim().create_issue("Story", "b", "PROJ-1");
  const std::string b_id = std::to_string(issue_id(sim(), b));
  auto both_new = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=" + a + "," + b_id);
  ASSERT_EQ(both_new.status, 200) << both_new.raw;
  ASSERT_EQ(both_new.body["availableTransitions"].size(), 1u) << "one workflow, one group";
  const json group = both_new.body["availableTransitions"][0];
  EXPECT_EQ(group["issues"], json::array({a, b}));
  EXPECT_EQ(group["isTransitionsFiltered"], false);
  ASSERT_EQ(group["transitions"].size(), 1u);
  EXPECT_EQ(group["transitions"][0]["transitionId"], 11) << "an integer, as the schema says";
  EXPECT_EQ(group["transitions"][0]["transitionName"], "Start Progress");
  EXPECT_EQ(group["transitions"][0]["to"],
            json::object({{"statusId", 3}, {"statusName", "In Progress"}}));
  EXPECT_FALSE(both_new.body.contains("startingAfter")) << "no other page";
  EXPECT_FALSE(both_new.body.contains("endingBefore"));

  ASSERT_EQ(transition(a, "11"), 204);
  auto apart = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=" + a + "," + b);
  ASSERT_EQ(apart.status, 200);
  EXPECT_TRUE(apart.body["availableTransitions"][0]["transitions"].empty()) << "nothing in common";
  EXPECT_EQ(apart.body["availableTransitions"][0]["isTransitionsFiltered"], true);

  ASSERT_EQ(transition(b, "11"), 204);
  ASSERT_EQ(transition(a, "21"), 204);
  ASSERT_EQ(transition(b, "21"), 204);
  auto review = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=" + a + "," + b);
  const json listed = review.body["availableTransitions"][0]["transitions"];
  ASSERT_EQ(listed.size(), 1u) << review.raw;
  EXPECT_EQ(listed[0]["transitionName"], "Rework") << "Done (31) has a screen, so it is left out";
  EXPECT_EQ(review.body["availableTransitions"][0]["isTransitionsFiltered"], true);
}

TEST_F(BulkTest, AvailableTransitionsRefuseUnknownIssuesAndMoreThanAThousand) {
  auto unknown = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=PROJ-1,PROJ-99");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(first_error(unknown), "Some of the issues in the issueIdsOrKeys are not valid");
  auto too_many = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=" + many_refs(1001));
  EXPECT_EQ(too_many.status, 400);
  EXPECT_NE(first_error(too_many).find("1000"), std::string::npos) << too_many.raw;
  EXPECT_EQ(sim().get("/rest/api/3/bulk/issues/transition").status, 400);
  EXPECT_EQ(sim().get("/rest/api/2/bulk/issues/transition?issueIdsOrKeys=PROJ-1").status, 200)
      << "Cloud serves v2 as well as v3";
}

TEST_F(BulkTest, SubmittedTransitionsAreValidatedBeforeATaskExists) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string a_id = std::to_string(issue_id(sim(), a));
  const std::string path = "/rest/api/3/bulk/issues/transition";
  auto no_inputs = sim().post(path, {{"bulkTransitionInputs", json::array()}});
  EXPECT_EQ(no_inputs.status, 400);
  EXPECT_NE(first_error(no_inputs), "") << no_inputs.raw;
  EXPECT_EQ(sim().post(path, json::object()).status, 400);
  json numeric = {{"bulkTransitionInputs",
                   json::array({{{"selectedIssueIdsOrKeys", {a}}, {"transitionId", 11}}})}};
  EXPECT_EQ(sim().post(path, numeric).status, 400) << "transitionId must be a string";
  auto twice = sim().post(path, transition_body({a, a_id}, "11"));
  EXPECT_EQ(twice.status, 400) << "the same issue by key and by id";
  EXPECT_NE(first_error(twice).find("more than once"), std::string::npos) << twice.raw;
  auto unknown = sim().post(path, transition_body({a, "PROJ-404"}, "11"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(first_error(unknown), "Some of the issues in the issueIdsOrKeys are not valid");
  std::vector<std::string> refs;
  for (int i = 0; i < 1001; ++i) refs.push_back(std::to_string(20000 + i));
  EXPECT_EQ(sim().post(path, transition_body(refs, "11")).status, 400);
  EXPECT_TRUE(sim().request("GET", "/_sim/bulk-tasks").body["tasks"].empty())
      << "no refused request queued a task";
  EXPECT_EQ(status_of(sim(), a), "To Do");
}

TEST_F(BulkTest, ATransitionTaskMovesIssuesLikeTheSingleEndpoint) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string b = sim().create_issue("Task", "b", "PROJ-1");
  const long a_id = issue_id(sim(), a);
  const long b_id = issue_id(sim(), b);
  json done = wait_complete(sim(), submit_transition(sim(), {a, std::to_string(b_id)}, "11"));
  EXPECT_EQ(done["progressPercent"], 100);
  EXPECT_EQ(done["totalIssueCount"], 2);
  EXPECT_EQ(done["processedAccessibleIssues"], json::array({a_id, b_id}));
  EXPECT_TRUE(done["failedAccessibleIssues"].empty());
  EXPECT_EQ(done["invalidOrInaccessibleIssueCount"], 0);
  EXPECT_EQ(done["submittedBy"]["accountId"], kSimUser);
  EXPECT_TRUE(done["created"].is_number_integer()) << "epoch milliseconds";
  EXPECT_LE(done["created"].get<long long>(), done["started"].get<long long>());
  EXPECT_LE(done["started"].get<long long>(), done["updated"].get<long long>());
  EXPECT_EQ(status_of(sim(), a), "In Progress");
  EXPECT_EQ(status_of(sim(), b), "In Progress");

  // The changelog entry is the single transition's: compare with one taken directly.
  const std::string c = sim().create_issue("Story", "c", "PROJ-1");
  ASSERT_EQ(transition(c, "11"), 204);
  auto bulk_log = sim().get("/rest/api/3/issue/" + a + "/changelog").body["values"];
  auto single_log = sim().get("/rest/api/3/issue/" + c + "/changelog").body["values"];
  ASSERT_EQ(bulk_log.size(), 1u);
  ASSERT_EQ(single_log.size(), 1u);
  EXPECT_EQ(bulk_log[0]["items"], single_log[0]["items"]);
  EXPECT_EQ(bulk_log[0]["author"]["accountId"], kSimUser);
}

TEST_F(BulkTest, OneIssueFailingLeavesTheOthersProcessed) {
  const std::string ok = sim().create_issue("Story", "ok", "PROJ-1");
  const std::string refused = sim().create_issue("Story", "refused", "PROJ-1");
  const std::string moved = sim().create_issue("Story", "moved", "PROJ-1");
  ASSERT_EQ(transition(moved, "11"), 204);  // In Progress: Start Progress no longer leaves it
  auto refuse = sim().request(
      "POST", "/_sim/bulk-refuse",
      json::object({{"keys", json::array({refused})}, {"message", "Blocked by a validator"}})
          .dump());
  ASSERT_EQ(refuse.status, 200) << refuse.raw;
  json done = wait_complete(sim(), submit_transition(sim(), {ok, refused, moved}, "11"));
  EXPECT_EQ(done["processedAccessibleIssues"], json::array({issue_id(sim(), ok)}));
  const json failed = done["failedAccessibleIssues"];
  ASSERT_EQ(failed.size(), 2u) << done.dump();
  EXPECT_EQ(failed[std::to_string(issue_id(sim(), refused))],
            json::array({"Blocked by a validator"}));
  EXPECT_EQ(failed[std::to_string(issue_id(sim(), moved))],
            json::array({"Transition id '11' is not valid for this issue."}));
  EXPECT_EQ(status_of(sim(), ok), "In Progress");
  EXPECT_EQ(status_of(sim(), refused), "To Do");
  EXPECT_EQ(transition(refused, "11"), 204) << "the single endpoint still takes it";
  EXPECT_TRUE(sim().get("/rest/api/3/issue/" + moved + "/changelog").body["values"].size() == 1u)
      << "a failed issue gets no changelog entry";

  // A transition with a screen cannot be filled in bulk, even where it is available.
  ASSERT_EQ(transition(moved, "21"), 204);
  json screen = wait_complete(sim(), submit_transition(sim(), {moved}, "31"));
  const json reasons = screen["failedAccessibleIssues"][std::to_string(issue_id(sim(), moved))];
  ASSERT_EQ(reasons.size(), 1u) << screen.dump();
  EXPECT_NE(reasons[0].get<std::string>().find("screen"), std::string::npos);
  EXPECT_EQ(status_of(sim(), moved), "In Review");

  EXPECT_EQ(sim().request("DELETE", "/_sim/bulk-refuse").status, 204);
  ASSERT_EQ(transition(refused, "41"), 204);  // back to To Do
  json again = wait_complete(sim(), submit_transition(sim(), {refused}, "11"));
  EXPECT_TRUE(again["failedAccessibleIssues"].empty()) << "cleared refusals no longer apply";
}

TEST_F(BulkTest, BulkDeleteTakesSubTasksAndCountsIssuesAlreadyGone) {
  const std::string story = sim().create_issue("Story", "parent", "PROJ-1");
  const std::string sub = sim().create_issue("Sub-task", "child", story);
  const std::string other = sim().create_issue("Task", "other", "PROJ-1");
  const long story_id = issue_id(sim(), story);
  const long other_id = issue_id(sim(), other);
  EXPECT_EQ(sim().del("/rest/api/3/issue/" + story).status, 400)
      << "the single delete still needs deleteSubtasks=true";
  auto r = sim().post("/rest/api/3/bulk/issues/delete",
                      {{"selectedIssueIdsOrKeys", {story, sub, std::to_string(other_id)}}});
  ASSERT_EQ(r.status, 201) << r.raw;
  json done = wait_complete(sim(), "/rest/api/3/bulk/queue/" + r.body["taskId"].get<std::string>());
  EXPECT_EQ(done["processedAccessibleIssues"], json::array({story_id, other_id}));
  EXPECT_EQ(done["invalidOrInaccessibleIssueCount"], 1)
      << "the sub-task went with its parent before its own turn";
  EXPECT_EQ(done["totalIssueCount"], 3);
  for (const auto& key : {story, sub, other}) {
    EXPECT_EQ(sim().get("/rest/api/3/issue/" + key).status, 404) << key;
  }
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1").status, 200);
  EXPECT_EQ(sim()
                .post("/rest/api/3/bulk/issues/delete",
                      {{"selectedIssueIdsOrKeys", {"PROJ-1", "proj-1"}}})
                .status,
            400)
      << "an issue listed twice";
  EXPECT_EQ(sim()
                .post("/rest/api/3/bulk/issues/delete", {{"selectedIssueIdsOrKeys", json::array()}})
                .status,
            400);
}

TEST_F(BulkTest, TasksShowTheirKindIssuesAndNotificationChoice) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string b = sim().create_issue("Story", "b", "PROJ-1");
  wait_complete(sim(), submit_transition(sim(), {std::to_string(issue_id(sim(), a))}, "11"));
  auto del = sim().post("/rest/api/3/bulk/issues/delete", {{"selectedIssueIdsOrKeys", {b}}});
  ASSERT_EQ(del.status, 201);
  wait_complete(sim(), "/rest/api/3/bulk/queue/" + del.body["taskId"].get<std::string>());
  auto list = sim().request("GET", "/_sim/bulk-tasks");
  ASSERT_EQ(list.status, 200);
  const json tasks = list.body["tasks"];
  ASSERT_EQ(tasks.size(), 2u) << list.raw;
  EXPECT_EQ(tasks[0]["kind"], "transition");
  EXPECT_EQ(tasks[0]["issues"], json::array({a})) << "keys, though the request gave an id";
  EXPECT_EQ(tasks[0]["sendBulkNotification"], false);
  EXPECT_EQ(tasks[0]["status"], "COMPLETE");
  EXPECT_EQ(tasks[1]["kind"], "delete");
  EXPECT_EQ(tasks[1]["sendBulkNotification"], true) << "Jira's default when absent";
  EXPECT_EQ(tasks[1]["taskId"], del.body["taskId"]);
  EXPECT_EQ(sim()
                .post("/rest/api/3/bulk/issues/delete",
                      {{"selectedIssueIdsOrKeys", {a}}, {"sendBulkNotification", "no"}})
                .status,
            400);
}

TEST_F(BulkTest, PropertiesMultiAnswers303AndSetsThemInATask) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const long a_id = issue_id(sim(), a);
  json body = {
      {"issues", json::array({{{"issueID", a_id}, {"properties", {{"epicsync", {{"id", "s-1"}}}}}},
                              {{"issueID", 99999}, {"properties", {{"epicsync", 1}}}}})}};
  auto r = sim().post("/rest/api/3/issue/properties/multi", body);
  ASSERT_EQ(r.status, 303) << r.raw;
  EXPECT_TRUE(r.raw.empty());
  const std::string location = r.header("location");
  const std::string prefix = sim().url() + "/rest/api/3/task/";
  ASSERT_EQ(location.rfind(prefix, 0), 0u) << location;
  const std::string task_path = location.substr(sim().url().size());
  json task = wait_complete(sim(), task_path);
  EXPECT_EQ(task["self"], location);
  EXPECT_EQ(task["id"], location.substr(prefix.size()));
  EXPECT_EQ(task["progress"], 100);
  EXPECT_TRUE(task["submittedBy"].is_number_integer());
  EXPECT_TRUE(task["finished"].is_number_integer());
  EXPECT_GE(task["elapsedRuntime"].get<long long>(), 0);
  EXPECT_EQ(task["result"]["failed"].size(), 1u) << task.dump();
  EXPECT_EQ(task["result"]["failed"][0]["issueID"], 99999);
  auto prop = sim().get("/rest/api/3/issue/" + a + "/properties/epicsync");
  ASSERT_EQ(prop.status, 200);
  EXPECT_EQ(prop.body["value"], json::object({{"id", "s-1"}}));

  // A properties task is not a bulk operation, and a bulk operation is not served by task/.
  auto queue = sim().get("/rest/api/3/bulk/queue/" + task["id"].get<std::string>());
  EXPECT_EQ(queue.status, 400);
  auto bulk_id = sim().post("/rest/api/3/bulk/issues/transition", transition_body({a}, "11"));
  EXPECT_EQ(sim().get("/rest/api/3/task/" + bulk_id.body["taskId"].get<std::string>()).status, 404);
  auto missing = sim().get("/rest/api/3/bulk/queue/777777");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(first_error(missing), "Task 777777 not found");
  EXPECT_EQ(sim().get("/rest/api/3/task/777777").status, 404);
}

TEST_F(BulkTest, PropertiesMultiLimits) {
  const long id = issue_id(sim(), "PROJ-1");
  const std::string path = "/rest/api/3/issue/properties/multi";
  json issues = json::array();
  for (int i = 0; i < 101; ++i) {
    issues.push_back({{"issueID", id}, {"properties", {{"p", i}}}});
  }
  auto too_many = sim().post(path, {{"issues", issues}});
  EXPECT_EQ(too_many.status, 400);
  EXPECT_TRUE(too_many.body["errorMessages"].is_array()) << "Jira's ErrorCollection";
  EXPECT_TRUE(too_many.body["errors"].is_object());
  issues.erase(issues.begin() + 100);
  EXPECT_EQ(sim().post(path, {{"issues", issues}}).status, 303) << "100 is allowed";
  auto one = [&](const json& entry) {
    return sim().post(path, {{"issues", json::array({entry})}}).status;
  };
  EXPECT_EQ(one({{"issueID", std::to_string(id)}, {"properties", {{"p", 1}}}}), 400)
      << "issueID must be an integer";
  EXPECT_EQ(one({{"issueID", id}, {"properties", json::object()}}), 400);
  json eleven = json::object();
  for (int i = 0; i < 11; ++i) eleven["p" + std::to_string(i)] = i;
  EXPECT_EQ(one({{"issueID", id}, {"properties", eleven}}), 400);
  EXPECT_EQ(one({{"issueID", id}, {"properties", {{std::string(256, 'k'), 1}}}}), 400);
  EXPECT_EQ(one({{"issueID", id}, {"properties", {{"big", std::string(40000, 'x')}}}}), 400);
  EXPECT_EQ(sim().post(path, {{"issues", json::array()}}).status, 400);
}

TEST_F(BulkTest, TheRequestLogShowsSubmissionsAndPolls) {
  sim().clear_log();
  const std::string queue = submit_transition(sim(), {"PROJ-1"}, "11");
  wait_complete(sim(), queue);
  bool posted = false;
  bool polled = false;
  for (const auto& e : sim().request_log()) {
    posted |= e["method"] == "POST" && e["path"] == "/rest/api/3/bulk/issues/transition" &&
              e["status"] == 201;
    polled |= e["method"] == "GET" && e["path"] == queue && e["status"] == 200;
  }
  EXPECT_TRUE(posted);
  EXPECT_TRUE(polled);
  EXPECT_GE(sim().counts()["GET /rest/api/3/bulk/queue/{id}"].get<int>(), 1);
  EXPECT_EQ(sim().state()["issues"][0]["status"], "3") << "/_sim/state sees the task's effect";
}

class BulkProgressTest : public BulkTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--bulk-task-ms", "300"}; }
};

TEST_F(BulkProgressTest, ATaskIsNotCompleteAtOnceAndSeesIssuesDeletedMeanwhile) {
  const std::string a = sim().create_issue("Story", "a", "PROJ-1");
  const std::string b = sim().create_issue("Story", "b", "PROJ-1");
  const std::string queue = submit_transition(sim(), {a, b}, "11");
  auto early = sim().get(queue);
  ASSERT_EQ(early.status, 200) << early.raw;
  EXPECT_NE(early.body["status"], "COMPLETE");
  EXPECT_LT(early.body["progressPercent"].get<int>(), 100);
  EXPECT_FALSE(early.body.contains("processedAccessibleIssues")) << "results come at the end";
  EXPECT_EQ(early.body["totalIssueCount"], 2);
  // b is deleted before its turn (the second half of the task's 300 ms).
  ASSERT_EQ(sim().del("/rest/api/3/issue/" + b).status, 204);
  json done = wait_complete(sim(), queue);
  EXPECT_EQ(done["processedAccessibleIssues"].size(), 1u) << done.dump();
  EXPECT_EQ(done["invalidOrInaccessibleIssueCount"], 1);
  EXPECT_GE(done["updated"].get<long long>() - done["started"].get<long long>(), 250)
      << "spread over --bulk-task-ms";
}

class BulkPermissionTest : public BulkTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--bulk-task-ms", "0", "--no-bulk-permission"};
  }
};

TEST_F(BulkPermissionTest, WithoutBulkChangeEveryBulkOperationIs403) {
  auto get = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=PROJ-1");
  EXPECT_EQ(get.status, 403);
  EXPECT_NE(first_error(get).find("Bulk Change"), std::string::npos) << get.raw;
  EXPECT_EQ(
      sim().post("/rest/api/3/bulk/issues/transition", transition_body({"PROJ-1"}, "11")).status,
      403);
  EXPECT_EQ(
      sim().post("/rest/api/3/bulk/issues/delete", {{"selectedIssueIdsOrKeys", {"PROJ-1"}}}).status,
      403);
  EXPECT_EQ(sim().get("/rest/api/3/bulk/queue/10000").status, 403);
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1").status, 200) << "nothing was deleted";
  // Property writes need no bulk permission.
  json body = {{"issues", json::array({{{"issueID", issue_id(sim(), "PROJ-1")},
                                        {"properties", {{"k", true}}}}})}};
  auto multi = sim().post("/rest/api/3/issue/properties/multi", body);
  ASSERT_EQ(multi.status, 303);
  wait_complete(sim(), multi.header("location").substr(sim().url().size()));
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1/properties/k").body["value"], true);
}

class BulkDataCenterTest : public JiraSimTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

TEST_F(BulkDataCenterTest, DataCenterHasNoneOfTheseEndpoints) {
  EXPECT_EQ(sim().get("/rest/api/2/bulk/issues/transition?issueIdsOrKeys=PROJ-1").status, 404);
  EXPECT_EQ(
      sim().post("/rest/api/2/bulk/issues/transition", transition_body({"PROJ-1"}, "11")).status,
      404);
  EXPECT_EQ(
      sim().post("/rest/api/2/bulk/issues/delete", {{"selectedIssueIdsOrKeys", {"PROJ-1"}}}).status,
      404);
  EXPECT_EQ(sim().get("/rest/api/2/bulk/queue/10000").status, 404);
  EXPECT_EQ(sim().post("/rest/api/2/issue/properties/multi", {{"issues", json::array()}}).status,
            404);
  EXPECT_EQ(sim().get("/rest/api/2/task/10000").status, 404);
  EXPECT_EQ(sim().get("/rest/api/2/issue/PROJ-1").status, 200);
}

class BulkSimplifiedWorkflowTest : public BulkTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--bulk-task-ms", "0", "--workflow",
            std::string(FIXTURES_DIR) + "/workflows/simplified.json"};
  }
  std::string in_review(const std::string& summary) {
    const std::string key = sim().create_issue("Story", summary, "PROJ-1");
    EXPECT_EQ(transition(key, "11"), 204);
    EXPECT_EQ(transition(key, "21"), 204);
    return key;
  }
};

TEST_F(BulkSimplifiedWorkflowTest, DoneHasNoScreenAndItsPostFunctionSetsTheResolution) {
  const std::string bulk_key = in_review("bulk");
  const std::string single_key = in_review("single");
  auto available = sim().get("/rest/api/3/bulk/issues/transition?issueIdsOrKeys=" + bulk_key);
  const json group = available.body["availableTransitions"][0];
  EXPECT_EQ(group["isTransitionsFiltered"], false) << "no screen leaves Done out";
  // Done, Rework and Won't Do: In Review's three ways out, none with a screen.
  ASSERT_EQ(group["transitions"].size(), 3u) << available.raw;
  EXPECT_EQ(group["transitions"][0]["transitionId"], 31);

  json done = wait_complete(sim(), submit_transition(sim(), {bulk_key}, "31"));
  EXPECT_TRUE(done["failedAccessibleIssues"].empty()) << done.dump();
  ASSERT_EQ(transition(single_key, "31"), 204) << "no resolution needed on the single endpoint";
  for (const auto& key : {bulk_key, single_key}) {
    auto issue = sim().get("/rest/api/3/issue/" + key + "?fields=status,resolution");
    EXPECT_EQ(issue.body["fields"]["status"]["name"], "Done") << key;
    EXPECT_EQ(issue.body["fields"]["resolution"]["name"], "Done") << key;
    auto log = sim().get("/rest/api/3/issue/" + key + "/changelog").body["values"];
    const json items = log.back()["items"];
    ASSERT_EQ(items.size(), 2u) << key << ": " << log.dump();
    EXPECT_EQ(items[1]["field"], "resolution");
    EXPECT_EQ(items[1]["toString"], "Done");
  }
  // Reopen clears the resolution the post-function set.
  ASSERT_EQ(transition(single_key, "61"), 204);
  EXPECT_TRUE(sim()
                  .get("/rest/api/3/issue/" + single_key + "?fields=resolution")
                  .body["fields"]["resolution"]
                  .is_null());
}

TEST(BulkWorkflowFile, APostFunctionResolutionIsParsedAndChecked) {
  using jira_sim::Workflow;
  json doc = {{"statuses", json::array({{{"id", "1"}, {"name", "Open"}, {"category", "new"}},
                                        {{"id", "2"}, {"name", "Closed"}, {"category", "done"}}})},
              {"transitions", json::array({{{"id", "5"},
                                            {"name", "Close"},
                                            {"from", {"1"}},
                                            {"to", "2"},
                                            {"resolution", "Won't Do"}}})}};
  EXPECT_EQ(Workflow::parse(doc).transition("5")->resolution, "Won't Do");
  EXPECT_TRUE(Workflow::builtin().transition("31")->resolution.empty());
  doc["transitions"][0]["resolution"] = 10001;
  EXPECT_THROW(Workflow::parse(doc), std::runtime_error) << "a name or id, as a string";

  // A resolution the instance does not have stops the start, as other workflow errors do.
  doc["transitions"][0]["resolution"] = "Fixed";
  const std::string path = ::testing::TempDir() + "/sim-bad-post-function.json";
  std::ofstream(path) << doc.dump();
  auto r = run_process({JiraSim::binary_path(), "--port", "0", "--workflow", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Fixed"), std::string::npos) << r.err;
}

TEST(BulkTaskQueue, TasksWaitTheirTurnAndReportProgress) {
  using namespace jira_sim;
  std::mutex state_mu;
  std::vector<std::string> applied;  // guarded by state_mu, as the queue promises
  TaskQueue queue(state_mu, 400);    // after what its thread touches, so it stops first
  auto record = [](size_t total) {
    TaskRecord r;
    r.kind = TaskKind::kTransition;
    r.total = total;
    return r;
  };
  auto apply_as = [&](const std::string& name) {
    return [&applied, name](size_t i) {
      applied.push_back(name + std::to_string(i));
      ItemOutcome out;
      out.issue_id = static_cast<long>(i);
      return out;
    };
  };
  const std::string first = queue.submit(record(2), apply_as("a"));
  const std::string second = queue.submit(record(1), apply_as("b"));
  EXPECT_NE(first, second);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(queue.find(second)->status, TaskStatus::kEnqueued) << "one task runs at a time";
  EXPECT_EQ(queue.find(first)->status, TaskStatus::kRunning);
  for (int i = 0; i < 200 && queue.find(second)->status != TaskStatus::kComplete; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(queue.find(second)->status, TaskStatus::kComplete);
  EXPECT_EQ(queue.find(first)->progress_percent(), 100);
  {
    std::lock_guard lock(state_mu);
    EXPECT_EQ(applied, (std::vector<std::string>{"a0", "a1", "b0"}));
  }
  EXPECT_FALSE(queue.find("nope"));
  EXPECT_EQ(queue.list().size(), 2u);
}

}  // namespace bulk
}  // namespace
}  // namespace epicsync::testing

// Workflows: transitions exist only from some statuses, Done needs several steps and a
// resolution, going back needs Reopen; custom workflows load from a file.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class WorkflowTest : public JiraSimTest {
 protected:
  std::vector<std::string> available(const std::string& key) {
    std::vector<std::string> names;
    auto r = sim().get("/rest/api/3/issue/" + key + "/transitions");
    for (const auto& t : r.body["transitions"]) names.push_back(t["name"]);
    return names;
  }
  int transition(const std::string& key, const std::string& id, json fields = nullptr) {
    json body = {{"transition", {{"id", id}}}};
    if (!fields.is_null()) body["fields"] = fields;
    return sim().post("/rest/api/3/issue/" + key + "/transitions", body).status;
  }
  std::string status(const std::string& key) {
    return sim()
        .get("/rest/api/3/issue/" + key + "?fields=status")
        .body["fields"]["status"]["name"];
  }
};

TEST_F(WorkflowTest, OnlyTransitionsFromTheCurrentStatusAreListed) {
  using V = std::vector<std::string>;
  EXPECT_EQ(available("PROJ-1"), (V{"Start Progress"}));
  ASSERT_EQ(transition("PROJ-1", "11"), 204);
  EXPECT_EQ(available("PROJ-1"), (V{"Request Review", "Stop Progress"}));
}

TEST_F(WorkflowTest, ReachingDoneTakesSeveralStepsAndAResolution) {
  std::string key = sim().create_issue("Story", "walk", "PROJ-1");
  auto jump =
      sim().post("/rest/api/3/issue/" + key + "/transitions", {{"transition", {{"id", "31"}}}});
  EXPECT_EQ(jump.status, 400) << "To Do -> Done is not an edge";
  EXPECT_EQ(jump.body["errorMessages"][0], "Transition id '31' is not valid for this issue.");
  ASSERT_EQ(transition(key, "11"), 204);
  EXPECT_EQ(status(key), "In Progress");
  ASSERT_EQ(transition(key, "21"), 204);
  EXPECT_EQ(status(key), "In Review");
  auto missing =
      sim().post("/rest/api/3/issue/" + key + "/transitions", {{"transition", {{"id", "31"}}}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.body["errors"].contains("resolution"));
  ASSERT_EQ(transition(key, "31", {{"resolution", {{"name", "Done"}}}}), 204);
  auto done = sim().get("/rest/api/3/issue/" + key + "?fields=status,resolution");
  EXPECT_EQ(done.body["fields"]["status"]["statusCategory"]["key"], "done");
  EXPECT_EQ(done.body["fields"]["resolution"]["name"], "Done");
}

TEST_F(WorkflowTest, GoingBackNeedsReopenWhichClearsTheResolution) {
  std::string key = sim().create_issue("Task", "back", "PROJ-1");
  ASSERT_EQ(transition(key, "11"), 204);
  ASSERT_EQ(transition(key, "21"), 204);
  ASSERT_EQ(transition(key, "51"), 204);  // Rework
  EXPECT_EQ(status(key), "In Progress");
  ASSERT_EQ(transition(key, "21"), 204);
  ASSERT_EQ(transition(key, "31", {{"resolution", {{"id", "10001"}}}}), 204);
  EXPECT_EQ(transition(key, "41"), 400) << "Stop Progress does not leave Done";
  ASSERT_EQ(transition(key, "61"), 204);  // Reopen
  auto r = sim().get("/rest/api/3/issue/" + key + "?fields=status,resolution");
  EXPECT_EQ(r.body["fields"]["status"]["name"], "To Do");
  EXPECT_TRUE(r.body["fields"]["resolution"].is_null());
  auto log = sim().get("/rest/api/3/issue/" + key + "/changelog");
  EXPECT_EQ(log.body["total"], 6);
}

TEST_F(WorkflowTest, ExpandTransitionsFieldsDescribesTheScreen) {
  std::string key = sim().create_issue("Story", "screen", "PROJ-1");
  ASSERT_EQ(transition(key, "11"), 204);
  ASSERT_EQ(transition(key, "21"), 204);
  auto plain = sim().get("/rest/api/3/issue/" + key + "/transitions");
  for (const auto& t : plain.body["transitions"]) EXPECT_FALSE(t.contains("fields"));
  auto r = sim().get("/rest/api/3/issue/" + key + "/transitions?expand=transitions.fields");
  ASSERT_EQ(r.status, 200);
  bool checked = false;
  for (const auto& t : r.body["transitions"]) {
    ASSERT_TRUE(t.contains("fields"));
    if (t["id"] == "31") {
      EXPECT_EQ(t["fields"]["resolution"]["required"], true);
      EXPECT_EQ(t["fields"]["resolution"]["allowedValues"][0]["name"], "Done");
      EXPECT_EQ(t["to"]["statusCategory"]["key"], "done");
      checked = true;
    }
  }
  EXPECT_TRUE(checked);
  EXPECT_EQ(transition(key, "31", {{"summary", "x"}, {"resolution", {{"name", "Done"}}}}), 400)
      << "fields off the transition screen are refused";
}

class CustomWorkflowTest : public ::testing::Test {};

TEST_F(CustomWorkflowTest, AWorkflowFileReplacesTheDefault) {
  std::string path = ::testing::TempDir() + "/sim-workflow.json";
  std::ofstream(path) << R"({
    "name": "two step",
    "initial": "1",
    "statuses": [{"id": "1", "name": "Open", "category": "new"},
                 {"id": "2", "name": "Closed", "category": "done"}],
    "transitions": [{"id": "5", "name": "Close", "from": ["1"], "to": "2"},
                    {"id": "6", "name": "Anywhere to Open", "from": ["*"], "to": "1"}]
  })";
  JiraSim sim({"--seed", "--workflow", path});
  auto statuses = sim.get("/rest/api/3/status");
  ASSERT_EQ(statuses.body.size(), 2u);
  EXPECT_EQ(statuses.body[1]["name"], "Closed");
  auto t = sim.get("/rest/api/3/issue/PROJ-1/transitions");
  ASSERT_EQ(t.body["transitions"].size(), 2u);
  EXPECT_EQ(t.body["transitions"][1]["isGlobal"], true);
  EXPECT_EQ(
      sim.post("/rest/api/3/issue/PROJ-1/transitions", {{"transition", {{"id", "5"}}}}).status,
      204);
}

TEST_F(CustomWorkflowTest, ABrokenWorkflowFileStopsTheStart) {
  std::string path = ::testing::TempDir() + "/sim-bad-workflow.json";
  std::ofstream(path) << R"({"statuses": [{"id": "1", "name": "Open", "category": "sideways"}]})";
  auto r = run_process({JiraSim::binary_path(), "--port", "0", "--workflow", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("category"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace epicsync::testing

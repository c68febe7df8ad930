#include <gtest/gtest.h>

#include "jira/workflow_walker.h"

namespace epicsync::jira {
namespace {

using tracker::RemoteStatus;
using tracker::StatusCategory;

const RemoteStatus kTodo{"1", "To Do", StatusCategory::kToDo};
const RemoteStatus kProgress{"3", "In Progress", StatusCategory::kInProgress};
const RemoteStatus kReview{"4", "In Review", StatusCategory::kInProgress};
const RemoteStatus kDone{"5", "Done", StatusCategory::kDone};

TransitionEdge edge(const std::string& id, const RemoteStatus& to) {
  return {id, "t" + id, to, {}};
}

TEST(WorkflowWalker, ShortestKnownPathWins) {
  WorkflowMap m;
  m.learn("1", {edge("11", kProgress)});
  m.learn("3", {edge("21", kReview), edge("22", kTodo)});
  m.learn("4", {edge("31", kDone), edge("32", kProgress)});
  m.learn("5", {edge("41", kTodo)});
  EXPECT_EQ(m.known_distance("1", "5"), 3);
  auto step = m.next_step(kTodo, kDone, {"1"});
  ASSERT_TRUE(step);
  EXPECT_EQ(step->id, "11");
  auto back = m.next_step(kDone, kTodo, {"5"});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "41");
}

TEST(WorkflowWalker, ExploresTowardsTheTargetsCategory) {
  WorkflowMap m;
  // From To Do two unexplored exits; Done is reached through the in-progress one.
  m.learn("1",
          {edge("12", RemoteStatus{"9", "Backlog", StatusCategory::kToDo}), edge("11", kProgress)});
  auto step = m.next_step(kTodo, kDone, {"1"});
  ASSERT_TRUE(step);
  EXPECT_EQ(step->id, "11");
}

TEST(WorkflowWalker, NeverReentersVisitedStatusesAndGivesUpWithoutAWay) {
  WorkflowMap m;
  m.learn("1", {edge("11", kProgress)});
  m.learn("3", {edge("22", kTodo)});
  EXPECT_FALSE(m.next_step(kProgress, kDone, {"3", "1"}));
}

// Exploring went into a side status whose only way out is back where the walk came from: the
// walk goes back through it to the statuses not yet explored instead of giving up.
TEST(WorkflowWalker, ASideStatusThatLeadsOnlyBackIsLeftTheWayItCame) {
  const RemoteStatus blocked{"7", "Blocked", StatusCategory::kInProgress};
  const RemoteStatus qa{"8", "In QA", StatusCategory::kInProgress};
  WorkflowMap m;
  m.learn("1", {edge("11", kProgress)});
  m.learn("3", {edge("15", blocked), edge("21", kReview), edge("41", kTodo)});
  m.learn("7", {edge("16", kProgress)});
  auto step = m.next_step(blocked, qa, {"1", "3", "7"});
  ASSERT_TRUE(step);
  EXPECT_EQ(step->id, "16");
  // And from In Progress on, the unexplored In Review is next, not Blocked again.
  auto on = m.next_step(kProgress, qa, {"1", "3", "7"});
  ASSERT_TRUE(on);
  EXPECT_EQ(on->id, "21");
}

TEST(WorkflowWalker, ParsesTransitionsAndFillsResolution) {
  auto body = nlohmann::json::parse(R"({"transitions":[{"id":"31","name":"Finish",
    "to":{"id":"5","name":"Done","statusCategory":{"key":"done"}},
    "fields":{"resolution":{"required":true,"name":"Resolution","hasDefaultValue":false,
      "allowedValues":[{"id":"10","name":"Won't Do"},{"id":"11","name":"Done"}]}}}]})");
  auto edges = transitions_from_json(body);
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].to.category, StatusCategory::kDone);
  auto fields = fill_required_fields(edges[0]);
  EXPECT_TRUE(fields.unfillable.empty());
  EXPECT_EQ(fields.fields["resolution"]["id"], "11");
  edges[0].to.name = "Won't Do";
  EXPECT_EQ(fill_required_fields(edges[0]).fields["resolution"]["id"], "10");
}

TEST(WorkflowWalker, RequiredFreeTextFieldCannotBeFilled) {
  auto body = nlohmann::json::parse(R"({"transitions":[{"id":"1","name":"Close",
    "to":{"id":"5","name":"Done"},"fields":{"customfield_1":{"required":true,"name":"Reason"}}}]})");
  EXPECT_EQ(fill_required_fields(transitions_from_json(body)[0]).unfillable, "Reason");
}

}  // namespace
}  // namespace epicsync::jira

// The planner's handling of statuses named by the team's workflow, links to stories of the same
// file, and sub-tasks pinned by key (issue 13, items 1, 4 and 7).
#include <gtest/gtest.h>

#include <set>

#include "parse_helpers.h"
#include "plan/planner.h"
#include "tracker/identity_property.h"

namespace epicsync::plan {
namespace {

using tracker::RemoteIssue;
using tracker::RemoteStatus;
using tracker::StatusCategory;

const RemoteStatus kTodo{"1", "To Do", StatusCategory::kToDo};
const RemoteStatus kBlocked{"7", "Blocked", StatusCategory::kInProgress};
const RemoteStatus kQa{"8", "In QA", StatusCategory::kInProgress};
const RemoteStatus kDone{"5", "Done", StatusCategory::kDone};

PlanOptions options() {
  PlanOptions o;
  o.rich_text.same = [](const tracker::RichText&, const std::string&) { return true; };
  const std::vector<RemoteStatus> all = {kTodo, kBlocked, kQa, kDone};
  o.workflow = {all, all, all};
  return o;
}

model::Epic parse(const std::string& text) {
  auto r = testing::parse(text);
  EXPECT_TRUE(r.ok()) << testing::diagnostics_text(r);
  return r.epic;
}

RemoteIssue issue(const std::string& key, const std::string& summary, const std::string& identity,
                  const RemoteStatus& status = kTodo) {
  RemoteIssue r;
  r.key = key;
  r.summary = summary;
  r.parent_key = "PROJ-1";
  r.status = status;
  tracker::IdentityProperty property;
  property.id = identity;
  property.epic = "PROJ-1";
  r.properties["epicsync"] = tracker::to_json_text(property);
  return r;
}

tracker::EpicSnapshot epic_with(std::vector<RemoteIssue> stories,
                                std::vector<RemoteIssue> subtasks = {}) {
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  snap.stories = std::move(stories);
  snap.subtasks = std::move(subtasks);
  return snap;
}

TEST(PlannerWorkflow, AStatusNamedByTheWorkflowIsReachedByName) {
  auto e = parse("### US-1: One\n**Status**: 🚧 blocked\n\n### US-2: Two\n**Status**: In QA\n");
  ASSERT_TRUE(e.stories[0].status && e.stories[0].status->by_name());
  EXPECT_EQ(e.stories[0].status->named, "blocked");
  auto plan = make_plan(e, epic_with({issue("PROJ-2", "One", "US-1")}), options());
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front();
  // An existing story moves to "Blocked" (the workflow's spelling); a new one is created and
  // then moved to "In QA".
  ASSERT_EQ(plan.operations.size(), 3u);
  const auto& move = plan.operations[0];
  EXPECT_EQ(move.kind, OpKind::kTransition);
  EXPECT_EQ(move.issue_key, "PROJ-2");
  ASSERT_TRUE(move.target_status);
  EXPECT_EQ(move.target_status->id, "7");
  EXPECT_FALSE(move.cancel);
  ASSERT_EQ(move.shown.size(), 1u);
  EXPECT_EQ(move.shown[0].after, "Blocked");
  EXPECT_EQ(plan.operations[1].kind, OpKind::kCreateStory);
  ASSERT_TRUE(plan.operations[2].target_status);
  EXPECT_EQ(plan.operations[2].target_status->name, "In QA");
  EXPECT_EQ(plan.operations[2].from_status, "(new)");

  // Already there: nothing to do.
  auto again = make_plan(
      e, epic_with({issue("PROJ-2", "One", "US-1", kBlocked), issue("PROJ-3", "Two", "US-2", kQa)}),
      options());
  EXPECT_TRUE(again.problems.empty());
  EXPECT_TRUE(again.empty()) << again.operations.size();
}

TEST(PlannerWorkflow, AStatusTheWorkflowDoesNotHaveIsAProblemListingItsStatuses) {
  auto e = parse(
      "### US-1: One\n**Status**: Sleeping\n\n#### Subtasks\n| Task | Status |\n|---|---|\n"
      "| Form | Parked |\n");
  auto plan = make_plan(e, epic_with({issue("PROJ-2", "One", "US-1")}), options());
  ASSERT_EQ(plan.problems.size(), 2u);
  EXPECT_NE(plan.problems[0].find("'Sleeping' is not a status of this project's workflow"),
            std::string::npos)
      << plan.problems[0];
  EXPECT_NE(plan.problems[0].find("To Do, Blocked, In QA, Done"), std::string::npos);
  EXPECT_NE(plan.problems[0].find("line 2"), std::string::npos) << plan.problems[0];
  EXPECT_NE(plan.problems[1].find("'Parked'"), std::string::npos) << plan.problems[1];
  EXPECT_TRUE(plan.empty()) << "a plan with problems writes nothing";
}

// Each kind of issue is checked against its own workflow: a sub-task workflow without Blocked
// makes "Blocked" on a sub-task a problem, and on a story none.
TEST(PlannerWorkflow, EachIssueIsCheckedAgainstItsOwnTypesWorkflow) {
  auto e = parse(
      "### US-1: One\n**Status**: Blocked\n\n#### Subtasks\n| Task | Status |\n|---|---|\n"
      "| Form | Blocked |\n");
  PlanOptions o = options();
  o.workflow.subtask = {kTodo, kDone};
  auto plan = make_plan(e, epic_with({}), o);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("sub-task 'Form' of US-1"), std::string::npos)
      << plan.problems[0];
  EXPECT_NE(plan.problems[0].find("(its statuses: To Do, Done)"), std::string::npos)
      << plan.problems[0];
}

TEST(PlannerWorkflow, ALinkToAStoryOfTheFileNamesThatStorysIssue) {
  auto e = parse(
      "### SRCH-1: Index\nx\n\n### SRCH-2: Query\n#### Links\n- blocks SRCH-1\n- relates to "
      "SRCH-3\n- blocks OTHER-9\n\n### SRCH-3: Rank\ny\n");
  // SRCH-1 exists as PROJ-2; SRCH-2 exists as PROJ-3; SRCH-3 is new.
  auto snap = epic_with({issue("PROJ-2", "Index", "SRCH-1"), issue("PROJ-3", "Query", "SRCH-2")});
  auto plan = make_plan(e, snap, options());
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front();
  std::vector<const Operation*> links;
  for (const auto& op : plan.operations) {
    if (op.kind == OpKind::kAddLink) links.push_back(&op);
  }
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0]->link_target, "PROJ-2");
  EXPECT_TRUE(links[0]->link_target_story.empty());
  EXPECT_EQ(links[1]->link_target, "") << "SRCH-3 has no issue until this run creates it";
  EXPECT_EQ(links[1]->link_target_story, "SRCH-3");
  EXPECT_EQ(links[2]->link_target, "OTHER-9") << "a key that is no story id is a key";

  // Once the link is there, it is in step.
  snap.stories[1].links = {{"1", "Blocks", "blocks", "PROJ-2"}};
  snap.stories.push_back(issue("PROJ-4", "Rank", "SRCH-3"));
  snap.stories[1].links.push_back({"2", "Relates", "relates to", "PROJ-4"});
  snap.stories[1].links.push_back({"3", "Blocks", "blocks", "OTHER-9"});
  auto again = make_plan(e, snap, options());
  EXPECT_TRUE(again.empty()) << again.operations.size();

  // With --story, a story left out is still found; one that has no issue is a problem.
  PlanOptions only = options();
  only.stories = {"SRCH-2"};
  snap.stories.pop_back();
  auto partial = make_plan(e, snap, only);
  ASSERT_EQ(partial.problems.size(), 1u);
  EXPECT_NE(partial.problems[0].find("links to story SRCH-3, which has no issue yet"),
            std::string::npos)
      << partial.problems[0];
}

TEST(PlannerWorkflow, AStoryLinkingToItselfIsAProblem) {
  auto e = parse("### US-1: One\n#### Links\n- blocks US-1\n");
  auto plan = make_plan(e, epic_with({}), options());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("story US-1 (line 3) links to itself"), std::string::npos)
      << plan.problems[0];
}

// A pin to an issue that is gone, while the story's issue was brought back under a new key (a
// rollback re-created it): the problem names the new key.
TEST(PlannerWorkflow, APinToAGoneIssueNamesWhereTheStoryIsNow) {
  auto e = parse("### US-2: Two\n**Issue**: PROJ-3\n");
  auto plan = make_plan(e, epic_with({issue("PROJ-8", "Two", "US-2")}), options());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("is pinned to PROJ-3"), std::string::npos) << plan.problems[0];
  EXPECT_NE(plan.problems[0].find("it is now PROJ-8: pin that key instead"), std::string::npos)
      << plan.problems[0];
}

TEST(PlannerWorkflow, APinnedSubtaskRenamedIsTheSameIssueUpdated) {
  auto e = parse(
      "### US-1: One\n#### Subtasks\n| Task | Key |\n|---|---|\n| Guest form v2 | PROJ-5 |\n");
  RemoteIssue st = issue("PROJ-5", "Guest form", "US-1/guest form");
  st.subtask = true;
  st.parent_key = "PROJ-2";
  auto plan = make_plan(e, epic_with({issue("PROJ-2", "One", "US-1")}, {st}), options());
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front();
  EXPECT_EQ(plan.subtask_keys.at("US-1/guest form v2"), "PROJ-5");
  bool renamed = false, recorded = false;
  for (const auto& op : plan.operations) {
    EXPECT_NE(op.kind, OpKind::kCreateSubtask);
    if (op.kind == OpKind::kUpdate && op.issue_key == "PROJ-5") {
      renamed = op.changes.summary == std::optional<std::string>("Guest form v2");
    }
    if (op.kind == OpKind::kRecordIdentity && op.issue_key == "PROJ-5") {
      recorded = op.property_json.find("US-1/guest form v2") != std::string::npos;
    }
  }
  EXPECT_TRUE(renamed);
  EXPECT_TRUE(recorded) << "the identity follows the new name";
}

// Issues epicsync managed that the file no longer has: listed always, pruned only when asked,
// and an issue it never managed is neither.
class PlannerOrphans : public ::testing::Test {
 protected:
  model::Epic file =
      parse("### US-1: One\n#### Subtasks\n| ID | Task |\n|---|---|\n| A | Kept |\n");
  tracker::EpicSnapshot snap() {
    RemoteIssue gone = issue("PROJ-9", "Removed story", "US-9");
    gone.subtask_keys = {"PROJ-10"};
    RemoteIssue gone_sub = issue("PROJ-10", "Its task", "US-9/its task");
    gone_sub.subtask = true;
    gone_sub.parent_key = "PROJ-9";
    RemoteIssue kept = issue("PROJ-3", "Kept", "A");
    kept.subtask = true;
    kept.parent_key = "PROJ-2";
    RemoteIssue old = issue("PROJ-4", "Renamed away", "US-1/renamed away");
    old.subtask = true;
    old.parent_key = "PROJ-2";
    RemoteIssue hand = issue("PROJ-5", "Made by hand", "");
    hand.properties.clear();
    hand.subtask = true;
    hand.parent_key = "PROJ-2";
    RemoteIssue hand_story = issue("PROJ-6", "Hand story", "");
    hand_story.properties.clear();
    RemoteIssue done = issue("PROJ-7", "Finished story", "US-7", kDone);
    return epic_with({issue("PROJ-2", "One", "US-1"), gone, hand_story, done},
                     {kept, old, hand, gone_sub});
  }
  std::vector<std::string> keys(const Plan& p) {
    std::vector<std::string> out;
    for (const auto& o : p.orphans) out.push_back(o.key + ":" + o.action);
    return out;
  }
};

TEST_F(PlannerOrphans, ListedInEveryPlanAndLeftAloneWithoutPrune) {
  auto plan = make_plan(file, snap(), options());
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front();
  EXPECT_EQ(keys(plan), (std::vector<std::string>{"PROJ-4:", "PROJ-9:", "PROJ-10:", "PROJ-7:"}));
  EXPECT_TRUE(plan.empty()) << "listing writes nothing";
  EXPECT_TRUE(plan.orphans[1].identity == "US-9" && !plan.orphans[1].subtask);
  EXPECT_EQ(plan.orphans[0].parent_key, "PROJ-2");
}

TEST_F(PlannerOrphans, PruneClosesWhatIsNotClosedAlready) {
  PlanOptions o = options();
  o.prune = Prune::kClose;
  auto plan = make_plan(file, snap(), o);
  EXPECT_EQ(keys(plan), (std::vector<std::string>{"PROJ-4:close", "PROJ-9:close", "PROJ-10:close",
                                                  "PROJ-7:closed"}));
  std::set<std::string> moved;
  for (const auto& op : plan.operations) {
    ASSERT_EQ(op.kind, OpKind::kTransition);
    EXPECT_EQ(op.target, model::StatusMeaning::kCancelled);
    moved.insert(op.issue_key);
  }
  EXPECT_EQ(moved, (std::set<std::string>{"PROJ-4", "PROJ-9", "PROJ-10"}));
}

TEST_F(PlannerOrphans, PruneDeletesAndNeverTakesAnUnmanagedSubtaskWithIt) {
  PlanOptions o = options();
  o.prune = Prune::kDelete;
  auto plan = make_plan(file, snap(), o);
  EXPECT_EQ(keys(plan), (std::vector<std::string>{"PROJ-4:delete", "PROJ-9:delete",
                                                  "PROJ-10:delete", "PROJ-7:delete"}));
  std::set<std::string> deleted;
  for (const auto& op : plan.operations) {
    ASSERT_EQ(op.kind, OpKind::kDeleteIssue);
    deleted.insert(op.issue_key);
    if (op.issue_key == "PROJ-9") {
      EXPECT_TRUE(op.with_subtasks);
    }
  }
  EXPECT_EQ(deleted, (std::set<std::string>{"PROJ-4", "PROJ-9", "PROJ-7"}))
      << "PROJ-10 goes with its story";

  // A removed story holding a sub-task made by hand is closed, not deleted.
  auto with_hand = snap();
  with_hand.subtasks[2].parent_key = "PROJ-9";
  with_hand.stories[1].subtask_keys.push_back("PROJ-5");
  auto careful = make_plan(file, with_hand, o);
  bool closed = false;
  for (const auto& op : careful.operations) {
    if (op.issue_key == "PROJ-9") closed = op.kind == OpKind::kTransition;
  }
  EXPECT_TRUE(closed);
  ASSERT_FALSE(careful.notes.empty());
  EXPECT_NE(careful.notes.back().find("PROJ-5"), std::string::npos) << careful.notes.back();

  // A sub-task the story lists that the search did not return (a lagging index) is not known
  // to be epicsync's: the story is closed, not deleted.
  auto lagging = snap();
  lagging.stories[1].subtask_keys.push_back("PROJ-77");
  auto cautious = make_plan(file, lagging, o);
  for (const auto& op : cautious.operations) {
    if (op.issue_key == "PROJ-9") {
      EXPECT_EQ(op.kind, OpKind::kTransition);
    }
  }
  EXPECT_NE(cautious.notes.back().find("PROJ-77"), std::string::npos) << cautious.notes.back();
}

// A story another epic's file manages, moved under this epic, is not this file's to prune; one
// recorded before epics were recorded is, when this epic's journals show epicsync created it.
TEST_F(PlannerOrphans, OnlyIssuesThisEpicsFileManagedAreOrphans) {
  auto s = snap();
  tracker::IdentityProperty moved;
  moved.id = "US-40";
  moved.epic = "OTHER-1";
  RemoteIssue from_other = issue("PROJ-40", "Moved here", "");
  from_other.properties["epicsync"] = tracker::to_json_text(moved);
  RemoteIssue old = issue("PROJ-41", "Made by an older epicsync", "");
  old.properties["epicsync"] = tracker::to_json_text({"US-41", {}, {}});
  RemoteIssue older = issue("PROJ-42", "Adopted by an older epicsync", "");
  older.properties["epicsync"] = tracker::to_json_text({"US-42", {}, {}});
  s.stories = {s.stories[0], from_other, old, older};
  s.subtasks = {s.subtasks[0]};
  PlanOptions o = options();
  o.own_creates = {"US-41"};
  o.prune = Prune::kDelete;
  auto plan = make_plan(file, s, o);
  EXPECT_EQ(keys(plan), (std::vector<std::string>{"PROJ-41:delete"}));
}

TEST_F(PlannerOrphans, AStoryLimitedRunOnlyJudgesItsStorysSubtasks) {
  PlanOptions o = options();
  o.stories = {"US-1"};
  o.prune = Prune::kClose;
  auto plan = make_plan(file, snap(), o);
  EXPECT_EQ(keys(plan), (std::vector<std::string>{"PROJ-4:close"}));
}

}  // namespace
}  // namespace epicsync::plan

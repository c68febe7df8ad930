// The check of a sync's writes (sync/write_check.h): pure, plans and reports in, lines out.

#include "sync/write_check.h"

#include <gtest/gtest.h>

namespace epicsync::sync {
namespace {

plan::Operation update(const std::string& key, std::vector<plan::FieldChange> shown) {
  plan::Operation op;
  op.kind = plan::OpKind::kUpdate;
  op.issue_key = key;
  op.shown = std::move(shown);
  return op;
}

tracker::RemoteIssue issue(const std::string& id, const std::string& key, bool subtask = false) {
  tracker::RemoteIssue i;
  i.id = id;
  i.key = key;
  i.subtask = subtask;
  return i;
}

TEST(WriteCheck, OnlyTheFieldsTheRunSentAreItsWrites) {
  plan::Plan done;
  done.operations = {update("PROJ-2", {{"Story Points", "3", "5"}})};
  ExecutionReport report;
  report.applied = 1;
  // Read back: points did not hold, and someone changed the summary meanwhile.
  plan::Plan again;
  again.operations = {
      update("PROJ-2", {{"Summary", "Theirs", "Ours"}, {"Story Points", "3", "5"}})};
  EXPECT_EQ(unheld_writes(done, report, again),
            (std::vector<std::string>{"PROJ-2: Story Points reads '3', not '5'"}));
  // Only the other field differs: the run's write held.
  again.operations = {update("PROJ-2", {{"Summary", "Theirs", "Ours"}})};
  EXPECT_TRUE(unheld_writes(done, report, again).empty());
  // A failed write is reported as a failure already, not again here.
  report.failures.push_back({0, "update PROJ-2", Error{}});
  again.operations = {update("PROJ-2", {{"Story Points", "3", "5"}})};
  EXPECT_TRUE(unheld_writes(done, report, again).empty());
}

TEST(WriteCheck, AWalkThatEndedWhereTheWorkflowAllowsHolds) {
  plan::Operation walk;
  walk.kind = plan::OpKind::kTransition;
  walk.issue_key = "PROJ-3";
  walk.target = model::StatusMeaning::kCancelled;
  plan::Plan done;
  done.operations = {walk};
  ExecutionReport report;
  report.transitions.push_back({"PROJ-3", {{"1", "To Do", {}}, {"In Progress", "Done"}}});
  walk.from_status = "Done";
  plan::Plan again;
  again.operations = {walk};
  EXPECT_TRUE(unheld_writes(done, report, again).empty()) << "Done is as close as it gets";
  again.operations[0].from_status = "In Progress";  // moved back by someone, or never arrived
  EXPECT_EQ(unheld_writes(done, report, again),
            (std::vector<std::string>{"PROJ-3: status is In Progress, not Cancelled"}));
}

TEST(WriteCheck, IssuesNotReadBackAreSaidUnlessThePlanDeletedThem) {
  tracker::EpicSnapshot before;
  before.epic = issue("1", "PROJ-1");
  before.stories = {issue("2", "PROJ-2"), issue("3", "PROJ-3")};
  plan::Plan plan;
  plan::Operation del;
  del.kind = plan::OpKind::kDeleteIssue;
  del.issue_key = "PROJ-3";
  plan.operations = {update("PROJ-2", {{"Summary", "a", "b"}}), del};
  ExecutionReport report;
  report.created_ids = {"9"};
  const auto asked = written_issue_ids(plan, report, before);
  EXPECT_EQ(asked, (std::vector<std::string>{"2", "3", "9"}));
  auto fresh_two = issue("2", "PROJ-2");
  fresh_two.summary = "b";
  auto read = with_fresh_issues(plan, report, before, asked, {fresh_two});
  ASSERT_EQ(read.snapshot.stories.size(), 1u) << "the deleted one is gone, as planned";
  EXPECT_EQ(read.snapshot.stories[0].summary, "b");
  EXPECT_EQ(read.unreadable,
            (std::vector<std::string>{
                "the issue with id 9 created by this run was not found when read back"}));
  // An issue written to that the read does not return is kept as it was, and said.
  read = with_fresh_issues(plan, report, before, asked, {issue("9", "PROJ-9", true)});
  EXPECT_EQ(read.snapshot.subtasks.size(), 1u);
  EXPECT_EQ(
      read.unreadable,
      (std::vector<std::string>{"PROJ-2: not found when read back, so its writes are unchecked"}));
}

}  // namespace
}  // namespace epicsync::sync

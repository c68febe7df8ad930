// Three-way planning (issue 15 item 2): a field the file and the tracker disagree on is written
// when the tracker still holds the base epicsync recorded, and is a conflict when someone
// changed it since. Pure: the planner alone, no tracker.
#include <gtest/gtest.h>

#include "parse_helpers.h"
#include "plan/planner.h"
#include "tracker/identity_property.h"

// A namespace of its own: the unit tests are built as one unity translation unit.
namespace epicsync::plan::three_way_test {

using tracker::RemoteIssue;
using tracker::RemoteStatus;
using tracker::StatusCategory;

const RemoteStatus kProgress{"3", "In Progress", StatusCategory::kInProgress};
const RemoteStatus kDone{"5", "Done", StatusCategory::kDone};
const RemoteStatus kClosed{"6", "Closed", StatusCategory::kDone};

PlanOptions options() {
  PlanOptions o;
  o.rich_text.same = [](const tracker::RichText& t, const std::string& md) { return t.raw == md; };
  o.rich_text.to_markdown = [](const tracker::RichText& t) { return t.raw; };
  o.rich_text.fingerprint = [](const tracker::RichText& t) { return "fp:" + t.raw; };
  o.rich_text.fingerprint_markdown = [](const std::string& md, bool) { return "fp:" + md; };
  return o;
}

model::Epic epic(const std::string& title, const std::string& points, const std::string& status) {
  auto r = testing::parse("### US-1: " + title + "\n**Story Points**: " + points +
                          "\n**Priority**: High\n**Status**: " + status + "\n");
  EXPECT_TRUE(r.ok()) << testing::diagnostics_text(r);
  return r.epic;
}

// US-1's issue as a sync of epic("Guest checkout", "5", "Done") left it, with its base.
tracker::EpicSnapshot synced(std::map<std::string, std::string> base = {
                                 {"summary", "Guest checkout"},
                                 {"points", "5"},
                                 {"priority", "high"},
                                 {"status", "=Done|done"}}) {
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  RemoteIssue s;
  s.key = "PROJ-2";
  s.summary = "Guest checkout";
  s.parent_key = "PROJ-1";
  s.points = 5;
  s.priority_name = "High";
  s.status = kDone;
  s.resolution = "Done";
  tracker::IdentityProperty p;
  p.id = "US-1";
  p.epic = "PROJ-1";
  p.base = std::move(base);
  s.properties["epicsync"] = tracker::to_json_text(p);
  snap.stories.push_back(s);
  return snap;
}

TEST(PlannerThreeWay, InStepWithItsBasePlansNothing) {
  auto plan = make_plan(epic("Guest checkout", "5", "Done"), synced(), options());
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.conflicts.empty());
}

TEST(PlannerThreeWay, AFieldSomeoneChangedIsAConflictNotAWrite) {
  auto snap = synced();
  snap.stories[0].summary = "Guest pay";
  auto plan = make_plan(epic("Guest checkout", "8", "Done"), snap, options());
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_EQ(plan.conflicts[0],
            (Conflict{"PROJ-2", "Summary", "Guest checkout", "Guest pay", "Guest checkout", ""}));
  ASSERT_EQ(plan.operations.size(), 1u) << "the points, changed in the file only, are written";
  EXPECT_FALSE(plan.operations[0].changes.summary.has_value());
  EXPECT_EQ(plan.operations[0].changes.points, std::optional<double>(8));
  EXPECT_EQ(plan.operations[0].base.at("points"), "8") << "the new base, once written";
  EXPECT_EQ(plan.operations[0].base.count("summary"), 0u) << "a conflict keeps its base";
}

TEST(PlannerThreeWay, BothChangedIsAConflictAndForceWritesTheFile) {
  auto snap = synced();
  snap.stories[0].summary = "Guest pay";
  auto o = options();
  auto plan = make_plan(epic("Guest payment", "5", "Done"), snap, o);
  EXPECT_EQ(plan.conflicts.size(), 1u);
  EXPECT_TRUE(plan.empty());
  o.force = true;
  plan = make_plan(epic("Guest payment", "5", "Done"), snap, o);
  EXPECT_TRUE(plan.conflicts.empty());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].changes.summary, "Guest payment");
  EXPECT_EQ(plan.operations[0].base.at("summary"), "Guest payment");
}

TEST(PlannerThreeWay, AnIssueWithNoBaseIsWrittenAsBefore) {
  auto snap = synced({});
  snap.stories[0].summary = "Guest pay";
  auto plan = make_plan(epic("Guest checkout", "5", "Done"), snap, options());
  EXPECT_TRUE(plan.conflicts.empty());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].changes.summary, "Guest checkout");
  // Its first write records the base of every field it found in step too.
  EXPECT_EQ(plan.operations[0].base.at("points"), "5");
  EXPECT_EQ(plan.operations[0].base.at("status"), "=Done|done");
}

TEST(PlannerThreeWay, InStepAgainIsRecordedOnceSoALaterEditIsNoConflict) {
  auto snap = synced();
  snap.stories[0].summary = "Guest pay";  // someone's edit, which the file then took
  auto plan = make_plan(epic("Guest pay", "5", "Done"), snap, options());
  EXPECT_TRUE(plan.conflicts.empty());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].kind, OpKind::kRecordIdentity);
  EXPECT_EQ(plan.operations[0].base,
            (std::map<std::string, std::string>{{"summary", "Guest pay"}}));
}

TEST(PlannerThreeWay, AStatusMovedWithinWhatTheFileMeantIsNoConflict) {
  auto snap = synced();
  snap.stories[0].status = kClosed;  // Done → Closed: still done
  auto plan = make_plan(epic("Guest checkout", "5", "In Progress"), snap, options());
  EXPECT_TRUE(plan.conflicts.empty());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].kind, OpKind::kTransition);
  EXPECT_EQ(plan.operations[0].base.at("status"), "|in_progress")
      << "the executor puts the status reached before the meaning";

  snap.stories[0].status = kProgress;  // someone reopened it: the file still says Done
  plan = make_plan(epic("Guest checkout", "5", "Done"), snap, options());
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_EQ(plan.conflicts[0].field, "Status");
  EXPECT_EQ(plan.conflicts[0].wrote, "Done");
  EXPECT_EQ(plan.conflicts[0].now, "In Progress");
  EXPECT_TRUE(plan.empty());
}

TEST(PlannerThreeWay, NewIssuesAreCreatedWithTheirBase) {
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  auto plan = make_plan(epic("Guest checkout", "5", "Done"), snap, options());
  ASSERT_GE(plan.operations.size(), 2u);
  const auto& base = plan.operations[0].draft.base;
  EXPECT_EQ(base.at("summary"), "Guest checkout");
  EXPECT_EQ(base.at("points"), "5");
  EXPECT_EQ(base.at("priority"), "high");
  EXPECT_EQ(base.count("status"), 0u) << "recorded by the transition that reaches it";
  EXPECT_EQ(plan.operations[1].base.at("status"), "|done");
}

}  // namespace epicsync::plan::three_way_test

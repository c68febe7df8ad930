#include <gtest/gtest.h>

#include "description.h"
#include "parse_helpers.h"
#include "plan/planner.h"
#include "plan/text_diff.h"
#include "tracker/identity_property.h"

namespace epicsync::plan {
namespace {

using model::StatusMeaning;
using tracker::RemoteIssue;
using tracker::RemoteStatus;
using tracker::StatusCategory;

const RemoteStatus kTodo{"1", "To Do", StatusCategory::kToDo};
const RemoteStatus kProgress{"3", "In Progress", StatusCategory::kInProgress};
const RemoteStatus kDone{"5", "Done", StatusCategory::kDone};

// The tracker's rich text is kept as markdown in these tests: equal text, equal content.
PlanOptions options() {
  PlanOptions o;
  o.rich_text.same = [](const tracker::RichText& t, const std::string& md) { return t.raw == md; };
  o.rich_text.to_markdown = [](const tracker::RichText& t) { return t.raw; };
  return o;
}

const char* kEpic = R"(### US-1: Guest checkout
| Field | Value |
|---|---|
| Story Points | 5 |
| Priority | High |
| Status | In Progress |
| Labels | web, checkout |

#### Description
Pay as a guest.

#### Subtasks
| ID | Task | SP | Status |
|---|---|---|---|
| US-1-01 | Guest form | 2 | Done |
| US-1-02 | Payment | 3 | |

#### Related Commits
| Commit | Message |
|---|---|
| `abc123` | feat: form |

#### Links
- blocks PROJ-50
)";

model::Epic desired() {
  auto r = testing::parse(kEpic);
  EXPECT_TRUE(r.ok()) << testing::diagnostics_text(r);
  return r.epic;
}

std::string property(const std::string& id, std::map<std::string, tracker::CommentRecord> c = {}) {
  return tracker::to_json_text({id, {}, std::move(c)});
}

// US-1's issue under epic PROJ-1, with nothing but its summary.
RemoteIssue guest_checkout() {
  RemoteIssue s;
  s.key = "PROJ-2";
  s.summary = "Guest checkout";
  s.parent_key = "PROJ-1";
  return s;
}

// The tracker exactly as a previous sync of kEpic left it.
tracker::EpicSnapshot in_step() {
  auto e = desired();
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  RemoteIssue s = guest_checkout();
  s.description = {tracker::RichText::Format::kAdf, markdown::compose_description(e.stories[0])};
  s.points = 5;
  s.priority_name = "High";
  s.labels = {"checkout", "web"};
  s.status = kProgress;
  s.links = {{"1", "Blocks", "blocks", "PROJ-50"}};
  s.properties["epicsync"] =
      property("US-1", {{"commits", {content_hash(commits_comment(e.stories[0].commits)), "77"}}});
  snap.stories.push_back(s);
  RemoteIssue a;
  a.key = "PROJ-3";
  a.subtask = true;
  a.parent_key = "PROJ-2";
  a.summary = "Guest form";
  a.points = 2;
  a.status = kDone;
  a.properties["epicsync"] = property("US-1-01");
  RemoteIssue b = a;
  b.key = "PROJ-4";
  b.summary = "Payment";
  b.points = 3;
  b.status = kTodo;
  b.properties["epicsync"] = property("US-1-02");
  snap.subtasks = {a, b};
  return snap;
}

std::vector<OpKind> kinds(const Plan& p) {
  std::vector<OpKind> out;
  for (const auto& op : p.operations) out.push_back(op.kind);
  return out;
}

TEST(Planner, NothingChangedMeansNoOperationAtAll) {
  auto plan = make_plan(desired(), in_step(), options());
  EXPECT_TRUE(plan.problems.empty());
  EXPECT_TRUE(plan.empty()) << plan.operations.size() << " operations";
}

TEST(Planner, EmptyEpicCreatesEverythingInOrder) {
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  auto plan = make_plan(desired(), snap, options());
  EXPECT_EQ(kinds(plan),
            (std::vector<OpKind>{OpKind::kCreateStory, OpKind::kTransition, OpKind::kCreateSubtask,
                                 OpKind::kTransition, OpKind::kCreateSubtask, OpKind::kAddComment,
                                 OpKind::kAddLink}));
  const auto& story = plan.operations[0];
  EXPECT_EQ(story.draft.identity, "US-1");
  EXPECT_EQ(story.draft.parent_key, "PROJ-1");
  EXPECT_EQ(story.draft.points, 5.0);
  EXPECT_EQ(story.draft.priority_name, "High");
  EXPECT_EQ(plan.operations[1].target, StatusMeaning::kInProgress);
  EXPECT_EQ(plan.operations[2].parent_story_id, "US-1");
  EXPECT_EQ(plan.operations[2].draft.identity, "US-1-01");
  EXPECT_EQ(plan.operations[3].target, StatusMeaning::kDone);
  EXPECT_EQ(plan.issues_affected(), 3u);
}

TEST(Planner, OnlyChangedManagedFieldsAreSent) {
  auto snap = in_step();
  snap.stories[0].points = 3;
  snap.stories[0].labels = {"web"};
  snap.stories[0].assignee = "someone";  // the file does not manage the assignee
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  const auto& op = plan.operations[0];
  EXPECT_EQ(op.kind, OpKind::kUpdate);
  EXPECT_EQ(op.issue_key, "PROJ-2");
  EXPECT_EQ(op.changes.points, std::optional<double>(5));
  EXPECT_EQ(op.changes.labels, (std::vector<std::string>{"web", "checkout"}));
  EXPECT_FALSE(op.changes.summary);
  EXPECT_FALSE(op.changes.assignee);
  EXPECT_FALSE(op.changes.description_markdown);
  EXPECT_EQ(op.shown[0], (FieldChange{"Story Points", "3", "5"}));
}

TEST(Planner, LabelsCompareAsASet) {
  auto e = desired();
  e.stories[0].labels = std::vector<std::string>{"web", "checkout", "web"};
  EXPECT_TRUE(make_plan(e, in_step(), options()).empty());
}

TEST(Planner, AnAssigneeThatMatchesNoUserIsAProblem) {
  auto e = desired();
  e.stories[0].assignee = "nobody@example.com";
  auto o = options();
  o.users_resolved = true;
  auto plan = make_plan(e, in_step(), o);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("'nobody@example.com'"), std::string::npos);
  o.user_ids["nobody@example.com"] = "acc-1";
  auto resolved = make_plan(e, in_step(), o);
  ASSERT_EQ(resolved.operations.size(), 1u);
  EXPECT_EQ(resolved.operations[0].changes.assignee, "acc-1");
}

TEST(Planner, RenamedStoryIsFoundByItsRecordedIdentity) {
  auto snap = in_step();
  snap.stories[0].summary = "Old title";
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].changes.summary, "Guest checkout");
  EXPECT_EQ(plan.operations[0].shown[0], (FieldChange{"Summary", "Old title", "Guest checkout"}));
}

TEST(Planner, SummaryMatchAdoptsAnIssueAndRecordsItsIdentity) {
  auto snap = in_step();
  snap.stories[0].properties.clear();
  snap.stories[0].summary = "guest   CHECKOUT";
  auto plan = make_plan(desired(), snap, options());
  ASSERT_FALSE(plan.operations.empty());
  EXPECT_EQ(plan.operations[0].kind, OpKind::kRecordIdentity);
  EXPECT_EQ(plan.operations[0].issue_key, "PROJ-2");
  EXPECT_NE(plan.operations[0].property_json.find("\"US-1\""), std::string::npos);
  for (const auto& op : plan.operations) EXPECT_NE(op.kind, OpKind::kCreateStory);
}

TEST(Planner, TwoCandidatesIsAProblemNamingThemAndNoOperations) {
  auto snap = in_step();
  auto twin = snap.stories[0];
  twin.key = "PROJ-9";
  snap.stories.push_back(twin);
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("PROJ-2"), std::string::npos);
  EXPECT_NE(plan.problems[0].find("PROJ-9"), std::string::npos);
  EXPECT_TRUE(plan.operations.empty());
}

TEST(Planner, AmbiguousSummaryIsAProblemNotAGuess) {
  auto snap = in_step();
  snap.stories[0].properties.clear();
  auto twin = snap.stories[0];
  twin.key = "PROJ-9";
  snap.stories.push_back(twin);
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("several issues are titled like story US-1"), std::string::npos);
}

TEST(Planner, PinnedKeysWinAndMustBeInTheEpic) {
  auto e = desired();
  e.stories[0].tracker_key = "PROJ-2";
  auto snap = in_step();
  snap.stories[0].properties["epicsync"] = property("SOMETHING-ELSE");
  auto plan = make_plan(e, snap, options());
  EXPECT_TRUE(plan.problems.empty());
  ASSERT_FALSE(plan.operations.empty());
  EXPECT_EQ(plan.operations[0].kind, OpKind::kRecordIdentity);

  e.stories[0].tracker_key = "PROJ-77";
  auto missing = make_plan(e, snap, options());
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_NE(missing.problems[0].find("pinned to PROJ-77, which is not a story of epic PROJ-1"),
            std::string::npos);
}

TEST(Planner, OneIssueClaimedByTwoStoriesIsAProblem) {
  auto e = desired();
  auto second = e.stories[0];
  second.id = "US-2";
  second.tracker_key = "PROJ-2";
  e.stories[0].tracker_key = "PROJ-2";
  e.stories.push_back(second);
  auto plan = make_plan(e, in_step(), options());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("PROJ-2 is claimed by both story US-1 and story US-2"),
            std::string::npos);
}

TEST(Planner, StatusTransitionsOnlyWhenTheMeaningDiffers) {
  auto snap = in_step();
  snap.stories[0].status = {"7", "Doing", StatusCategory::kInProgress};  // a synonym: fine
  EXPECT_TRUE(make_plan(desired(), snap, options()).empty());
  snap.stories[0].status = {"8", "Shipped", StatusCategory::kInProgress};  // unknown name
  EXPECT_TRUE(make_plan(desired(), snap, options()).empty());
  snap.stories[0].status = kTodo;
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].kind, OpKind::kTransition);
  EXPECT_EQ(plan.operations[0].from_status, "To Do");
  EXPECT_EQ(plan.operations[0].target, StatusMeaning::kInProgress);
}

TEST(Planner, NewAndChangedSubtasks) {
  auto snap = in_step();
  snap.subtasks.pop_back();         // "Payment" is gone: it is created again
  snap.subtasks[0].points = 1;      // "Guest form" changed
  snap.subtasks[0].status = kTodo;  // and must move to Done
  auto plan = make_plan(desired(), snap, options());
  EXPECT_EQ(kinds(plan),
            (std::vector<OpKind>{OpKind::kUpdate, OpKind::kTransition, OpKind::kCreateSubtask}));
  EXPECT_EQ(plan.operations[0].issue_key, "PROJ-3");
  EXPECT_EQ(plan.operations[2].draft.parent_key, "PROJ-2");
  EXPECT_TRUE(plan.operations[2].parent_story_id.empty());
}

TEST(Planner, CommentsAreAddedOnceAndKeptInStep) {
  auto e = desired();
  auto snap = in_step();
  e.stories[0].commits.push_back({"def456", "fix: more", {}});
  auto plan = make_plan(e, snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].kind, OpKind::kUpdateComment);
  EXPECT_EQ(plan.operations[0].comment_id, "77");
  EXPECT_NE(plan.operations[0].comment_markdown.find("def456"), std::string::npos);
  e.stories[0].comments.push_back({"dana", "2025-03-02", "Keep consent.", {}});
  auto with_comment = make_plan(e, snap, options());
  EXPECT_EQ(with_comment.operations.back().kind, OpKind::kAddComment);
  EXPECT_EQ(with_comment.operations.back().comment_markdown,
            "**@dana** (2025-03-02):\n\nKeep consent.");
}

TEST(Planner, LinksAreAddedOnlyWhenMissing) {
  auto snap = in_step();
  snap.stories[0].links.clear();
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].kind, OpKind::kAddLink);
  EXPECT_EQ(plan.operations[0].link_phrase, "blocks");
  EXPECT_EQ(plan.operations[0].link_target, "PROJ-50");
}

TEST(Planner, DescriptionChangeCarriesAReadableDiff) {
  auto snap = in_step();
  snap.stories[0].description.raw = "Pay as a member.";
  auto plan = make_plan(desired(), snap, options());
  ASSERT_EQ(plan.operations.size(), 1u);
  const auto& op = plan.operations[0];
  ASSERT_TRUE(op.changes.description_markdown);
  EXPECT_NE(op.description_diff.find("-Pay as a member."), std::string::npos)
      << op.description_diff;
  EXPECT_NE(op.description_diff.find("+Pay as a guest."), std::string::npos);
}

TEST(Planner, StoryAndPhaseFiltersLimitTheRun) {
  auto snap = in_step();
  snap.stories[0].points = 1;
  snap.stories[0].status = kTodo;
  auto o = options();
  o.phases = {Phase::kStatuses};
  EXPECT_EQ(kinds(make_plan(desired(), snap, o)), (std::vector<OpKind>{OpKind::kTransition}));
  o = options();
  o.stories = {"US-404"};
  EXPECT_TRUE(make_plan(desired(), snap, o).empty());
}

// The subtasks phase is the sub-tasks whole; fields, descriptions and statuses take in the
// existing sub-tasks too, and create none.
TEST(Planner, PhasesReachExistingSubtasks) {
  auto snap = in_step();
  snap.subtasks[0].points = 1;      // Guest form: the file says 2
  snap.subtasks[0].status = kTodo;  // the file says Done
  snap.subtasks.pop_back();         // Payment is missing: a create
  auto only = [&](std::set<Phase> phases) {
    auto o = options();
    o.phases = std::move(phases);
    return kinds(make_plan(desired(), snap, o));
  };
  EXPECT_EQ(only({Phase::kFields}), (std::vector<OpKind>{OpKind::kUpdate}));
  EXPECT_EQ(only({Phase::kStatuses}), (std::vector<OpKind>{OpKind::kTransition}));
  EXPECT_EQ(only({Phase::kSubtasks}),
            (std::vector<OpKind>{OpKind::kUpdate, OpKind::kTransition, OpKind::kCreateSubtask}));
  EXPECT_TRUE(only({Phase::kComments}).empty());
}

TEST(StatusMap, TargetsByNameThenCategory) {
  const auto map = StatusMap::defaults();
  std::vector<RemoteStatus> all = {kTodo,
                                   kProgress,
                                   {"4", "Code Review", StatusCategory::kInProgress},
                                   kDone,
                                   {"6", "Won't Do", StatusCategory::kDone}};
  EXPECT_EQ(target_status(map, StatusMeaning::kInReview, all)->name, "Code Review");
  EXPECT_EQ(target_status(map, StatusMeaning::kCancelled, all)->name, "Won't Do");
  EXPECT_EQ(target_status(map, StatusMeaning::kDone, all)->name, "Done");
  std::vector<RemoteStatus> custom = {{"9", "Shipped", StatusCategory::kDone}};
  EXPECT_EQ(target_status(map, StatusMeaning::kDone, custom)->name, "Shipped");
  // Without a cancel status, cancelling goes to the done status (resolved as Won't Do).
  EXPECT_EQ(target_status(map, StatusMeaning::kCancelled, custom)->name, "Shipped");
  EXPECT_TRUE(satisfies(map, StatusMeaning::kCancelled, kDone, "Won't Do"));
  EXPECT_FALSE(satisfies(map, StatusMeaning::kDone, kDone, "Won't Do"));
  EXPECT_FALSE(satisfies(map, StatusMeaning::kCancelled, kDone));
  EXPECT_FALSE(satisfies(map, StatusMeaning::kDone, {"6", "Won't Do", StatusCategory::kDone}));
}

TEST(TextDiff, UnifiedHunks) {
  EXPECT_EQ(unified_diff("a\nb\nc", "a\nb\nc"), "");
  auto d = unified_diff("a\nb\nc\nd", "a\nB\nc\nd");
  EXPECT_NE(d.find("@@"), std::string::npos);
  EXPECT_NE(d.find("-b"), std::string::npos);
  EXPECT_NE(d.find("+B"), std::string::npos);
}

// The field table: components, versions, a date and custom fields, written in the metadata.
std::vector<tracker::FieldSpec> field_table() {
  using tracker::FieldKind;
  return {
      {"components",
       "Components",
       FieldKind::kComponents,
       "component",
       {"API", "Backend"},
       true,
       false,
       true},
      {"duedate", "Due Date", FieldKind::kDate, "date", {}, true, false, false},
      {"customfield_10040",
       "Team",
       FieldKind::kOption,
       "select",
       {"Search", "Mobile"},
       true,
       false,
       false},
      {"customfield_10045", "Reviewer", FieldKind::kUser, "userpicker", {}, true, false, false},
  };
}

model::Epic with_fields(const std::string& rows) {
  auto r = markdown::parse_epic(
      std::string("### US-1: Guest checkout\n| Field | Value |\n|---|---|\n") + rows,
      {false, {}, {"Team", "Reviewer"}});
  EXPECT_TRUE(r.ok()) << testing::diagnostics_text(r);
  return r.epic;
}

tracker::EpicSnapshot one_story(const tracker::FieldValues& fields) {
  tracker::EpicSnapshot snap;
  snap.epic.key = "PROJ-1";
  RemoteIssue s = guest_checkout();
  s.fields = fields;
  s.properties["epicsync"] = property("US-1");
  snap.stories.push_back(s);
  return snap;
}

TEST(PlannerFields, OnlyTheFieldsThatDifferAreSentInCanonicalForm) {
  auto o = options();
  o.fields = field_table();
  const auto e =
      with_fields("| Components | backend, API |\n| Due Date | 2026-03-31 |\n| Team | search |\n");
  auto same = one_story({{"components", {"API", "Backend"}},
                         {"duedate", {"2026-03-31"}},
                         {"customfield_10040", {"Search"}}});
  EXPECT_TRUE(make_plan(e, same, o).empty());

  auto changed =
      one_story({{"components", {"API"}}, {"duedate", {}}, {"customfield_10040", {"Search"}}});
  auto plan = make_plan(e, changed, o);
  ASSERT_TRUE(plan.problems.empty()) << plan.problems[0];
  ASSERT_EQ(plan.operations.size(), 1u);
  const auto& op = plan.operations[0];
  EXPECT_EQ(op.changes.fields.size(), 2u);
  EXPECT_EQ(op.changes.fields.at("components"), (tracker::FieldValue{"API", "Backend"}));
  EXPECT_EQ(op.changes.fields.at("duedate"), (tracker::FieldValue{"2026-03-31"}));
  EXPECT_EQ(op.shown[0], (FieldChange{"Components", "API", "API, Backend"}));
  EXPECT_EQ(op.shown[1], (FieldChange{"Due Date", "-", "2026-03-31"}));
}

TEST(PlannerFields, ADashClearsAndAnAbsentRowLeavesTheFieldAlone) {
  auto o = options();
  o.fields = field_table();
  auto plan = make_plan(with_fields("| Components | - |\n"),
                        one_story({{"components", {"API"}}, {"duedate", {"2026-01-01"}}}), o);
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].changes.fields.size(), 1u);
  EXPECT_EQ(plan.operations[0].changes.fields.at("components"), tracker::FieldValue{});
}

TEST(PlannerFields, ValuesTheTrackerWouldRefuseAreProblemsWithLineAndAllowedValues) {
  auto o = options();
  o.fields = field_table();
  auto plan = make_plan(with_fields("| Components | API, Frontend |\n| Team | Payments |\n"),
                        one_story({}), o);
  ASSERT_EQ(plan.problems.size(), 2u);
  EXPECT_EQ(plan.problems[0],
            "story US-1 (line 4): Components: 'Frontend' is not allowed (allowed: API, Backend)");
  EXPECT_NE(plan.problems[1].find("(line 5): Team: 'Payments' is not allowed (allowed: Search, "
                                  "Mobile)"),
            std::string::npos);
  EXPECT_TRUE(plan.operations.empty()) << "a plan with problems writes nothing";

  o.fields[1].on_story = false;
  auto off = make_plan(with_fields("| Due Date | 2026-03-31 |\n"), one_story({}), o);
  ASSERT_EQ(off.problems.size(), 1u);
  EXPECT_NE(off.problems[0].find("not on the story screen"), std::string::npos);

  o.fields.clear();
  auto none = make_plan(with_fields("| Team | Search |\n"), one_story({}), o);
  ASSERT_EQ(none.problems.size(), 1u);
  EXPECT_NE(none.problems[0].find("Team: this Jira has no such field"), std::string::npos);
}

TEST(PlannerFields, AUserFieldIsResolvedLikeTheAssigneeAndNewStoriesGetEveryField) {
  auto o = options();
  o.fields = field_table();
  o.user_ids = {{"dana@example.com", "acc-7"}};
  o.users_resolved = true;
  tracker::EpicSnapshot empty;
  empty.epic.key = "PROJ-1";
  auto plan = make_plan(
      with_fields("| Reviewer | dana@example.com |\n| Components | API |\n| Due Date | - |\n"),
      empty, o);
  ASSERT_TRUE(plan.problems.empty()) << plan.problems[0];
  ASSERT_EQ(plan.operations[0].kind, OpKind::kCreateStory);
  const auto& f = plan.operations[0].draft.fields;
  EXPECT_EQ(f.at("customfield_10045"), (tracker::FieldValue{"acc-7"}));
  EXPECT_EQ(f.at("components"), (tracker::FieldValue{"API"}));

  auto unknown = make_plan(with_fields("| Reviewer | nobody |\n"), empty, o);
  ASSERT_EQ(unknown.problems.size(), 1u);
  EXPECT_NE(unknown.problems[0].find("no single tracker user matches 'nobody'"), std::string::npos);
}

TEST(PlannerFields, TheEpicsOwnFieldsArePlannedOnTheEpic) {
  auto o = options();
  o.fields = field_table();
  auto r = markdown::parse_epic(
      "# Checkout\n\n## Epic Summary\n| Field | Value |\n|---|---|\n| Components | API |\n\n"
      "### US-1: Guest checkout\n",
      {false, {}, {}});
  ASSERT_TRUE(r.ok()) << testing::diagnostics_text(r);
  auto snap = one_story({});
  snap.epic.summary = "Checkout";
  snap.epic.fields = {{"components", {}}};
  auto plan = make_plan(r.epic, snap, o);
  ASSERT_TRUE(plan.problems.empty()) << plan.problems[0];
  ASSERT_EQ(plan.operations.size(), 1u);
  EXPECT_EQ(plan.operations[0].issue_key, "PROJ-1");
  EXPECT_EQ(plan.operations[0].changes.fields.at("components"), (tracker::FieldValue{"API"}));
}

}  // namespace
}  // namespace epicsync::plan

#include "report/snapshot_diff.h"

#include <gtest/gtest.h>

#include "sync/rich_text_ops.h"

namespace epicsync::report {
namespace {

using tracker::EpicSnapshot;
using tracker::RemoteIssue;
using tracker::RemoteStatus;
using tracker::RichText;
using tracker::StatusCategory;

const RemoteStatus kTodo{"10000", "To Do", StatusCategory::kToDo};
const RemoteStatus kProgress{"3", "In Progress", StatusCategory::kInProgress};
const RemoteStatus kDone{"10002", "Done", StatusCategory::kDone};

// Rich text kept as markdown in these tests: the raw text is what a reader sees.
std::string as_markdown(const RichText& t) {
  return t.raw;
}

RichText wiki(const std::string& text) {
  return {RichText::Format::kWiki, text};
}

RemoteIssue issue(const std::string& key, const std::string& summary,
                  const std::string& parent = "") {
  RemoteIssue i;
  i.id = "1" + key.substr(key.find('-') + 1);
  i.key = key;
  i.summary = summary;
  i.parent_key = parent;
  i.status = kTodo;
  i.priority_id = "3";
  i.priority_name = "Medium";
  return i;
}

// An epic PROJ-1 with two stories, PROJ-2 (sub-tasks PROJ-4, PROJ-5) and PROJ-3.
EpicSnapshot base() {
  EpicSnapshot s;
  s.epic = issue("PROJ-1", "Checkout revamp");
  s.stories = {issue("PROJ-2", "Guest checkout", "PROJ-1"),
               issue("PROJ-3", "Address autocomplete", "PROJ-1")};
  s.stories[0].points = 5;
  s.stories[0].labels = {"web", "checkout"};
  s.stories[0].description = wiki("Pay as a guest.\nNo account needed.\n");
  s.stories[0].subtask_keys = {"PROJ-4", "PROJ-5"};
  s.subtasks = {issue("PROJ-4", "Guest form", "PROJ-2"), issue("PROJ-5", "Payment", "PROJ-2")};
  return s;
}

SnapshotDiff diff(const EpicSnapshot& before, const EpicSnapshot& after) {
  return diff_snapshots(before, after, as_markdown);
}

std::string text(const SnapshotDiff& d) {
  return render_snapshot_diff_text(d, {false});
}

TEST(SnapshotDiff, IdenticalSnapshotsHaveNoDifferences) {
  const auto d = diff(base(), base());
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.epic_key, "PROJ-1");
  EXPECT_EQ(text(d), "No differences in PROJ-1.\n");
  EXPECT_EQ(render_snapshot_diff_summary(d), "No differences in PROJ-1.\n");
  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["identical"], true);
  EXPECT_TRUE(j["issues"].empty());
  EXPECT_EQ(j["totals"]["issues_changed"], 0);
  EXPECT_EQ(j["totals"]["subtasks_added"], 0);
}

TEST(SnapshotDiff, WhatIsNotAChangeIsNotShown) {
  auto after = base();
  auto& s = after.stories[0];
  s.labels = {"checkout", "web", "web"};   // a set: order and repetition do not count
  s.points = 5.0 + 1e-12;                  // arithmetic noise
  s.priority_name = "Normal";              // the priority renamed in the settings, same id
  s.status.name = "Backlog";               // likewise the status
  s.updated = "2025-02-02T10:00:00.000Z";  // moves with every write, shown nowhere
  s.properties["epicsync"] = R"({"id":"US-1"})";
  s.description.raw.pop_back();  // no final newline: the same lines
  EXPECT_TRUE(diff(base(), after).empty()) << text(diff(base(), after));
}

TEST(SnapshotDiff, FieldChangesOldToNew) {
  auto after = base();
  auto& s = after.stories[0];
  s.summary = "Guest checkout v2";
  s.points = 8;
  s.priority_id = "2";
  s.priority_name = "High";
  s.labels = {"web", "payments"};
  s.assignee = "557058:dana";
  s.assignee_display = "Dana Scully";
  s.resolution = "Done";
  after.stories[1].points = 3;  // none → 3

  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 2u);
  const auto& first = d.issues[0];
  EXPECT_EQ(first.key, "PROJ-2");
  EXPECT_EQ(first.kind, IssueKind::kStory);
  EXPECT_EQ(first.change, IssueChange::kChanged);
  EXPECT_EQ(first.summary, "Guest checkout v2");
  const std::vector<plan::FieldChange> expected = {
      {"Summary", "Guest checkout", "Guest checkout v2"},
      {"Story Points", "5", "8"},
      {"Priority", "Medium", "High"},
      {"Labels", "web, checkout", "web, payments"},
      {"Assignee", "", "Dana Scully"},
      {"Resolution", "", "Done"},
  };
  EXPECT_EQ(first.fields, expected);
  EXPECT_FALSE(first.status);
  EXPECT_TRUE(first.description_diff.empty());
  EXPECT_EQ(d.issues[1].fields, (std::vector<plan::FieldChange>{{"Story Points", "", "3"}}));
  EXPECT_EQ(d.totals.issues_changed, 2);
  EXPECT_EQ(d.totals.status_transitions, 0);

  EXPECT_EQ(text(d),
            "PROJ-2  Guest checkout v2\n"
            "  Summary: Guest checkout → Guest checkout v2\n"
            "  Story Points: 5 → 8\n"
            "  Priority: Medium → High\n"
            "  Labels: web, checkout → web, payments\n"
            "  Assignee: - → Dana Scully\n"
            "  Resolution: - → Done\n"
            "PROJ-3  Address autocomplete\n"
            "  Story Points: - → 3\n"
            "\n"
            "Issues changed: 2, Subtasks added: 0, Status transitions: 0\n");

  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["identical"], false);
  const auto& fields = j["issues"][0]["changes"];
  ASSERT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields[1], (nlohmann::json{{"field", "points"}, {"from", "5"}, {"to", "8"}}));
  EXPECT_EQ(fields[4]["field"], "assignee");
  EXPECT_TRUE(fields[4]["from"].is_null()) << "an empty field is null, not \"-\"";
  EXPECT_EQ(j["issues"][1]["changes"][0]["from"], nullptr);
}

TEST(SnapshotDiff, AssigneeIsComparedByIdAndShownByName) {
  auto before = base();
  before.stories[1].assignee = "557058:lee";
  before.stories[1].assignee_display = "Lee";
  auto after = before;
  after.stories[1].assignee_display = "Lee Adama";  // a profile change, same user
  EXPECT_TRUE(diff(before, after).empty());
  after.stories[1].assignee = "";
  after.stories[1].assignee_display = "";
  const auto d = diff(before, after);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].fields, (std::vector<plan::FieldChange>{{"Assignee", "Lee", ""}}));
}

TEST(SnapshotDiff, StatusTransitionsAreCounted) {
  auto after = base();
  after.stories[0].status = kProgress;
  after.subtasks[1].status = kDone;
  after.subtasks[1].resolution = "Done";
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 2u);
  EXPECT_EQ(d.issues[0].status, (StatusChange{"To Do", "In Progress"}));
  EXPECT_EQ(d.issues[1].key, "PROJ-5");
  EXPECT_EQ(d.issues[1].kind, IssueKind::kSubtask);
  EXPECT_EQ(d.issues[1].parent_key, "PROJ-2");
  EXPECT_EQ(d.totals.status_transitions, 2);
  EXPECT_EQ(d.totals.issues_changed, 2);
  EXPECT_EQ(text(d),
            "PROJ-2  Guest checkout\n"
            "  Status: To Do → In Progress\n"
            "PROJ-5  Payment (sub-task of PROJ-2)\n"
            "  Resolution: - → Done\n"
            "  Status: To Do → Done\n"
            "\n"
            "Issues changed: 2, Subtasks added: 0, Status transitions: 2\n");
  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["issues"][0]["status"], (nlohmann::json{{"from", "To Do"}, {"to", "In Progress"}}));
  EXPECT_EQ(j["issues"][1]["kind"], "subtask");
  EXPECT_FALSE(j["issues"][1].contains("subtasks"));
  EXPECT_EQ(j["totals"]["status_transitions"], 2);
}

TEST(SnapshotDiff, DescriptionAsAUnifiedDiffOfTheRenderedText) {
  auto after = base();
  after.stories[0].description = wiki("Pay as a guest.\nAn email is enough.\n");
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].description_diff,
            "@@ -1,2 +1,2 @@\n"
            " Pay as a guest.\n"
            "-No account needed.\n"
            "+An email is enough.\n");
  EXPECT_EQ(text(d),
            "PROJ-2  Guest checkout\n"
            "  Description:\n"
            "    @@ -1,2 +1,2 @@\n"
            "     Pay as a guest.\n"
            "    -No account needed.\n"
            "    +An email is enough.\n"
            "\n"
            "Issues changed: 1, Subtasks added: 0, Status transitions: 0\n");
  EXPECT_EQ(snapshot_diff_to_json(d)["issues"][0]["changes"],
            (nlohmann::json::array(
                {{{"field", "description"}, {"diff", d.issues[0].description_diff}}})));
  EXPECT_EQ(d.totals.status_transitions, 0);

  // On a terminal, removals are red and additions green.
  const std::string colored = render_snapshot_diff_text(d, {true});
  EXPECT_NE(colored.find("    \x1b[31m-No account needed.\x1b[0m\n"), std::string::npos) << colored;
  EXPECT_NE(colored.find("    \x1b[32m+An email is enough.\x1b[0m\n"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1mPROJ-2\x1b[0m  Guest checkout"), std::string::npos);
}

TEST(SnapshotDiff, DescriptionsThatRenderAlikeAreEqual) {
  // The same ADF with its keys in another order, as a tracker may return it after an edit.
  const RichText a{RichText::Format::kAdf,
                   R"({"type":"doc","version":1,"content":[{"type":"paragraph","content":)"
                   R"([{"type":"text","text":"Pay as a guest."}]}]})"};
  const RichText b{RichText::Format::kAdf,
                   R"({"version":1,"content":[{"content":[{"text":"Pay as a guest.",)"
                   R"("type":"text"}],"type":"paragraph"}],"type":"doc"})"};
  auto before = base();
  before.stories[0].description = a;
  auto after = base();
  after.stories[0].description = b;
  const auto to_markdown = sync::rich_text_ops().to_markdown;
  EXPECT_TRUE(diff_snapshots(before, after, to_markdown).empty());

  after.stories[0].description.raw = R"({"type":"doc","version":1,"content":[{"type":)"
                                     R"("paragraph","content":[{"type":"text","text":)"
                                     R"("Pay as a member."}]}]})";
  const auto d = diff_snapshots(before, after, to_markdown);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_NE(d.issues[0].description_diff.find("-Pay as a guest."), std::string::npos)
      << d.issues[0].description_diff;
  EXPECT_NE(d.issues[0].description_diff.find("+Pay as a member."), std::string::npos);
}

TEST(SnapshotDiff, SubtasksAddedAndGoneAreListedUnderTheirStory) {
  auto after = base();
  after.subtasks.erase(after.subtasks.begin() + 1);  // PROJ-5 deleted
  after.subtasks.push_back(issue("PROJ-7", "Create login form", "PROJ-2"));
  after.subtasks.push_back(issue("PROJ-8", "Error messages", "PROJ-2"));
  after.subtasks.push_back(issue("PROJ-9", "Provider adapter", "PROJ-3"));
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 2u);
  EXPECT_EQ(d.issues[0].key, "PROJ-2");
  EXPECT_EQ(d.issues[0].subtasks_added,
            (std::vector<IssueRef>{{"PROJ-7", "Create login form"}, {"PROJ-8", "Error messages"}}));
  EXPECT_EQ(d.issues[0].subtasks_gone, (std::vector<IssueRef>{{"PROJ-5", "Payment"}}));
  EXPECT_TRUE(d.issues[0].fields.empty());
  EXPECT_EQ(d.totals.subtasks_added, 3);
  EXPECT_EQ(d.totals.subtasks_gone, 1);
  EXPECT_EQ(d.totals.issues_changed, 2) << "a story whose sub-tasks changed has changed";
  EXPECT_EQ(text(d),
            "PROJ-2  Guest checkout\n"
            "  + PROJ-7: Create login form (NEW)\n"
            "  + PROJ-8: Error messages (NEW)\n"
            "  - PROJ-5: Payment (GONE)\n"
            "PROJ-3  Address autocomplete\n"
            "  + PROJ-9: Provider adapter (NEW)\n"
            "\n"
            "Issues changed: 2, Subtasks added: 3, Subtasks gone: 1, Status transitions: 0\n");
  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["issues"][0]["subtasks"]["added"][0],
            (nlohmann::json{{"key", "PROJ-7"}, {"summary", "Create login form"}}));
  EXPECT_EQ(j["issues"][0]["subtasks"]["gone"][0]["key"], "PROJ-5");
  EXPECT_EQ(j["totals"]["subtasks_gone"], 1);
}

TEST(SnapshotDiff, StoriesAddedAndGoneWithTheirSubtasks) {
  auto after = base();
  after.stories.erase(after.stories.begin());  // PROJ-2 and its sub-tasks deleted
  after.subtasks.clear();
  after.stories.push_back(issue("PROJ-10", "Saved cards", "PROJ-1"));
  after.subtasks.push_back(issue("PROJ-11", "Card vault client", "PROJ-10"));
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 2u);
  EXPECT_EQ(d.issues[0].key, "PROJ-10");
  EXPECT_EQ(d.issues[0].change, IssueChange::kAdded);
  EXPECT_EQ(d.issues[1].key, "PROJ-2");
  EXPECT_EQ(d.issues[1].change, IssueChange::kGone);
  EXPECT_EQ(d.issues[1].summary, "Guest checkout") << "a gone issue keeps its last summary";
  EXPECT_EQ(d.totals.stories_added, 1);
  EXPECT_EQ(d.totals.stories_gone, 1);
  EXPECT_EQ(d.totals.subtasks_added, 1);
  EXPECT_EQ(d.totals.subtasks_gone, 2);
  EXPECT_EQ(d.totals.issues_changed, 0);
  EXPECT_EQ(text(d),
            "+ PROJ-10: Saved cards (NEW)\n"
            "  + PROJ-11: Card vault client (NEW)\n"
            "- PROJ-2: Guest checkout (GONE)\n"
            "  - PROJ-4: Guest form (GONE)\n"
            "  - PROJ-5: Payment (GONE)\n"
            "\n"
            "Issues changed: 0, Stories added: 1, Stories gone: 1, Subtasks added: 1, "
            "Subtasks gone: 2, Status transitions: 0\n");
  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["issues"][0]["change"], "added");
  EXPECT_EQ(j["issues"][0]["parent"], "PROJ-1");
  EXPECT_FALSE(j["issues"][0].contains("fields")) << "nothing to compare an added issue with";
  EXPECT_EQ(j["issues"][1]["change"], "gone");
  EXPECT_EQ(j["issues"][1]["subtasks"]["gone"].size(), 2u);
  EXPECT_EQ(j["totals"]["stories_added"], 1);
  EXPECT_EQ(j["totals"]["stories_gone"], 1);
}

TEST(SnapshotDiff, ASubtaskMovedToAnotherStoryIsAParentChange) {
  auto after = base();
  after.subtasks[1].parent_key = "PROJ-3";
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 1u) << text(d);
  EXPECT_EQ(d.issues[0].key, "PROJ-5");
  EXPECT_EQ(d.issues[0].fields, (std::vector<plan::FieldChange>{{"Parent", "PROJ-2", "PROJ-3"}}));
  EXPECT_EQ(d.totals.subtasks_added, 0);
  EXPECT_EQ(d.totals.subtasks_gone, 0);
}

TEST(SnapshotDiff, TheEpicItselfIsCompared) {
  auto after = base();
  after.epic.summary = "Checkout";
  after.epic.status = kProgress;
  after.epic.description = wiki("Rebuild checkout.\n");
  const auto d = diff(base(), after);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].kind, IssueKind::kEpic);
  EXPECT_EQ(text(d),
            "PROJ-1  Checkout (epic)\n"
            "  Summary: Checkout revamp → Checkout\n"
            "  Status: To Do → In Progress\n"
            "  Description:\n"
            "    @@ -1,0 +1,1 @@\n"
            "    +Rebuild checkout.\n"
            "\n"
            "Issues changed: 1, Subtasks added: 0, Status transitions: 1\n");
  const auto j = snapshot_diff_to_json(d);
  EXPECT_EQ(j["issues"][0]["kind"], "epic");
  EXPECT_EQ(j["issues"][0]["parent"], nullptr);
  EXPECT_FALSE(j["issues"][0].contains("subtasks"));
}

TEST(SnapshotDiff, CommentsAreCounted) {
  auto before = base();
  before.stories[0].comments = {{"100", wiki("first"), "dana", "2025-01-01"},
                                {"101", wiki("second"), "lee", "2025-01-02"},
                                {"102", wiki("third"), "lee", "2025-01-03"}};
  auto after = before;
  auto& c = after.stories[0].comments;
  c.erase(c.begin());                                          // 100 removed
  c[0].body = wiki("second, corrected");                       // 101 edited
  c.push_back({"103", wiki("fourth"), "dana", "2025-02-01"});  // added
  c.push_back({"104", wiki("fifth"), "dana", "2025-02-02"});   // added
  const auto d = diff(before, after);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].comments, (CommentCounts{2, 1, 1}));
  EXPECT_EQ(d.totals.comments_added, 2);
  EXPECT_EQ(d.totals.comments_removed, 1);
  EXPECT_EQ(d.totals.comments_edited, 1);
  EXPECT_EQ(text(d),
            "PROJ-2  Guest checkout\n"
            "  Comments: 2 added, 1 removed, 1 edited\n"
            "\n"
            "Issues changed: 1, Subtasks added: 0, Status transitions: 0, Comments added: 2, "
            "Comments removed: 1, Comments edited: 1\n");
  EXPECT_EQ(snapshot_diff_to_json(d)["issues"][0]["comments"],
            (nlohmann::json{{"added", 2}, {"removed", 1}, {"edited", 1}}));
}

TEST(SnapshotDiff, LinksAddedAndRemoved) {
  auto before = base();
  before.stories[1].links = {{"9001", "Relates", "relates to", "PROJ-40"},
                             {"9002", "Blocks", "blocks", "PROJ-41"}};
  auto after = before;
  after.stories[1].links = {{"9003", "Blocks", "blocks", "PROJ-41"},  // made again: same link
                            {"9004", "Blocks", "is blocked by", "PROJ-42"}};
  const auto d = diff(before, after);
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(text(d),
            "PROJ-3  Address autocomplete\n"
            "  + link: is blocked by PROJ-42\n"
            "  - link: relates to PROJ-40\n"
            "\n"
            "Issues changed: 1, Subtasks added: 0, Status transitions: 0\n");
  const auto j = snapshot_diff_to_json(d)["issues"][0]["links"];
  EXPECT_EQ(j["added"][0],
            (nlohmann::json{{"type", "Blocks"}, {"phrase", "is blocked by"}, {"key", "PROJ-42"}}));
  EXPECT_EQ(j["removed"][0]["key"], "PROJ-40");
}

TEST(SnapshotDiff, QuietSummaryIsTheTotalsLine) {
  auto after = base();
  after.stories[0].status = kProgress;
  after.subtasks.push_back(issue("PROJ-7", "Create login form", "PROJ-2"));
  const auto d = diff(base(), after);
  EXPECT_EQ(render_snapshot_diff_summary(d),
            "Issues changed: 1, Subtasks added: 1, Status transitions: 1\n");
  const std::string full = text(d);
  EXPECT_EQ(full.substr(full.size() - render_snapshot_diff_summary(d).size()),
            render_snapshot_diff_summary(d));
}

}  // namespace
}  // namespace epicsync::report

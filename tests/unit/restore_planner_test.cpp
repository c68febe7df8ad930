#include "restore/restore_planner.h"

#include <gtest/gtest.h>

#include "restore/restore_verify.h"
#include "restore/write_history.h"
#include "sync/rich_text_ops.h"

namespace epicsync::restore {
namespace {

using nlohmann::json;
using plan::OpKind;
using tracker::RemoteIssue;

tracker::RemoteStatus status(const std::string& name) {
  if (name == "Done") return {"10002", "Done", tracker::StatusCategory::kDone};
  if (name == "In Progress") return {"3", "In Progress", tracker::StatusCategory::kInProgress};
  return {"10000", "To Do", tracker::StatusCategory::kToDo};
}

RemoteIssue issue(const std::string& key, const std::string& summary, const std::string& identity,
                  const std::string& parent = "PROJ-1", bool subtask = false) {
  RemoteIssue r;
  r.key = key;
  r.summary = summary;
  r.parent_key = parent;
  r.subtask = subtask;
  r.points = 3;
  r.priority_name = "Medium";
  r.status = status("To Do");
  if (!identity.empty()) r.properties["epicsync"] = json{{"id", identity}}.dump();
  return r;
}

// A journal as a run writes it: the operation with "sent", then its outcome (or none).
struct JournalBuilder {
  backup::Journal journal;
  int n = 0;
  void add(const json& intent, const std::optional<json>& outcome) {
    const std::string id = "op-" + std::to_string(n++);
    journal.records.push_back({journal.records.size() + 1, id, backup::Phase::kIntent, {}, intent});
    if (outcome) {
      journal.records.push_back(
          {journal.records.size() + 1, id, backup::Phase::kOutcome, {}, *outcome});
    }
  }
};

class RestorePlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backup_.epic = issue("PROJ-1", "Epic", "", "");
    backup_.stories = {issue("PROJ-2", "Guest checkout", "US-1")};
    current_ = backup_;
    options_.rich_text = sync::rich_text_ops();
  }
  RemoteIssue& now(const std::string& key) {
    for (auto& s : current_.stories) {
      if (s.key == key) return s;
    }
    for (auto& s : current_.subtasks) {
      if (s.key == key) return s;
    }
    throw std::runtime_error("no " + key);
  }
  plan::Plan plan(RestoreMode mode) {
    options_.mode = mode;
    WriteHistory since;
    add_journal(since, sync_.journal);
    WriteHistory undo = since;
    auto p = make_restore_plan(backup_, current_, since, undo, options_);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? *p : plan::Plan{};
  }

  tracker::EpicSnapshot backup_, current_;
  JournalBuilder sync_;
  RestoreOptions options_;
};

TEST_F(RestorePlannerTest, AFieldTheSyncWroteIsRestoredAndOneSomeoneChangedIsAConflict) {
  sync_.add(
      {{"kind", "update"}, {"issue", "PROJ-2"}, {"sent", {{"points", 5}, {"summary", "Guests"}}}},
      json{{"ok", true}});
  now("PROJ-2").points = 5;           // as the sync left it
  now("PROJ-2").summary = "Guests!";  // changed by someone since
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::kUpdate);
  ASSERT_TRUE(p.operations[0].changes.points.has_value());
  EXPECT_EQ(**p.operations[0].changes.points, 3);
  EXPECT_FALSE(p.operations[0].changes.summary.has_value());
  ASSERT_EQ(p.conflicts.size(), 1u);
  EXPECT_EQ(p.conflicts[0], (plan::Conflict{"PROJ-2", "summary", "Guests", "Guests!"}));

  options_.force = true;
  const auto forced = plan(RestoreMode::kRollback);
  EXPECT_TRUE(forced.conflicts.empty());
  ASSERT_EQ(forced.operations.size(), 1u);
  EXPECT_EQ(forced.operations[0].changes.summary, "Guest checkout");
}

TEST_F(RestorePlannerTest, FieldsOfTheTableAreRestoredLikeTheOthersWithTheirOwnConflicts) {
  backup_.stories[0].fields = {{"components", {"API"}}, {"duedate", {}}, {"customfield_1", {"A"}}};
  current_ = backup_;
  sync_.add({{"kind", "update"},
             {"issue", "PROJ-2"},
             {"sent",
              {{"field:components", {"API", "Backend"}},
               {"field:duedate", {"2026-03-31"}},
               {"field:customfield_1", {"B"}}}}},
            json{{"ok", true}});
  now("PROJ-2").fields["components"] = {"API", "Backend"};  // as the sync left them
  now("PROJ-2").fields["duedate"] = {"2026-03-31"};
  now("PROJ-2").fields["customfield_1"] = {"C"};  // changed by someone since
  options_.fields = {
      {"customfield_1", "Team", tracker::FieldKind::kOption, "select", {}, true, false, false}};
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& c = p.operations[0].changes;
  EXPECT_EQ(c.fields.at("components"), (tracker::FieldValue{"API"}));
  EXPECT_EQ(c.fields.at("duedate"), tracker::FieldValue{}) << "cleared, as the backup had it";
  EXPECT_FALSE(c.fields.count("customfield_1"));
  ASSERT_EQ(p.conflicts.size(), 1u);
  EXPECT_EQ(p.conflicts[0], (plan::Conflict{"PROJ-2", "Team", "B", "C"}))
      << "named as the configuration names it";
  EXPECT_EQ(p.operations[0].shown[0], (plan::FieldChange{"Components", "API, Backend", "API"}));

  // A backup taken before the field table says nothing about these fields: nothing is cleared.
  for (auto& s : backup_.stories) s.fields.clear();
  const auto older = plan(RestoreMode::kRestore);
  EXPECT_TRUE(older.operations.empty());
  EXPECT_TRUE(older.conflicts.empty());
}

TEST_F(RestorePlannerTest, AFieldNoLongerReadIsLeftAloneWithANoteAndDoesNotBlockADelete) {
  // The sync created PROJ-3 with a custom field that is no longer configured: the current read
  // lacks it, which is no evidence of an edit, so the rollback still deletes the story.
  current_.stories.push_back(issue("PROJ-3", "New story", "US-2"));
  sync_.add({{"kind", "create_story"},
             {"issue", nullptr},
             {"sent",
              {{"identity", "US-2"},
               {"summary", "New story"},
               {"description", {{"markdown", ""}}},
               {"field:customfield_9", {"X"}}}}},
            json{{"ok", true}, {"key", "PROJ-3"}});
  sync_.add({{"kind", "update"}, {"issue", "PROJ-2"}, {"sent", {{"field:customfield_9", {"Y"}}}}},
            json{{"ok", true}});
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::kDeleteIssue);
  EXPECT_TRUE(p.conflicts.empty());
  std::string notes;
  for (const auto& n : p.notes) notes += n + "\n";
  EXPECT_NE(
      notes.find("PROJ-2: customfield_9 was written by that sync but is not managed any more"),
      std::string::npos)
      << notes;
}

TEST_F(RestorePlannerTest, ARollbackLeavesWhatTheSyncDidNotWriteButARestoreReportsIt) {
  now("PROJ-2").priority_name = "High";  // someone else, no journal record
  EXPECT_TRUE(plan(RestoreMode::kRollback).empty());
  EXPECT_TRUE(plan(RestoreMode::kRollback).conflicts.empty());
  const auto restore = plan(RestoreMode::kRestore);
  EXPECT_TRUE(restore.operations.empty());
  ASSERT_EQ(restore.conflicts.size(), 1u);
  EXPECT_EQ(restore.conflicts[0].field, "priority");
  EXPECT_EQ(restore.conflicts[0].wrote, "") << "epicsync never wrote it";
}

TEST_F(RestorePlannerTest, StatusGoesBackToTheBackupsStatusWithItsResolution) {
  backup_.stories[0].status = status("Done");
  backup_.stories[0].resolution = "Won't Do";
  current_ = backup_;
  now("PROJ-2").status = status("In Progress");
  now("PROJ-2").resolution = "";
  sync_.add({{"kind", "transition"}, {"issue", "PROJ-2"}, {"sent", json::object()}},
            json{{"ok", true}, {"path", {"To Do", "In Progress"}}});
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& t = p.operations[0];
  EXPECT_EQ(t.kind, OpKind::kTransition);
  ASSERT_TRUE(t.target_status.has_value());
  EXPECT_EQ(t.target_status->name, "Done");
  EXPECT_TRUE(t.cancel) << "Won't Do is work dropped, not done";
  EXPECT_EQ(t.from_status, "In Progress");
}

TEST_F(RestorePlannerTest, SubtasksTheSyncCreatedAreDeletedUnlessSomeoneEditedThem) {
  sync_.add(
      {{"kind", "create_subtask"},
       {"issue", nullptr},
       {"sent", {{"identity", "US-1/a"}, {"summary", "A"}, {"description", {{"markdown", ""}}}}}},
      json{{"ok", true}, {"key", "PROJ-3"}});
  sync_.add(
      {{"kind", "create_subtask"},
       {"issue", nullptr},
       {"sent", {{"identity", "US-1/b"}, {"summary", "B"}, {"description", {{"markdown", ""}}}}}},
      json{{"ok", true}, {"key", "PROJ-4"}});
  current_.subtasks = {issue("PROJ-3", "A", "US-1/a", "PROJ-2", true),
                       issue("PROJ-4", "B (edited)", "US-1/b", "PROJ-2", true),
                       issue("PROJ-5", "Someone's", "", "PROJ-2", true)};
  for (auto& s : current_.subtasks) s.points.reset();
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::kDeleteIssue);
  EXPECT_EQ(p.operations[0].issue_key, "PROJ-3");
  ASSERT_EQ(p.conflicts.size(), 1u) << "PROJ-5 is not the sync's: a rollback leaves it alone";
  EXPECT_EQ(p.conflicts[0].issue, "PROJ-4");
  EXPECT_EQ(p.conflicts[0].now, "edited since: summary");

  // A restore deletes sub-tasks created since, but one nobody made with epicsync only by force.
  const auto r = plan(RestoreMode::kRestore);
  ASSERT_EQ(r.conflicts.size(), 2u);
  EXPECT_EQ(r.conflicts[1].issue, "PROJ-5");
}

TEST_F(RestorePlannerTest, ARestoreKeepsStoriesCreatedSinceAndARollbackDeletesThem) {
  sync_.add(
      {{"kind", "create_story"},
       {"issue", nullptr},
       {"sent", {{"identity", "US-2"}, {"summary", "New"}, {"description", {{"markdown", ""}}}}}},
      json{{"ok", true}, {"key", "PROJ-6"}});
  current_.stories.push_back(issue("PROJ-6", "New", "US-2"));
  current_.stories.back().points.reset();
  current_.stories.back().priority_name.clear();
  const auto restore = plan(RestoreMode::kRestore);
  EXPECT_TRUE(restore.operations.empty());
  ASSERT_EQ(restore.notes.size(), 1u);
  EXPECT_NE(restore.notes[0].find("kept PROJ-6 'New'"), std::string::npos);
  const auto rollback = plan(RestoreMode::kRollback);
  ASSERT_EQ(rollback.operations.size(), 1u);
  EXPECT_EQ(rollback.operations[0].kind, OpKind::kDeleteIssue);
  EXPECT_TRUE(rollback.operations[0].with_subtasks);
}

TEST_F(RestorePlannerTest, ACreateWithoutAnOutcomeIsFoundByItsIdentity) {
  sync_.add({{"kind", "create_story"},
             {"issue", nullptr},
             {"sent", {{"identity", "US-9"}, {"summary", "Lost"}}}},
            std::nullopt);  // killed before the answer came back
  current_.stories.push_back(issue("PROJ-7", "Lost", "US-9"));
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].issue_key, "PROJ-7");
}

TEST_F(RestorePlannerTest, CommentsAddedAreRemovedAndReplacedOnesPutBack) {
  backup_.stories[0].comments = {
      {"100", {tracker::RichText::Format::kWiki, "old commits"}, "", ""}};
  backup_.stories[0].properties["epicsync"] =
      json{{"id", "US-1"}, {"comments", {{"commits", {{"hash", "h1"}, {"id", "100"}}}}}}.dump();
  current_ = backup_;
  now("PROJ-2").comments = {{"101", {tracker::RichText::Format::kWiki, "new commits"}, "", ""}};
  now("PROJ-2").properties["epicsync"] =
      json{{"id", "US-1"}, {"comments", {{"commits", {{"hash", "h2"}, {"id", "101"}}}}}}.dump();
  sync_.add({{"kind", "update_comment"}, {"issue", "PROJ-2"}, {"sent", json::object()}},
            json{{"ok", true}, {"comment_id", "101"}, {"replaced", "100"}});
  const auto p = plan(RestoreMode::kRollback);
  ASSERT_EQ(p.operations.size(), 3u);
  EXPECT_EQ(p.operations[0].kind, OpKind::kDeleteComment);
  EXPECT_EQ(p.operations[0].comment_id, "101");
  EXPECT_EQ(p.operations[1].kind, OpKind::kRestoreComment);
  EXPECT_EQ(p.operations[1].comment_body.raw, "old commits");
  EXPECT_EQ(p.operations[2].kind, OpKind::kSetProperty);
  EXPECT_EQ(json::parse(p.operations[2].property_json)["comments"]["commits"]["hash"], "h1");
}

TEST_F(RestorePlannerTest, UnknownFiltersAreUsageErrors) {
  options_.issues = {"PROJ-99"};
  WriteHistory none;
  auto p = make_restore_plan(backup_, current_, none, none, options_);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::kUsage);
  options_.issues.clear();
  options_.stories = {"US-404"};
  EXPECT_FALSE(make_restore_plan(backup_, current_, none, none, options_).ok());
}

TEST(WriteHistoryTest, FailedOutcomesWriteNothingAndPendingOnesMayHave) {
  JournalBuilder j;
  j.add({{"kind", "update"}, {"issue", "PROJ-2"}, {"sent", {{"summary", "refused"}}}},
        json{{"ok", false}, {"error", "400"}});
  j.add({{"kind", "update"}, {"issue", "PROJ-2"}, {"sent", {{"points", 8}}}}, std::nullopt);
  WriteHistory h;
  add_journal(h, j.journal);
  const IssueWrites* w = h.find("PROJ-2");
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->fields.count("summary"));
  ASSERT_TRUE(w->fields.count("points"));
  EXPECT_FALSE(w->fields.at("points").confirmed);
}

TEST(RestoreVerifyTest, AFieldThatDidNotTakeIsReported) {
  plan::Plan p;
  plan::Operation op;
  op.kind = OpKind::kUpdate;
  op.issue_key = "PROJ-2";
  op.changes.summary = "Wanted";
  p.operations.push_back(op);
  tracker::EpicSnapshot after;
  after.epic = issue("PROJ-1", "Epic", "", "");
  after.stories = {issue("PROJ-2", "Something else", "US-1")};
  auto problems = verify_restore(p, {}, after, sync::rich_text_ops());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("PROJ-2 summary"), std::string::npos) << problems[0];
  after.stories[0].summary = "Wanted";
  EXPECT_TRUE(verify_restore(p, {}, after, sync::rich_text_ops()).empty());
}

}  // namespace
}  // namespace epicsync::restore

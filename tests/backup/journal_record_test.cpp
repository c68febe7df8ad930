#include "backup/journal_record.h"

#include <gtest/gtest.h>

namespace epicsync::backup {
namespace {

using nlohmann::json;

JournalRecord record(std::uint64_t seq, const std::string& op, Phase phase, json data) {
  return JournalRecord{seq, op, phase, {}, std::move(data)};
}

TEST(JournalRecord, EveryKindHasAStableIdThatReadsBack) {
  const std::vector<std::pair<WriteKind, std::string>> kinds = {
      {WriteKind::kCreateStory, "create_story"},
      {WriteKind::kCreateSubtask, "create_subtask"},
      {WriteKind::kUpdate, "update"},
      {WriteKind::kTransition, "transition"},
      {WriteKind::kAddComment, "add_comment"},
      {WriteKind::kUpdateComment, "update_comment"},
      {WriteKind::kAddLink, "add_link"},
      {WriteKind::kRecordIdentity, "record_identity"},
      {WriteKind::kDeleteIssue, "delete_issue"},
      {WriteKind::kDeleteComment, "delete_comment"},
      {WriteKind::kRestoreComment, "restore_comment"},
      {WriteKind::kDeleteLink, "delete_link"},
      {WriteKind::kSetProperty, "set_property"}};
  for (const auto& [kind, id] : kinds) {
    EXPECT_EQ(write_kind_id(kind), id);
    EXPECT_EQ(write_kind_from_id(id), kind) << id;
  }
  EXPECT_FALSE(write_kind_from_id("create"));
}

TEST(JournalRecord, IntentsRoundTripAtTheCurrentVersion) {
  IntentRecord r;
  r.kind = WriteKind::kCreateSubtask;
  r.story = "US-1";
  r.identity_of_issue = "US-1/guest-form";
  r.sent = {{"identity", "US-1/guest-form"}, {"summary", "Guest form"}, {"points", nullptr}};
  const json j = to_json(r);
  EXPECT_EQ(j["v"], kJournalRecordVersion);
  EXPECT_EQ(j["kind"], "create_subtask");
  EXPECT_FALSE(j.contains("issue")) << "a create names no existing issue";
  EXPECT_FALSE(j.contains("summary")) << "nothing of the display JSON: " << j.dump();
  auto back = read_intent(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
}

TEST(JournalRecord, OutcomesRoundTripWithTheirThreeValues) {
  for (Outcome o : {Outcome::kDone, Outcome::kRefused, Outcome::kUnknown}) {
    OutcomeRecord r;
    r.outcome = o;
    r.key = "PROJ-9";
    r.comment_id = "100";
    r.replaced = "99";
    r.path = std::vector<std::string>{"In Progress", "Done"};
    if (o != Outcome::kDone) r.error = "Jira said no";
    const json j = to_json(r);
    EXPECT_EQ(j["outcome"], std::string(outcome_id(o)));
    EXPECT_FALSE(j.contains("ok")) << j.dump();
    auto back = read_outcome(j);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, r);
  }
}

// What epicsync 0.1 wrote: the plan's display JSON plus "sent" (with the new issue's identity
// inside it), and outcomes {"ok", "unknown"}.
TEST(JournalRecord, VersionOneRecordsStillRead) {
  const json intent = {{"kind", "add_comment"},
                       {"story", "US-2"},
                       {"issue", nullptr},
                       {"summary", "Commits"},
                       {"sent",
                        {{"comment_key", "commits"},
                         {"hash", "abc"},
                         {"markdown", "- `e4f5a6b` test"},
                         {"identity_of_issue", "US-2"}}}};
  auto r = read_intent(intent);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, WriteKind::kAddComment);
  EXPECT_EQ(r->issue, "");
  EXPECT_EQ(r->story, "US-2");
  EXPECT_EQ(r->identity_of_issue, "US-2");
  EXPECT_FALSE(r->sent.contains("identity_of_issue")) << "the identity is not a value sent";
  EXPECT_EQ(r->sent_text("markdown"), "- `e4f5a6b` test");

  auto done = read_outcome({{"ok", true}, {"key", "PROJ-5"}, {"path", {"In Progress", "Done"}}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->outcome, Outcome::kDone);
  EXPECT_EQ(done->key, "PROJ-5");
  EXPECT_EQ(done->path, (std::vector<std::string>{"In Progress", "Done"}));
  auto refused = read_outcome({{"ok", false}, {"error", "400"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->outcome, Outcome::kRefused);
  EXPECT_EQ(refused->error, "400");
  auto unknown = read_outcome({{"ok", false}, {"unknown", true}, {"error", "lost"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, Outcome::kUnknown);
}

TEST(JournalRecord, NewerVersionsAndDamagedRecordsAreRefusedByName) {
  auto newer = read_intent({{"v", kJournalRecordVersion + 1}, {"kind", "update"}});
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().kind, ErrorKind::kInputFile);
  EXPECT_NE(newer.error().message.find("newer than this epicsync"), std::string::npos)
      << newer.error().message;
  EXPECT_FALSE(read_outcome({{"v", kJournalRecordVersion + 1}, {"outcome", "done"}}));
  EXPECT_FALSE(read_intent({{"v", 2}, {"kind", "teleport"}}));
  EXPECT_FALSE(read_intent({{"v", 2}, {"kind", "update"}, {"issue", 7}}));
  EXPECT_FALSE(read_outcome({{"v", 2}, {"outcome", "maybe"}}));
  EXPECT_FALSE(read_outcome({{"v", 2}, {"outcome", "done"}, {"path", {1, 2}}}));
  EXPECT_FALSE(read_intent(json::array()));
  EXPECT_FALSE(read_intent({{"v", "2"}, {"kind", "update"}}));
}

TEST(JournalRecord, OperationsPairTheLastIntentWithItsOutcome) {
  Journal j;
  IntentRecord create;
  create.kind = WriteKind::kCreateStory;
  create.identity_of_issue = "US-1";
  create.sent = {{"identity", "US-1"}};
  IntentRecord update;
  update.issue = "PROJ-2";
  update.sent = {{"summary", "New"}};
  OutcomeRecord unknown;
  unknown.outcome = Outcome::kUnknown;
  OutcomeRecord created;
  created.key = "PROJ-3";
  j.records = {record(1, "op-0", Phase::kIntent, to_json(create)),
               record(2, "op-1", Phase::kIntent, to_json(update)),
               record(3, "op-0", Phase::kOutcome, to_json(unknown)),
               // sent again by a continued run: the newer intent and its outcome count
               record(4, "op-0", Phase::kIntent, to_json(create)),
               record(5, "op-0", Phase::kOutcome, to_json(created))};
  auto ops = journal_ops(j);
  ASSERT_TRUE(ops) << ops.error().message;
  ASSERT_EQ(ops->size(), 2u);
  EXPECT_EQ((*ops)[0].op, "op-0");
  EXPECT_TRUE((*ops)[0].intent.creates());
  ASSERT_TRUE((*ops)[0].outcome);
  EXPECT_EQ((*ops)[0].outcome->key, "PROJ-3");
  EXPECT_FALSE((*ops)[0].open());
  EXPECT_EQ((*ops)[1].intent.issue, "PROJ-2");
  EXPECT_TRUE((*ops)[1].open()) << "an intent alone is open";
  EXPECT_EQ(j.pending(), (std::vector<std::string>{"op-1"}));

  j.records.push_back(record(6, "op-1", Phase::kOutcome, to_json(unknown)));
  EXPECT_EQ(j.pending(), (std::vector<std::string>{"op-1"})) << "unknown stays pending";

  j.records.push_back(record(7, "op-2", Phase::kIntent, {{"v", 99}, {"kind", "update"}}));
  auto bad = journal_ops(j);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("record 7 (op-2)"), std::string::npos) << bad.error().message;
  // A reader that would rather have the rest than nothing passes over the record, and says so.
  std::vector<std::string> skipped;
  auto rest = journal_ops(j, &skipped);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->size(), 2u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("record 7 (op-2)"), std::string::npos) << skipped[0];
}

}  // namespace
}  // namespace epicsync::backup

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/journal.h"

namespace epicsync::backup {

// What a journal record's `data` holds, as typed values with a versioned schema of their own
// (docs/backup-format.md, "Journal records"). They are deliberately not the plan's display JSON:
// what `--output json` shows can change without changing what a rollback of an old backup
// reads. Version 1 (epicsync 0.1, the display JSON plus "sent", outcomes {"ok", "unknown"}) is
// still read; a version newer than kJournalRecordVersion is refused.
inline constexpr int kJournalRecordVersion = 2;

// The kinds of write, with ids that never change once written to a journal.
enum class WriteKind {
  kCreateStory,
  kCreateSubtask,
  kUpdate,
  kTransition,
  kAddComment,
  kUpdateComment,
  kAddLink,
  kRecordIdentity,
  kDeleteIssue,
  kDeleteComment,
  kRestoreComment,
  kDeleteLink,
  kSetProperty,
};

std::string_view write_kind_id(WriteKind kind);
std::optional<WriteKind> write_kind_from_id(std::string_view id);

// Recorded, and on disk, before the request is sent.
struct IntentRecord {
  WriteKind kind = WriteKind::kUpdate;
  std::string issue;  // the existing issue written to; empty for a create
  std::string story;  // the story of the file it serves (empty for the epic or a restore's own)
  // When `issue` is empty: the identity (story id, sub-task id) of the issue created in the same
  // run that the write goes to, or the one a create makes.
  std::string identity_of_issue;
  // The exact values sent, by field: "summary", "description" ({"markdown"} or {"format",
  // "raw"}), "points", "priority", "labels", "assignee"; and per kind what identifies the write
  // ("identity", "replaces", "parent_story" for creates; "status", "cancel" for transitions;
  // "comment_key", "hash", "markdown", "replaces" for comments; "phrase", "target", "link_id"
  // for links; "property"; "with_subtasks"; "comment_id").
  nlohmann::json sent = nlohmann::json::object();

  bool creates() const {
    return kind == WriteKind::kCreateStory || kind == WriteKind::kCreateSubtask;
  }
  // A string among the values sent; "" when absent or not a string.
  std::string sent_text(const char* name) const;
  friend bool operator==(const IntentRecord&, const IntentRecord&) = default;
};

// The three outcomes of a write: done; refused (the tracker said no, nothing was written);
// unknown (sent, and whether it took effect could not be confirmed: treated as maybe-written).
enum class Outcome { kDone, kRefused, kUnknown };

std::string_view outcome_id(Outcome outcome);

// Recorded after the answer.
struct OutcomeRecord {
  Outcome outcome = Outcome::kDone;
  std::string key;         // the issue written to, or the one created
  std::string id;          // a created issue's tracker id
  std::string comment_id;  // a comment posted (or found already posted, or put back)
  std::string replaced;    // the comment a new one replaced
  std::string restores;    // the backup's id of a comment put back
  // Sent in this bulk task of the tracker (its id): recorded, with an unknown outcome, once the
  // task is submitted, so a run killed while it runs leaves the id a re-run waits for.
  std::string task;
  std::optional<std::vector<std::string>> path;  // a transition's statuses, the final one last
  std::string error;                             // refused or unknown: what the tracker said
  friend bool operator==(const OutcomeRecord&, const OutcomeRecord&) = default;
};

nlohmann::json to_json(const IntentRecord& record);
nlohmann::json to_json(const OutcomeRecord& record);

// kInputFile for data that is not a record of a known version (newer, or damaged in a way the
// checksum could not see).
Result<IntentRecord> read_intent(const nlohmann::json& data);
Result<OutcomeRecord> read_outcome(const nlohmann::json& data);

// One operation of a journal: its last intent and, when one was recorded after it, its outcome.
struct JournalOp {
  std::string op;
  IntentRecord intent;
  TimePoint intent_at;
  std::optional<OutcomeRecord> outcome;
  TimePoint outcome_at;
  // No outcome, or an unknown one: sent or not, applied or not, nobody knows.
  bool open() const { return !outcome || outcome->outcome == Outcome::kUnknown; }
};

// The journal's operations in the order their first intent was recorded; kInputFile naming the
// record when one cannot be read. With `skipped`, a record that cannot be read is left out and
// named there instead (for readers that are better off with the rest than with nothing).
Result<std::vector<JournalOp>> journal_ops(const Journal& journal,
                                           std::vector<std::string>* skipped = nullptr);

}  // namespace epicsync::backup

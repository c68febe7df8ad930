#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/vocabulary.h"
#include "tracker/remote_issue.h"

namespace epicsync::plan {

// What a run may touch; --phase selects a subset.
enum class Phase { kDescriptions, kFields, kSubtasks, kStatuses, kComments };

// One field as a reviewer reads it: "Story Points: 3 → 5".
struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

enum class OpKind {
  kCreateStory,
  kCreateSubtask,
  kUpdate,
  kTransition,
  kAddComment,
  kUpdateComment,
  kAddLink,
  kRecordIdentity,
  // Restores (rollback, restore-backup): undoing what a sync did.
  kDeleteIssue,
  kDeleteComment,
  kRestoreComment,  // a comment put back exactly as the backup holds it
  kDeleteLink,
  kSetProperty,  // epicsync's issue property as the backup holds it; empty JSON: remove it
};

// One write. Plain data: a plan can be shown, saved and applied later.
struct Operation {
  OpKind kind = OpKind::kUpdate;
  std::string story_id;   // the story of the file this serves
  std::string issue_key;  // the existing issue; empty for a create
  std::string summary;    // for display

  // Creates. A sub-task of a story created in the same run names its story here, and its
  // draft's parent_key is filled in once the story exists.
  tracker::IssueDraft draft;
  std::string parent_story_id;

  // Updates: what is sent, and what is shown.
  tracker::FieldChanges changes;
  std::vector<FieldChange> shown;
  std::string description_diff;  // unified diff of the description's text

  // Transitions: to the status meaning `target` (a sync), or to `target_status` exactly (a
  // restore), with a dropped-work resolution when `cancel`.
  model::StatusMeaning target = model::StatusMeaning::kToDo;
  std::optional<tracker::RemoteStatus> target_status;
  bool cancel = false;
  std::string from_status;

  // Comments: the record key in the identity property ("commits", "comment:<hash>").
  std::string comment_key;
  std::string comment_hash;
  std::string comment_markdown;
  std::string comment_id;          // the comment to update, delete or (restore) put back
  tracker::RichText comment_body;  // restore: the body to put back
  // The comment is on the issue already (a run killed between posting it and recording it):
  // record this id, post nothing.
  std::string found_comment_id;

  // Links. A link to a story of the same file that this run creates names that story in
  // `link_target_story`, and its key is filled in once the story exists.
  std::string link_phrase;
  std::string link_target;
  std::string link_target_story;

  std::string link_id;  // the link to delete

  // Identity records: the issue's epicsync property as it should be.
  std::string property_json;

  // Sync: the three-way base entries (IdentityProperty::base) this write establishes once the
  // tracker confirms it; the executor records them in the issue's property, with the write
  // where the tracker can.
  std::map<std::string, std::string> base;

  // Restores: the issue a create brings back (deleted since the backup), and whether deleting
  // an issue takes its sub-tasks with it.
  std::string replaces_key;
  bool with_subtasks = false;
};

// An issue under the epic that epicsync created or matched earlier (it carries an epicsync
// identity) and that the file no longer has. Listed in every plan; --prune resolves it.
struct Orphan {
  std::string key;
  std::string summary;
  std::string identity;    // what it was recorded as: a story id, or a sub-task's identity
  std::string parent_key;  // a sub-task's story; the epic for a story
  std::string status;
  bool subtask = false;
  // What this run does with it: "" (listed only: no --prune), "close", "delete", or "closed"
  // (--prune, and it is closed already).
  std::string action;
  friend bool operator==(const Orphan&, const Orphan&) = default;
};

// A field someone changed after epicsync wrote it: a restore, or a sync, leaves it alone unless
// forced.
struct Conflict {
  std::string issue;
  std::string field;
  std::string wrote;  // what epicsync wrote (or the backup holds, when epicsync never wrote it)
  std::string now;    // what the tracker has now
  // A sync: what the file says (it differs from `now`), and for a description the diff from
  // the tracker's text to the file's.
  std::string file = {};
  std::string diff = {};
  friend bool operator==(const Conflict&, const Conflict&) = default;
};

struct Plan {
  std::string epic_key;
  std::vector<Operation> operations;
  // Identity problems (two candidates for a story, one issue claimed twice, a pinned key that
  // is not in the epic). A plan with problems must not be applied.
  std::vector<std::string> problems;
  // The issue each story of the file was matched to (stories to create are not in it).
  std::map<std::string, std::string> story_keys;
  // The same for sub-tasks, by the identity they are recorded under.
  std::map<std::string, std::string> subtask_keys;
  // Fields left alone because someone changed them since epicsync wrote them (without --force):
  // a restore's, or a sync's three-way conflicts. Then what is worth saying but changes nothing
  // (stories kept, issues that cannot come back, metadata rows not synced).
  std::vector<Conflict> conflicts;
  std::vector<std::string> notes;
  // Sync: issues epicsync managed that the file no longer has, in the epic's order.
  std::vector<Orphan> orphans;

  bool empty() const { return operations.empty(); }
  // Distinct issues written to, a create counting as one.
  size_t issues_affected() const;
};

}  // namespace epicsync::plan

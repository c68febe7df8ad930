#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "report/plan_render.h"
#include "tracker/remote_issue.h"

namespace epicsync::report {

// What changed in an epic between two snapshots of it (a backup, and the tracker as it is now):
// plain data, shown by render_snapshot_diff_text and snapshot_diff_to_json (docs/diff.md).

enum class IssueKind { kEpic, kStory, kSubtask };
enum class IssueChange {
  kChanged,  // in both snapshots, with a difference
  kAdded,    // only in the later snapshot
  kGone,     // only in the earlier one (deleted, or moved out of the epic)
};

struct IssueRef {
  std::string key;
  std::string summary;
  friend bool operator==(const IssueRef&, const IssueRef&) = default;
};

struct StatusChange {
  std::string from;
  std::string to;
  friend bool operator==(const StatusChange&, const StatusChange&) = default;
};

// Comments are counted, not shown: their text can be long and private, and the count is what
// tells a reader that someone talked on the issue since.
struct CommentCounts {
  int added = 0;
  int removed = 0;
  int edited = 0;
  bool empty() const { return added == 0 && removed == 0 && edited == 0; }
  friend bool operator==(const CommentCounts&, const CommentCounts&) = default;
};

struct IssueDiff {
  std::string key;
  IssueKind kind = IssueKind::kStory;
  IssueChange change = IssueChange::kChanged;
  std::string summary;     // as it is now; as it was for a gone issue
  std::string parent_key;  // the epic for a story, the story for a sub-task; empty for the epic

  // kChanged only. Field values as a person reads them, "" when the field is empty.
  // field: "Summary", "Story Points", "Priority", "Labels", "Assignee", "Resolution", "Parent".
  std::vector<plan::FieldChange> fields;
  std::string description_diff;  // unified diff of the rendered markdown; empty: unchanged
  std::optional<StatusChange> status;
  CommentCounts comments;
  std::vector<tracker::RemoteLink> links_added;
  std::vector<tracker::RemoteLink> links_removed;

  // Sub-tasks of this story that appeared or disappeared (for an added story: all of its
  // sub-tasks; for a gone one: those gone with it).
  std::vector<IssueRef> subtasks_added;
  std::vector<IssueRef> subtasks_gone;
};

struct SnapshotDiffTotals {
  int issues_changed = 0;  // entries of kind kChanged: their own content or their sub-tasks
  int stories_added = 0;
  int stories_gone = 0;
  int subtasks_added = 0;
  int subtasks_gone = 0;
  int status_transitions = 0;
  int comments_added = 0;
  int comments_removed = 0;
  int comments_edited = 0;
};

struct SnapshotDiff {
  std::string epic_key;
  // Only issues with a difference, in reading order: the epic, then each story (as the tracker
  // now lists them, then the gone ones) followed by its changed sub-tasks.
  std::vector<IssueDiff> issues;
  SnapshotDiffTotals totals;
  bool empty() const { return issues.empty(); }
};

// before × after → what differs, issue by issue, matched by key. `to_markdown` renders a rich
// text for reading; two texts that render alike are equal (ADF key order, wiki vs ADF). Pure.
// `fields` (the project's field table) names the extra fields as plans do (the jira.fields name
// of a custom field); without it they are named by their ids.
SnapshotDiff diff_snapshots(const tracker::EpicSnapshot& before, const tracker::EpicSnapshot& after,
                            const std::function<std::string(const tracker::RichText&)>& to_markdown,
                            const std::vector<tracker::FieldSpec>& fields = {});

// The diff as a person reads it: per issue the field changes (old → new), the status, the
// description as a unified diff (removals red, additions green), comments, links, sub-tasks
// and stories added (+ … (NEW)) or gone (- … (GONE)); then the totals. Says so when nothing
// differs. The caller names what was compared (which backup) above it.
std::string render_snapshot_diff_text(const SnapshotDiff& diff, const RenderStyle& style);

// The last line of that text alone (for --quiet): the totals, or that nothing differs.
std::string render_snapshot_diff_summary(const SnapshotDiff& diff);

// The same as data: {"identical", "issues": [...], "totals": {...}} (docs/diff.md).
nlohmann::json snapshot_diff_to_json(const SnapshotDiff& diff);

}  // namespace epicsync::report

#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "model/epic.h"
#include "plan/plan.h"
#include "plan/status_map.h"
#include "tracker/remote_issue.h"

namespace epicsync::plan {

// How the tracker's rich text is compared with and shown as markdown. Injected so the planner
// stays pure and knows no format (richtext provides the real ones).
struct RichTextOps {
  // Whether the tracker's text has the same content as this markdown.
  std::function<bool(const tracker::RichText&, const std::string& markdown)> same;
  // The tracker's text as markdown, for the diff a reviewer reads.
  std::function<std::string(const tracker::RichText&)> to_markdown;
  // The file's markdown as the tracker would show it, so a diff shows content, not style.
  std::function<std::string(const std::string&)> render_markdown;
  // Fingerprints of content, equal exactly when `same` holds: of the tracker's text, and of
  // markdown as a tracker storing wiki markup (or else ADF) would hold it. The three-way base
  // of a description.
  std::function<std::string(const tracker::RichText&)> fingerprint;
  std::function<std::string(const std::string& markdown, bool wiki)> fingerprint_markdown;
};

// What --prune does with an issue the file no longer has (jira.prune).
enum class Prune { kNone, kClose, kDelete };

struct PlanOptions {
  std::set<std::string> stories;  // --story: empty means every story
  std::set<Phase> phases = {Phase::kDescriptions, Phase::kFields, Phase::kSubtasks,
                            Phase::kStatuses, Phase::kComments};
  StatusMap status_map = StatusMap::defaults();
  // Assignees as written in the file → the tracker's user id (account id on Cloud), resolved
  // before planning. With `users_resolved`, an assignee missing here matches no user, which is a
  // problem; without it, names are compared as written.
  std::map<std::string, std::string> user_ids;
  bool users_resolved = false;
  RichTextOps rich_text;
  // Identities epicsync's journals show a create sent for. Two issues carrying one of these are
  // both epicsync's (a lost answer made a copy): the younger is deleted instead of stopping the
  // run on the ambiguity.
  std::set<std::string> own_creates;
  // False when the workflow has no cancelled status and the instance no resolution that says the
  // work was dropped (Won't Do): an issue done in some way is then as cancelled as it can get, so
  // it counts as in step (with one note) instead of a transition that can never be made.
  bool cancel_expressible = true;
  // The project's workflow statuses, read when the file names a status by name ("Blocked"):
  // such a status is matched against these, case and blanks aside.
  tracker::WorkflowStatuses workflow;
  // --prune: orphans are closed or deleted; without it they are only listed.
  Prune prune = Prune::kNone;
  // The field table of the project (components, fix versions, due date, jira.fields): how each
  // field the file writes is read, checked and compared. A field the file writes that is not
  // here, or not on the issue type's screen, is a plan problem.
  std::vector<tracker::FieldSpec> fields;
  // The tracker stores wiki markup (Data Center), not ADF: how a description's base is taken.
  bool wiki = false;
  // --force: a field someone changed in the tracker since epicsync last wrote it is written
  // anyway; without it, it is a conflict and left alone.
  bool force = false;
  // Issues an interrupted run wrote to (backup::interrupted_issues): a field found in step there
  // with no base recorded gets one, since that run may have made the write without recording it.
  std::set<std::string> recheck_base;
};

// Whether any status the file writes (the epic's, a story's, a sub-task's) is such.
bool any_status(const model::Epic& epic, const std::function<bool(const model::Status&)>& is);
// Whether the file names any status by its workflow name, so the workflow must be read first.
bool uses_named_status(const model::Epic& epic);

// desired (the file) × actual (the tracker) → the writes that make the tracker say what the file
// says, and nothing else: fields the file does not manage are left alone, nothing is deleted,
// and a story already in step produces no operation at all. Pure: no I/O.
Plan make_plan(const model::Epic& desired, const tracker::EpicSnapshot& actual,
               const PlanOptions& options);

// The identity a sub-task is recorded under: its ID column, else its story and its name.
std::string subtask_identity(const model::Story& story, const model::Subtask& subtask);

// The markdown of the one comment that lists a story's commits.
std::string commits_comment(const std::vector<model::Commit>& commits);
std::string quoted_comment(const model::Comment& comment);
// A short stable hash (FNV-1a, hex) for recognising content already posted.
std::string content_hash(std::string_view text);

}  // namespace epicsync::plan

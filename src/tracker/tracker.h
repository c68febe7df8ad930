#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "error.h"
#include "tracker/remote_issue.h"

namespace epicsync::tracker {

using Done = std::monostate;

// Everything epicsync asks of an issue tracker, in the model's terms. Adapters (adapters/jira)
// implement it; the planner and executor know nothing else of the tracker.
class Tracker {
 public:
  virtual ~Tracker() = default;

  // Discovery: deployment, issue types, the story points field, how stories join epics.
  virtual Result<TrackerInfo> connect(const std::string& project_key) = 0;

  // The epic, its stories and their sub-tasks, in a few paged searches.
  virtual Result<EpicSnapshot> read_epic(const std::string& epic_key) = 0;

  // Creates in bulk; one result per draft, in order. A draft whose create failed ambiguously is
  // looked for (by its identity) before it is created again, so none is created twice.
  virtual std::vector<Result<RemoteIssue>> create_issues(const std::vector<IssueDraft>& drafts) = 0;

  // Sends only the fields that are set.
  virtual Result<Done> update_issue(const std::string& key, const FieldChanges& changes) = 0;

  // The tracker's user id for each assignee as written in the file (an email or a name on Cloud,
  // a user name on Data Center). Names that match no user, or several, are left out.
  virtual Result<std::map<std::string, std::string>> resolve_users(
      const std::vector<std::string>& written) = 0;

  // The workflow's statuses, for mapping meanings onto this project's names.
  virtual Result<std::vector<RemoteStatus>> statuses() = 0;

  // The statuses of each kind of issue's own workflow, which may differ (a status named in the
  // file is checked against the workflow of the issue it is for). By default every kind has all
  // of statuses().
  virtual Result<WorkflowStatuses> workflow_statuses() {
    auto all = statuses();
    if (!all.ok()) return all.error();
    return WorkflowStatuses{*all, *all, *all};
  }

  // The field table with the screens of every kind of issue (story, sub-task, epic) read: connect
  // reads the story's only, since most runs write stories alone; a run that writes the epic's
  // own fields, or re-creates sub-tasks, asks for the rest once.
  virtual Result<std::vector<FieldSpec>> fields_on_every_screen() = 0;

  // The names of the resolutions the instance has ("Done", "Won't Do", ...).
  virtual Result<std::vector<std::string>> resolutions() = 0;

  // Walks the workflow from the issue's current status to `target` along the shortest path
  // found, through as many transitions as needed, filling required transition fields. With
  // `cancel`, a resolution is chosen that says the work was dropped (Won't Do), not done.
  // `from` is where the caller believes the issue is (empty id: unknown, it is read); a stale
  // belief costs a re-read, never a wrong move.
  // `property_json`, when not empty, is the epicsync issue property to write with the last step,
  // where the tracker can (edits_carry_property).
  virtual Result<TransitionPath> transition(const std::string& key, const RemoteStatus& from,
                                            const RemoteStatus& target, bool cancel,
                                            const std::string& property_json = "") = 0;
  // Whether an edit (FieldChanges::property_json) and a transition write the epicsync property
  // in the same request: Jira Cloud's edit and transition take entity properties; where they do
  // not, the caller writes the property on its own.
  virtual bool edits_carry_property() const { return false; }

  // The tracker's clock minus ours, as discovery measured it (Jira: serverInfo's serverTime).
  // The run record's times are kept in the tracker's clock, to compare with its changelog.
  virtual std::chrono::milliseconds clock_offset() const { return std::chrono::milliseconds(0); }
  // The account this run writes as, as the changelog names its author (Jira Cloud: the account
  // id; Data Center: the user name). Empty when the tracker cannot tell.
  virtual Result<std::string> account() { return std::string(); }
  // The changelog of each issue, oldest entry first, by issue key (Jira Cloud: bulk fetched,
  // 1,000 issues a request; Data Center: searched with expand=changelog). kRejected where the
  // tracker keeps none.
  virtual Result<std::map<std::string, std::vector<ChangeHistory>>> changelogs(
      const std::vector<IssueRef>& issues) {
    (void)issues;
    return Error{ErrorKind::kRejected, "this tracker keeps no changelog", ""};
  }

  // Bulk changes (Jira Cloud's bulk API: one asynchronous task moves or deletes up to 1,000
  // issues). Trackers without it leave bulk() false and the executor writes issue by issue.
  virtual bool bulk() const { return false; }
  // Walks many issues at once: each workflow step that several issues take is one bulk request
  // (grouped by transition), the task it starts waited for; an issue the bulk step cannot move
  // (a transition that needs screen fields, a refusal inside the task, no bulk permission)
  // walks on alone as transition() does. One result per walk, in order; no property is written
  // (TransitionPath::property_written is false). `on_task` is told each task's id and the walks
  // it carries before it is waited for, so a journal can name it.
  virtual std::vector<Result<TransitionPath>> transition_many(
      const std::vector<TransitionWalk>& walks, const BulkTaskListener& on_task) {
    (void)on_task;
    std::vector<Result<TransitionPath>> out;
    for (const auto& w : walks) out.push_back(transition(w.key, w.from, w.target, w.cancel));
    return out;
  }
  // Deletes many issues at once (each with its sub-tasks); one result per key, in order. A
  // missing issue succeeds, as for delete_issue.
  virtual std::vector<Result<Done>> delete_many(const std::vector<IssueRef>& issues,
                                                const BulkTaskListener& on_task) {
    (void)on_task;
    std::vector<Result<Done>> out;
    for (const auto& i : issues) out.push_back(delete_issue(i.key, true));
    return out;
  }
  // Sets the epicsync property of many issues at once (Cloud: 100 per request, an asynchronous
  // task); one result per issue, in order.
  virtual std::vector<Result<Done>> set_properties(
      const std::vector<std::pair<IssueRef, std::string>>& values, const std::string& name) {
    std::vector<Result<Done>> out;
    for (const auto& [issue, json_value] : values) {
      out.push_back(set_property(issue.key, name, json_value));
    }
    return out;
  }
  // Waits (bounded) for bulk tasks an earlier run started and may have left running, so a run
  // does not read issues a task is still changing. Unknown or finished tasks return at once;
  // an error when one is still running at the end of the wait.
  virtual Result<Done> wait_for_tasks(const std::vector<std::string>& task_ids) {
    (void)task_ids;
    return Done{};
  }

  virtual Result<std::string> add_comment(const std::string& key, const std::string& markdown) = 0;
  // Puts back a comment exactly as a backup holds it (ADF or wiki text); returns the new id.
  // Like add_comment, a lost answer is looked for before posting again.
  virtual Result<std::string> add_comment_raw(const std::string& key, const RichText& body) = 0;
  virtual Result<Done> delete_comment(const std::string& key, const std::string& comment_id) = 0;
  virtual Result<Done> set_property(const std::string& key, const std::string& name,
                                    const std::string& json_value) = 0;
  // The property's value as JSON text; nullopt when the issue has no such property.
  virtual Result<std::optional<std::string>> get_property(const std::string& key,
                                                          const std::string& name) = 0;
  // Removing what is already gone succeeds, so an interrupted restore can be run again.
  virtual Result<Done> delete_property(const std::string& key, const std::string& name) = 0;
  virtual Result<Done> add_link(const std::string& type, const std::string& outward_key,
                                const std::string& inward_key) = 0;
  // By the link's id (RemoteLink::id); a link already gone succeeds.
  virtual Result<Done> delete_link(const std::string& link_id) = 0;
  // Issues known to exist (created by a run moments ago) that a lagging search index may not
  // show yet: searches ask for them by id (Jira's reconcileIssues).
  virtual void reconcile(const std::vector<std::string>& issue_ids) { (void)issue_ids; }
  // Whether search shows every one of these issues that still exists (false: its index lags
  // behind writes). An error when it cannot tell. The default suits trackers whose search never
  // lags.
  virtual Result<bool> search_shows(const std::vector<std::string>& issue_ids) {
    (void)issue_ids;
    return true;
  }
  // These issues (by id) as the tracker holds them now, read so that a lagging search index
  // cannot show a copy from before this run's writes. Issues that no longer exist are left out.
  // For checking writes after a run: a few searches, not one request per issue.
  virtual Result<std::vector<RemoteIssue>> read_issues(
      const std::vector<std::string>& issue_ids) = 0;
  // How many requests that may change the tracker have been sent so far (resends included).
  virtual size_t writes_sent() const = 0;
  // A missing issue succeeds too: deleting is what a re-run of a rollback repeats.
  virtual Result<Done> delete_issue(const std::string& key, bool with_subtasks) = 0;
};

}  // namespace epicsync::tracker

#pragma once

#include <atomic>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jira/http_client.h"
#include "jira/issue_json.h"
#include "jira/workflow_walker.h"
#include "tracker/tracker.h"

namespace epicsync::jira {

struct JiraOptions {
  std::string story_points_field;  // config override; empty: discovered
  // jira.fields: the name the file writes → a custom field's id or name, in the config's order.
  std::vector<std::pair<std::string, std::string>> fields;
  int page_size = 100;  // search page size (Jira's maximum when fields are asked for)
  int bulk_size = 50;   // issue/bulk's maximum
  int max_transition_steps = 12;
  // How long to look for an issue whose create answer was lost before calling its outcome
  // unknown (jira.search_wait): Jira Cloud's search index lags behind writes.
  std::chrono::milliseconds search_wait{30'000};
  std::function<void(std::chrono::milliseconds)> sleep;  // default: sleep_for
  // jira.notify: false asks Jira Cloud not to e-mail watchers about each edit. A user who may
  // not switch that off gets the e-mails instead, after one `warn`.
  bool notify = true;
  std::function<void(const std::string&)> warn;
  // Jira Cloud's bulk API (transitions, deletes, properties); off: issue by issue, as on Data
  // Center (jira.bulk).
  bool bulk = true;
  size_t bulk_issue_limit = 1000;  // issues per bulk transition or delete (Jira's maximum)
  size_t property_batch = 100;     // issues per issue/properties/multi (Jira's maximum)
  // How long a bulk task is waited for before its outcome is called unknown.
  std::chrono::milliseconds bulk_task_wait{600'000};
  int concurrency = 8;  // the issue-by-issue fallbacks side by side
};

// The Jira implementation of the tracker: Cloud (REST v3, ADF) and Data Center (REST v2, wiki
// markup), decided from serverInfo. Thread-safe: the executor calls it from several threads.
class JiraTracker final : public tracker::Tracker {
 public:
  JiraTracker(std::shared_ptr<HttpClient> client, JiraOptions options = {});

  epicsync::Result<tracker::TrackerInfo> connect(const std::string& project_key) override;
  // A tracker for another epic of the same project, connected already: this one's client (its
  // connection pool and rate-limit budget) and discovery, but a run state of its own (what it
  // wrote, what it counted).
  std::unique_ptr<JiraTracker> sibling() const;
  const tracker::TrackerInfo& info() const { return info_; }
  epicsync::Result<tracker::WorkflowStatuses> workflow_statuses() override;
  epicsync::Result<tracker::EpicSnapshot> read_epic(const std::string& epic_key) override;
  std::vector<epicsync::Result<tracker::RemoteIssue>> create_issues(
      const std::vector<tracker::IssueDraft>& drafts) override;
  epicsync::Result<tracker::Done> update_issue(const std::string& key,
                                               const tracker::FieldChanges& changes) override;
  epicsync::Result<std::map<std::string, std::string>> resolve_users(
      const std::vector<std::string>& written) override;
  size_t writes_sent() const override { return writes_; }
  epicsync::Result<std::vector<std::string>> resolutions() override;
  epicsync::Result<std::vector<tracker::FieldSpec>> fields_on_every_screen() override;
  epicsync::Result<std::vector<tracker::RemoteStatus>> statuses() override;
  epicsync::Result<tracker::TransitionPath> transition(
      const std::string& key, const tracker::RemoteStatus& from,
      const tracker::RemoteStatus& target, bool cancel,
      const std::string& property_json = "") override;
  bool edits_carry_property() const override {
    return info_.deployment == tracker::Deployment::kCloud;
  }
  std::chrono::milliseconds clock_offset() const override { return clock_offset_; }
  epicsync::Result<std::string> account() override;
  // adapters/jira/changelog.cpp
  epicsync::Result<std::map<std::string, std::vector<tracker::ChangeHistory>>> changelogs(
      const std::vector<tracker::IssueRef>& issues) override;
  // Bulk changes (adapters/jira/bulk_ops.cpp): Cloud, until Jira refuses them for this user.
  bool bulk() const override;
  std::vector<epicsync::Result<tracker::TransitionPath>> transition_many(
      const std::vector<tracker::TransitionWalk>& walks,
      const tracker::BulkTaskListener& on_task) override;
  std::vector<epicsync::Result<tracker::Done>> delete_many(
      const std::vector<tracker::IssueRef>& issues,
      const tracker::BulkTaskListener& on_task) override;
  std::vector<epicsync::Result<tracker::Done>> set_properties(
      const std::vector<std::pair<tracker::IssueRef, std::string>>& values,
      const std::string& name) override;
  epicsync::Result<tracker::Done> wait_for_tasks(const std::vector<std::string>& ids) override;
  epicsync::Result<std::string> add_comment(const std::string& key,
                                            const std::string& markdown) override;
  epicsync::Result<std::string> add_comment_raw(const std::string& key,
                                                const tracker::RichText& body) override;
  epicsync::Result<tracker::Done> delete_comment(const std::string& key,
                                                 const std::string& comment_id) override;
  epicsync::Result<tracker::Done> set_property(const std::string& key, const std::string& name,
                                               const std::string& json_value) override;
  epicsync::Result<std::optional<std::string>> get_property(const std::string& key,
                                                            const std::string& name) override;
  epicsync::Result<tracker::Done> delete_property(const std::string& key,
                                                  const std::string& name) override;
  epicsync::Result<tracker::Done> add_link(const std::string& type, const std::string& outward_key,
                                           const std::string& inward_key) override;
  epicsync::Result<tracker::Done> delete_link(const std::string& link_id) override;
  epicsync::Result<tracker::Done> delete_issue(const std::string& key, bool with_subtasks) override;

  // Issues written during this run, so searches reconcile them (search is eventually
  // consistent on Cloud).
  void remember_written(const std::string& issue_id);
  void reconcile(const std::vector<std::string>& issue_ids) override;
  epicsync::Result<bool> search_shows(const std::vector<std::string>& issue_ids) override;
  epicsync::Result<std::vector<tracker::RemoteIssue>> read_issues(
      const std::vector<std::string>& issue_ids) override;

 private:
  std::string api(const std::string& tail) const;
  epicsync::Result<nlohmann::json> call(Method method, const std::string& path,
                                        const nlohmann::json& body = nullptr,
                                        std::vector<std::pair<std::string, std::string>> query = {},
                                        bool read_only = false);
  jira::Result<Response> send_counted(const Request& r);
  // PUT issue/{key} with the fields, asking Jira not to notify watchers when jira.notify says so
  // and Jira lets this user (falling back once, with a warning, when it does not).
  jira::Result<Response> send_edit(const std::string& key, const nlohmann::json& body);
  std::atomic<bool> quiet_edits_refused_{false};
  // Posts a bulk request; the task's id. A 403 (no global Bulk change permission) turns the
  // bulk API off for the rest of the run, with one warning.
  epicsync::Result<std::string> submit_bulk(const std::string& tail, const nlohmann::json& body);
  // Polls a task (bulk/queue/{id} or task/{id}) until it ends; its last answer. Unknown outcome
  // when it still runs after options_.bulk_task_wait.
  epicsync::Result<nlohmann::json> wait_task(const std::string& path);
  void refuse_bulk(const std::string& why);
  // Learns the transitions out of `at` from the issue `key` standing there; the status it was
  // found in (another than `at` when it moved meanwhile, and then nothing is learned).
  epicsync::Result<tracker::RemoteStatus> learn_transitions(const std::string& key,
                                                            const tracker::RemoteStatus& at);
  std::atomic<bool> bulk_sent_{false};  // a bulk task was submitted: issues may move meanwhile
  std::atomic<bool> bulk_refused_{false};
  std::once_flag bulk_refused_warned_;
  // The project's workflows do not change during a run: read once, for the plan and the
  // executor alike.
  std::mutex workflow_mu_;
  std::optional<tracker::WorkflowStatuses> statuses_by_type_;
  std::once_flag quiet_edits_warned_;
  jira::Result<Response> send_json(Method method, const std::string& path,
                                   const nlohmann::json& body);
  // Every page of the query's answer. `reconcile_ids` as for search_request.
  epicsync::Result<std::vector<tracker::RemoteIssue>> search(
      const std::string& jql, const std::vector<std::string>* reconcile_ids = nullptr);
  // `reconcile_ids`: the issues search must show as they are now (Cloud); null: the newest
  // issues this run wrote.
  Request search_request(const std::string& jql, const std::string& page_token, int start_at,
                         const std::vector<std::string>* reconcile_ids = nullptr) const;
  std::string epic_children_jql(const std::string& epic_key) const;
  std::vector<epicsync::Result<tracker::RemoteIssue>> create_chunk(
      const std::vector<tracker::IssueDraft>& drafts);
  std::map<std::string, tracker::RemoteIssue> find_by_identity(
      const std::vector<tracker::IssueDraft>& drafts);
  epicsync::Result<tracker::RemoteIssue> read_issue_status(const std::string& key);
  epicsync::Result<nlohmann::json> link_types();
  // POSTs a comment body (ADF or wiki); a lost answer is looked for before posting again.
  epicsync::Result<std::string> post_comment(const std::string& key, const nlohmann::json& body);
  // DELETE that treats 404 as done. On a lost answer, a GET of `probe` (when given) that finds
  // nothing settles it; otherwise the DELETE is sent again.
  epicsync::Result<tracker::Done> remove(const std::string& path,
                                         std::vector<std::pair<std::string, std::string>> query,
                                         const std::string& probe = "");

  std::shared_ptr<HttpClient> client_;
  JiraOptions options_;
  tracker::TrackerInfo info_;
  std::chrono::milliseconds clock_offset_{0};
  std::optional<std::string> account_;  // read once, when a run records itself
  FieldIds ids_;
  bool connected_ = false;
  // What connect read, kept to build the field table again with every screen.
  nlohmann::json all_fields_;
  nlohmann::json story_screen_;
  std::string project_key_;
  std::mutex screens_mu_;
  bool all_screens_read_ = false;
  WorkflowMap workflow_;

  std::mutex mu_;  // guards the caches below
  std::vector<std::string> written_ids_;
  std::optional<nlohmann::json> link_types_;
  std::atomic<size_t> writes_{0};
};

// The one mapping from a transport error to the error kinds of the command line.
Error to_error(const HttpError& e);

}  // namespace epicsync::jira

#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bulk_refusals.h"
#include "issue_render.h"
#include "sim_context.h"
#include "task_queue.h"

namespace jira_sim {

using nlohmann::json;

// One REST call on its way through a handler.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  int version;                    // 2 or 3
  std::vector<std::string> args;  // the path segments a route captured with "*"
  json body;                      // the parsed request body, null when there is none
};

// The Jira REST surface (/rest/api/2 and /rest/api/3). Handlers lock the state themselves so the
// server can keep latency and fault handling outside the lock.
class JiraApi {
 public:
  explicit JiraApi(SimContext& ctx);
  JiraApi(const JiraApi&) = delete;
  JiraApi& operator=(const JiraApi&) = delete;
  // Routes and answers; returns false when no route matches (the caller answers 404).
  bool handle(const httplib::Request& req, httplib::Response& res, int version,
              const std::vector<std::string>& segments);

 private:
  using Handler = void (JiraApi::*)(Call&);
  struct Route {
    std::string method;
    std::vector<std::string> pattern;  // "*" captures one segment
    Handler handler;
    bool cloud = true;       // served by the Cloud flavour
    bool datacenter = true;  // served by the Data Center flavour
    bool v3 = true;          // served on /rest/api/3 (Data Center has no v3 at all)
  };
  std::vector<Route> routes_;
  SimContext& ctx_;
  BulkRefusals refusals_;

  // Metadata: api_meta.cpp
  void myself(Call& c);
  void server_info(Call& c);
  void fields(Call& c);
  void project(Call& c);
  void priorities(Call& c);
  void statuses(Call& c);
  void project_statuses(Call& c);
  void resolutions(Call& c);
  void resolution_search(Call& c);  // Cloud's paged replacement of GET resolution
  void issue_link_types(Call& c);
  void createmeta_types(Call& c);
  void createmeta_fields(Call& c);
  void editmeta(Call& c);
  void user_search(Call& c);
  void user_get(Call& c);
  // Issues: api_issues.cpp
  void create_issue(Call& c);
  void bulk_create(Call& c);
  void get_issue(Call& c);
  void edit_issue(Call& c);
  void delete_issue(Call& c);
  // Search: api_search.cpp
  void search_jql(Call& c);
  void search_classic(Call& c);
  void search_gone(Call& c);
  // Workflow: api_transitions.cpp
  void get_transitions(Call& c);
  void do_transition(Call& c);
  // Comments, properties, links: api_related.cpp
  void list_comments(Call& c);
  void add_comment(Call& c);
  void get_comment(Call& c);
  void update_comment(Call& c);
  void delete_comment(Call& c);
  void list_properties(Call& c);
  void get_property(Call& c);
  void put_property(Call& c);
  void delete_property(Call& c);
  void create_link(Call& c);
  void get_link(Call& c);
  void delete_link(Call& c);
  // The changelog APIs (Cloud only): api_changelog.cpp
  void changelog(Call& c);
  void changelog_list(Call& c);
  void bulk_changelog(Call& c);
  // Cloud's bulk operations and their progress: api_bulk.cpp
  void bulk_transitions_available(Call& c);
  void bulk_transition(Call& c);
  void bulk_delete(Call& c);
  void bulk_progress(Call& c);
  // Asynchronous property writes and Jira's task resource: api_task.cpp
  void multi_issue_properties(Call& c);
  void get_task(Call& c);

 public:
  // Shared by the REST handlers and the control API's "edit as another user". The caller holds
  // the state mutex. Returns Jira's error body, or null on success.
  json apply_fields(Issue& issue, const json& fields, const json& update, int version,
                    const std::string& author, bool creating);
  json validate_create(const json& fields, int version) const;
  void record_change(Issue& issue, const std::string& author, const json& items);
  // POST issue/{key}/transitions on one issue, shared with the bulk transition: `request` is its
  // body ({fields, properties}); `bulk` also refuses a transition with a screen, which a bulk
  // transition cannot fill. Returns Jira's error body (a 400), or null once the issue moved.
  json transition_issue(Issue& issue, const std::string& transition_id, const json& request,
                        bool bulk);
  // DELETE issue/{key} on one issue, shared with the bulk delete (which always takes sub-tasks
  // along). Returns Jira's error body (a 400), or null once the issue is gone.
  json delete_issue_tree(const std::string& key, bool delete_subtasks);
  // One issue of a bulk task, applied on the scheduler thread: looked up again (it may have
  // gone since the request), refused when /_sim/bulk-refuse names it, else `act`'s verdict.
  ItemOutcome bulk_item(long id, const std::function<json(Issue&)>& act);
  // PUT issue/{key}/properties/{k}'s store, shared with properties/multi; returns whether the
  // property existed. Check property_problem() first.
  bool store_property(Issue& issue, const std::string& key, const json& value);

  BulkRefusals& bulk_refusals() { return refusals_; }
  TaskQueue& tasks() { return tasks_; }

 private:
  // Last: its scheduler thread calls back into this object, so it must stop (be destroyed)
  // before anything else here is.
  TaskQueue tasks_;
};

// Why Jira refuses an entity property: a key that is empty or longer than 255 characters, or a
// value (`size` bytes of JSON as sent) that is empty or longer than 32768 bytes. nullopt when
// acceptable.
std::optional<std::string> property_problem(const std::string& key, size_t size);

// Entity properties sent with a write ("properties": [{"key", "value"}]): Jira's create takes
// them, and Cloud's edit and transition too. An error body, or null when they were stored.
nlohmann::json create_properties(Issue& issue, const nlohmann::json& request);

}  // namespace jira_sim

#include "jira_api.h"

#include "http_util.h"

namespace jira_sim {

JiraApi::JiraApi(SimContext& ctx) : ctx_(ctx), tasks_(ctx.mu, ctx.options.bulk_task_ms) {
  // Most specific first: the first route whose shape matches wins.
  routes_ = {
      {"GET", {"myself"}, &JiraApi::myself},
      {"GET", {"serverInfo"}, &JiraApi::server_info},
      {"GET", {"field"}, &JiraApi::fields},
      {"GET", {"project", "*"}, &JiraApi::project},
      {"GET", {"project", "*", "statuses"}, &JiraApi::project_statuses},
      {"GET", {"priority"}, &JiraApi::priorities},
      {"GET", {"status"}, &JiraApi::statuses},
      {"GET", {"resolution"}, &JiraApi::resolutions},
      {"GET", {"resolution", "search"}, &JiraApi::resolution_search},
      {"GET", {"issueLinkType"}, &JiraApi::issue_link_types},
      {"GET", {"user", "search"}, &JiraApi::user_search},
      {"GET", {"user"}, &JiraApi::user_get},
      {"GET", {"issue", "createmeta", "*", "issuetypes"}, &JiraApi::createmeta_types},
      {"GET", {"issue", "createmeta", "*", "issuetypes", "*"}, &JiraApi::createmeta_fields},
      {"POST", {"issue", "bulk"}, &JiraApi::bulk_create},
      {"POST", {"issue"}, &JiraApi::create_issue},
      // Cloud only, as the whole bulk API and the task resource are (routes: cloud, !datacenter).
      {"POST", {"issue", "properties", "multi"}, &JiraApi::multi_issue_properties, true, false},
      {"GET", {"bulk", "issues", "transition"}, &JiraApi::bulk_transitions_available, true, false},
      {"POST", {"bulk", "issues", "transition"}, &JiraApi::bulk_transition, true, false},
      {"POST", {"bulk", "issues", "delete"}, &JiraApi::bulk_delete, true, false},
      {"GET", {"bulk", "queue", "*"}, &JiraApi::bulk_progress, true, false},
      {"GET", {"task", "*"}, &JiraApi::get_task, true, false},
      {"GET", {"issue", "*"}, &JiraApi::get_issue},
      {"PUT", {"issue", "*"}, &JiraApi::edit_issue},
      {"DELETE", {"issue", "*"}, &JiraApi::delete_issue},
      {"GET", {"issue", "*", "editmeta"}, &JiraApi::editmeta},
      {"GET", {"issue", "*", "transitions"}, &JiraApi::get_transitions},
      {"POST", {"issue", "*", "transitions"}, &JiraApi::do_transition},
      {"GET", {"issue", "*", "comment"}, &JiraApi::list_comments},
      {"POST", {"issue", "*", "comment"}, &JiraApi::add_comment},
      {"GET", {"issue", "*", "comment", "*"}, &JiraApi::get_comment},
      {"PUT", {"issue", "*", "comment", "*"}, &JiraApi::update_comment},
      {"DELETE", {"issue", "*", "comment", "*"}, &JiraApi::delete_comment},
      {"GET", {"issue", "*", "properties"}, &JiraApi::list_properties},
      {"GET", {"issue", "*", "properties", "*"}, &JiraApi::get_property},
      {"PUT", {"issue", "*", "properties", "*"}, &JiraApi::put_property},
      {"DELETE", {"issue", "*", "properties", "*"}, &JiraApi::delete_property},
      // Cloud only: Jira Server/Data Center has no changelog resource (expand=changelog only).
      {"GET", {"issue", "*", "changelog"}, &JiraApi::changelog, true, false},
      {"POST", {"issue", "*", "changelog", "list"}, &JiraApi::changelog_list, true, false},
      {"POST", {"changelog", "bulkfetch"}, &JiraApi::bulk_changelog, true, false},
      {"POST", {"issueLink"}, &JiraApi::create_link},
      {"GET", {"issueLink", "*"}, &JiraApi::get_link},
      {"DELETE", {"issueLink", "*"}, &JiraApi::delete_link},
      {"GET", {"search", "jql"}, &JiraApi::search_jql, true, false},
      {"POST", {"search", "jql"}, &JiraApi::search_jql, true, false},
      {"GET", {"search"}, &JiraApi::search_gone, true, false},
      {"POST", {"search"}, &JiraApi::search_gone, true, false},
      {"GET", {"search"}, &JiraApi::search_classic, false, true},
      {"POST", {"search"}, &JiraApi::search_classic, false, true},
  };
}

bool JiraApi::handle(const httplib::Request& req, httplib::Response& res, int version,
                     const std::vector<std::string>& segments) {
  const bool cloud = ctx_.options.flavour == Flavour::kCloud;
  if (!cloud && version == 3) return false;
  bool path_known = false;
  for (const auto& r : routes_) {
    if ((cloud && !r.cloud) || (!cloud && !r.datacenter) || (version == 3 && !r.v3)) continue;
    if (r.pattern.size() != segments.size()) continue;
    std::vector<std::string> args;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (r.pattern[i] == "*") {
        args.push_back(segments[i]);
      } else {
        ok = r.pattern[i] == segments[i];
      }
    }
    if (!ok) continue;
    path_known = true;
    if (r.method != req.method) continue;
    Call call{req, res, version, std::move(args), nullptr};
    if ((req.method == "POST" || req.method == "PUT") && !req.body.empty()) {
      std::string type = lower(req.get_header_value("Content-Type"));
      if (type.find("application/json") == std::string::npos) {
        send_error(res, 415, {"Unsupported Media Type: send Content-Type: application/json"});
        return true;
      }
      call.body = json::parse(req.body, nullptr, false);
      if (call.body.is_discarded()) {
        send_error(res, 400,
                   {"Invalid request payload. Refer to the REST API documentation and try again."});
        return true;
      }
    }
    (this->*r.handler)(call);
    return true;
  }
  if (path_known) {
    send_empty(res, 405);
    return true;
  }
  return false;
}

}  // namespace jira_sim

// Read-only metadata endpoints: who am I, what is this server, which fields, statuses and issue
// types exist, and what the create and edit screens contain.
#include <algorithm>
#include <cstdlib>

#include "http_util.h"
#include "jira_api.h"
#include "screens.h"

namespace jira_sim {
namespace {

bool is_project(const SimState& s, const std::string& key_or_id) {
  return key_or_id == s.project_key() || key_or_id == s.project_id();
}

void not_found_project(httplib::Response& res, const std::string& key) {
  send_error(res, 404, {"No project could be found with key '" + key + "'."});
}

json field_meta(const Renderer& r, const SimState& s, const FieldDef& d, const IssueType& type) {
  json m = {{"required", required_on_create(d.id, type)},
            {"schema", d.schema},
            {"name", d.name},
            {"key", d.id},
            {"fieldId", d.id},
            {"hasDefaultValue", d.id == "priority"},
            {"operations", d.operations}};
  if (d.id == "issuetype") m["allowedValues"] = json::array({r.issue_type(type)});
  if (d.id == "project") m["allowedValues"] = json::array({r.project()});
  if (json values = r.allowed_values(d); !values.is_null()) m["allowedValues"] = values;
  if (d.id == "priority") {
    json values = json::array();
    for (const auto& p : s.priorities()) values.push_back(r.priority(p.id));
    m["allowedValues"] = values;
    m["defaultValue"] = r.priority("3");
  }
  return m;
}

}  // namespace

void JiraApi::myself(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  send_json(c.res, 200, r.user(ctx_.state.me().account_id));
}

void JiraApi::server_info(Call& c) {
  const bool cloud = ctx_.options.flavour == Flavour::kCloud;
  long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  json info = {{"baseUrl", ctx_.base_url},
               {"version", cloud ? "1001.0.0-SNAPSHOT" : "9.12.0"},
               {"versionNumbers", cloud ? json::array({1001, 0, 0}) : json::array({9, 12, 0})},
               {"deploymentType", cloud ? "Cloud" : "Server"},
               {"buildNumber", cloud ? 100289 : 9120000},
               {"buildDate", "2025-01-01T00:00:00.000+0000"},
               {"serverTime", jira_time(now)},
               {"scmInfo", "jira-sim"},
               {"serverTitle", "jira-sim"}};
  send_json(c.res, 200, info);
}

void JiraApi::fields(Call& c) {
  json out = json::array();
  for (const auto& d : field_defs()) {
    json clause = json::array({d.id});
    if (d.custom) clause = json::array({"cf[" + d.id.substr(12) + "]", d.name});
    out.push_back({{"id", d.id},
                   {"key", d.id},
                   {"name", d.name},
                   {"custom", d.custom},
                   {"orderable", !d.operations.empty()},
                   {"navigable", true},
                   {"searchable", true},
                   {"clauseNames", clause},
                   {"schema", d.schema}});
  }
  send_json(c.res, 200, out);
}

void JiraApi::project(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  if (!is_project(s, c.args[0])) return not_found_project(c.res, c.args[0]);
  Renderer r(ctx_, c.version);
  json p = r.project();
  json types = json::array();
  for (const auto& t : s.issue_types()) types.push_back(r.issue_type(t));
  p["issueTypes"] = types;
  p["lead"] = r.user(s.me().account_id);
  p["description"] = "";
  send_json(c.res, 200, p);
}

void JiraApi::priorities(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  json out = json::array();
  static const char* colors[] = {"#d04437", "#f15C75", "#f79232", "#707070", "#999999"};
  size_t i = 0;
  for (const auto& p : ctx_.state.priorities()) {
    json pj = r.priority(p.id);
    pj["statusColor"] = colors[i++ % 5];
    pj["description"] = p.name;
    out.push_back(pj);
  }
  send_json(c.res, 200, out);
}

void JiraApi::statuses(Call& c) {
  Renderer r(ctx_, c.version);
  json out = json::array();
  for (const auto& s : ctx_.workflow.statuses()) out.push_back(r.status(s.id));
  send_json(c.res, 200, out);
}

// GET project/{key}/statuses: each issue type of the project with the statuses of its workflow
// (IssueTypeWithStatus in the OpenAPI document). The sim has one workflow for every type.
void JiraApi::project_statuses(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  if (!is_project(s, c.args[0])) return not_found_project(c.res, c.args[0]);
  Renderer r(ctx_, c.version);
  json statuses = json::array();
  for (const auto& st : ctx_.workflow.statuses()) statuses.push_back(r.status(st.id));
  json out = json::array();
  for (const auto& t : s.issue_types()) {
    json type = r.issue_type(t);
    out.push_back({{"id", type["id"]},
                   {"name", type["name"]},
                   {"self", type["self"]},
                   {"subtask", type["subtask"]},
                   {"statuses", statuses}});
  }
  send_json(c.res, 200, out);
}

void JiraApi::resolutions(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  json out = json::array();
  for (const auto& res : ctx_.state.resolutions()) out.push_back(r.resolution(res.id));
  send_json(c.res, 200, out);
}

void JiraApi::resolution_search(Call& c) {
  if (!ctx_.state.cloud()) {
    return send_error(c.res, 404, {"No REST resource GET resolution/search in Jira Server."});
  }
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  const auto& all = ctx_.state.resolutions();
  const int start = std::max(0, std::atoi(c.req.get_param_value("startAt").c_str()));
  int max =
      c.req.has_param("maxResults") ? std::atoi(c.req.get_param_value("maxResults").c_str()) : 50;
  max = std::clamp(max, 1, 50);
  json values = json::array();
  const int total = static_cast<int>(all.size());
  for (int n = start; n < total && n < start + max; ++n) {
    values.push_back(r.resolution(all[static_cast<size_t>(n)].id));
  }
  send_json(c.res, 200,
            {{"startAt", start},
             {"maxResults", max},
             {"total", total},
             {"isLast", start + max >= total},
             {"values", values}});
}

void JiraApi::issue_link_types(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  json out = json::array();
  for (const auto& t : ctx_.state.link_types()) {
    out.push_back({{"id", t.id},
                   {"name", t.name},
                   {"inward", t.inward},
                   {"outward", t.outward},
                   {"self", r.api_base() + "/issueLinkType/" + t.id}});
  }
  send_json(c.res, 200, {{"issueLinkTypes", out}});
}

void JiraApi::user_search(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  const bool cloud = ctx_.state.cloud();
  std::string q = lower(param(c.req, cloud ? "query" : "username"));
  if (q.empty()) {
    return send_error(c.res, 400,
                      {cloud ? "The query parameter 'query' is required."
                             : "The username query parameter was not provided"});
  }
  json out = json::array();
  for (const auto& u : ctx_.state.users()) {
    bool hit = lower(u.display_name).find(q) != std::string::npos ||
               lower(u.email).find(q) != std::string::npos ||
               (!cloud && lower(u.name).find(q) != std::string::npos);
    if (hit) out.push_back(r.user(u.account_id));
  }
  send_json(c.res, 200, out);
}

// One user: Cloud by accountId; Data Center by username or key (its changelog names users by
// key). 404 with Jira's message when there is none.
void JiraApi::user_get(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Renderer r(ctx_, c.version);
  const bool cloud = ctx_.state.cloud();
  const std::string account = param(c.req, "accountId");
  const std::string name = param(c.req, "username");
  const std::string key = param(c.req, "key");
  if (cloud ? account.empty() : name.empty() && key.empty()) {
    return send_error(
        c.res, 400,
        {cloud ? "The query parameter 'accountId' is required."
               : "Either the 'username' or the 'key' query parameter must be given."});
  }
  for (const auto& u : ctx_.state.users()) {
    const bool hit =
        cloud ? u.account_id == account
              : (!name.empty() && u.name == name) || (!key.empty() && dc_user_key(u) == key);
    if (hit) return send_json(c.res, 200, r.user(u.account_id));
  }
  send_error(c.res, 404,
             {cloud ? "Specified user does not exist or you do not have required permissions"
                    : "The user named '" + (name.empty() ? key : name) + "' does not exist"});
}

// Cloud pages issue types as {issueTypes, maxResults, startAt, total}; Data Center calls the
// list `values` and adds isLast.
void JiraApi::createmeta_types(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  if (!is_project(s, c.args[0])) return not_found_project(c.res, c.args[0]);
  Renderer r(ctx_, c.version);
  int start = std::max(0, int_param(c.req, "startAt", 0));
  int max = std::clamp(int_param(c.req, "maxResults", 50), 1, 200);
  const auto& types = s.issue_types();
  json list = json::array();
  for (size_t i = static_cast<size_t>(start);
       i < types.size() && static_cast<int>(list.size()) < max; ++i) {
    list.push_back(r.issue_type(types[i]));
  }
  int total = static_cast<int>(types.size());
  json out = {{"maxResults", max}, {"startAt", start}, {"total", total}};
  if (s.cloud()) {
    out["issueTypes"] = list;
  } else {
    out["values"] = list;
    out["isLast"] = start + static_cast<int>(list.size()) >= total;
  }
  send_json(c.res, 200, out);
}

void JiraApi::createmeta_fields(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  if (!is_project(s, c.args[0])) return not_found_project(c.res, c.args[0]);
  const IssueType* type = nullptr;
  for (const auto& t : s.issue_types()) {
    if (t.id == c.args[1]) type = &t;
  }
  if (!type) {
    return send_error(c.res, 404, {"Issue type with id '" + c.args[1] + "' does not exist."});
  }
  Renderer r(ctx_, c.version);
  int start = std::max(0, int_param(c.req, "startAt", 0));
  int max = std::clamp(int_param(c.req, "maxResults", 50), 1, 200);
  auto screen = screen_fields(*type, s.company_managed());
  json list = json::array();
  for (size_t i = static_cast<size_t>(start);
       i < screen.size() && static_cast<int>(list.size()) < max; ++i) {
    list.push_back(field_meta(r, s, *field_def(screen[i]), *type));
  }
  int total = static_cast<int>(screen.size());
  json out = {{"maxResults", max}, {"startAt", start}, {"total", total}};
  if (s.cloud()) {
    out["fields"] = list;
  } else {
    out["values"] = list;
    out["isLast"] = start + static_cast<int>(list.size()) >= total;
  }
  send_json(c.res, 200, out);
}

void JiraApi::editmeta(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) {
    return send_error(c.res, 404,
                      {"Issue does not exist or you do not have permission to see it."});
  }
  Renderer r(ctx_, c.version);
  const IssueType& type = *ctx_.state.issue_type(issue->type_id);
  json fields = json::object();
  for (const auto& id : screen_fields(type, ctx_.state.company_managed())) {
    if (id == "project") continue;  // a project cannot be changed by an edit
    json m = field_meta(r, ctx_.state, *field_def(id), type);
    m["required"] = id == "summary" || id == "issuetype";
    fields[id] = m;
  }
  send_json(c.res, 200, {{"fields", fields}});
}

}  // namespace jira_sim

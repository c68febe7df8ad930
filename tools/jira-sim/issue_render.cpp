#include "issue_render.h"

#include <algorithm>

#include "adf_check.h"
#include "field_values.h"
#include "http_util.h"

namespace jira_sim {
namespace {

// Cloud's expand=changelog holds at most the 100 most recent histories.
constexpr size_t kExpandedChangelogLimit = 100;

}  // namespace

std::string dc_user_key(const User& u) {
  return "JIRAUSER" + u.account_id.substr(u.account_id.size() - 4);
}

std::string Renderer::api_base() const {
  return ctx_.base_url + "/rest/api/" + std::to_string(version_);
}

json Renderer::user(const std::string& account_id) const {
  const User* u = ctx_.state.user_by_account(account_id);
  if (!u) return nullptr;
  if (ctx_.state.cloud()) {
    return {{"self", api_base() + "/user?accountId=" + u->account_id},
            {"accountId", u->account_id},
            {"accountType", "atlassian"},
            {"emailAddress", u->email},
            {"displayName", u->display_name},
            {"active", true},
            {"timeZone", "UTC"}};
  }
  return {{"self", api_base() + "/user?username=" + u->name},
          {"name", u->name},
          {"key", dc_user_key(*u)},
          {"emailAddress", u->email},
          {"displayName", u->display_name},
          {"active", true},
          {"timeZone", "UTC"}};
}

json Renderer::status_category(const std::string& category) const {
  int id = category == "new" ? 2 : category == "done" ? 3 : 4;
  std::string color = category == "new" ? "blue-gray" : category == "done" ? "green" : "yellow";
  std::string name = category == "new" ? "To Do" : category == "done" ? "Done" : "In Progress";
  return {{"self", api_base() + "/statuscategory/" + std::to_string(id)},
          {"id", id},
          {"key", category},
          {"colorName", color},
          {"name", name}};
}

json Renderer::status(const std::string& id) const {
  const Status* s = ctx_.workflow.status_by_id(id);
  if (!s) return nullptr;
  return {{"self", api_base() + "/status/" + s->id},
          {"description", ""},
          {"iconUrl", ctx_.base_url + "/images/icons/statuses/generic.png"},
          {"name", s->name},
          {"id", s->id},
          {"statusCategory", status_category(s->category)}};
}

json Renderer::issue_type(const IssueType& t) const {
  return {{"self", api_base() + "/issuetype/" + t.id},
          {"id", t.id},
          {"description", t.name + " issue type"},
          {"iconUrl", ctx_.base_url + "/images/icons/issuetypes/" + lower(t.name) + ".png"},
          {"name", t.name},
          {"subtask", t.subtask},
          {"hierarchyLevel", t.hierarchy_level}};
}

json Renderer::priority(const std::string& id) const {
  const Priority* p = ctx_.state.priority(id);
  if (!p) return nullptr;
  return {{"self", api_base() + "/priority/" + p->id},
          {"iconUrl", ctx_.base_url + "/images/icons/priorities/" + lower(p->name) + ".svg"},
          {"name", p->name},
          {"id", p->id}};
}

json Renderer::resolution(const std::string& id) const {
  if (id.empty()) return nullptr;
  const Resolution* r = ctx_.state.resolution(id);
  if (!r) return nullptr;
  return {{"self", api_base() + "/resolution/" + r->id},
          {"id", r->id},
          {"description", r->name},
          {"name", r->name}};
}

json Renderer::project() const {
  const SimState& s = ctx_.state;
  json p = {{"self", api_base() + "/project/" + s.project_id()},
            {"id", s.project_id()},
            {"key", s.project_key()},
            {"name", s.project_name()},
            {"projectTypeKey", "software"}};
  if (s.cloud()) {
    p["simplified"] = !s.company_managed();
    p["style"] = s.company_managed() ? "classic" : "next-gen";
  }
  return p;
}

json Renderer::component(const std::string& id) const {
  const Component* c = ctx_.state.component_by_id(id);
  if (!c) return nullptr;
  return {{"self", api_base() + "/component/" + c->id}, {"id", c->id}, {"name", c->name}};
}

json Renderer::version(const std::string& id) const {
  const Version* v = ctx_.state.version_by_id(id);
  if (!v) return nullptr;
  return {{"self", api_base() + "/version/" + v->id},
          {"id", v->id},
          {"name", v->name},
          {"archived", false},
          {"released", v->released},
          {"projectId", std::stol(ctx_.state.project_id())}};
}

json Renderer::option(const FieldDef& def, const std::string& id) const {
  const FieldOption* o = option_by_id(def, id);
  if (!o) return nullptr;
  return {{"self", api_base() + "/customFieldOption/" + o->id}, {"value", o->value}, {"id", o->id}};
}

json Renderer::allowed_values(const FieldDef& def) const {
  json values = json::array();
  if (def.kind == ValueKind::kComponents) {
    for (const auto& c : ctx_.state.components()) values.push_back(component(c.id));
  } else if (def.kind == ValueKind::kVersions) {
    for (const auto& v : ctx_.state.versions()) values.push_back(version(v.id));
  } else if (def.kind == ValueKind::kSelect || def.kind == ValueKind::kMultiSelect) {
    for (const auto& o : def.options) values.push_back(option(def, o.id));
  } else {
    return nullptr;
  }
  return values;
}

json Renderer::rich_text(const json& stored) const {
  if (stored.is_null()) return nullptr;
  if (version_ == 3) return stored.is_string() ? text_to_adf(stored.get<std::string>()) : stored;
  return stored.is_string() ? stored : json(adf_to_text(stored));
}

json Renderer::comment(const Issue& issue, const Comment& c) const {
  return {{"self",
           api_base() + "/issue/" + std::to_string(issue.id) + "/comment/" + std::to_string(c.id)},
          {"id", std::to_string(c.id)},
          {"author", user(c.author)},
          {"updateAuthor", user(c.author)},
          {"body", rich_text(c.body)},
          {"created", jira_time(c.created)},
          {"updated", jira_time(c.updated)},
          {"jsdPublic", true}};
}

json Renderer::comments_page(const Issue& issue, int start_at, int max_results) const {
  json list = json::array();
  int total = static_cast<int>(issue.comments.size());
  for (int i = std::max(0, start_at); i < total && static_cast<int>(list.size()) < max_results;
       ++i) {
    list.push_back(comment(issue, issue.comments[static_cast<size_t>(i)]));
  }
  return {{"comments", list},
          {"maxResults", max_results},
          {"total", total},
          {"startAt", start_at},
          {"self", api_base() + "/issue/" + std::to_string(issue.id) + "/comment"}};
}

json Renderer::history(const json& stored) const {
  json out = stored;
  out["author"] = user(stored.value("author", std::string()));
  out["created"] = jira_time(stored.value("created", 0LL));
  if (ctx_.state.cloud() || !out.contains("items") || !out["items"].is_array()) return out;
  // Items store users by account id; Data Center records a user field's user key instead.
  for (auto& item : out["items"]) {
    const std::string id = item.value("fieldId", std::string());
    const FieldDef* def = field_def(id);
    if (id != "assignee" && id != "reporter" && !(def && def->kind == ValueKind::kUser)) continue;
    for (const char* end : {"from", "to"}) {
      if (!item.contains(end) || !item[end].is_string()) continue;
      if (const User* u = ctx_.state.user_by_account(item[end].get<std::string>())) {
        item[end] = dc_user_key(*u);
      }
    }
  }
  return out;
}

json Renderer::expanded_changelog(const Issue& i) const {
  json histories = json::array();
  if (ctx_.state.cloud()) {
    // Cloud: "sorted by date, starting from the most recent", the 100 most recent only.
    for (auto h = i.changelog.rbegin();
         h != i.changelog.rend() && histories.size() < kExpandedChangelogLimit; ++h) {
      histories.push_back(history(*h));
    }
  } else {
    // Data Center: every history, oldest first.
    for (const auto& h : i.changelog) histories.push_back(history(h));
  }
  return {{"startAt", 0},
          {"maxResults", histories.size()},
          {"total", i.changelog.size()},
          {"histories", histories}};
}

json Renderer::issue_ref(const Issue& issue) const {
  const IssueType* t = ctx_.state.issue_type(issue.type_id);
  return {{"id", std::to_string(issue.id)},
          {"key", issue.key},
          {"self", api_base() + "/issue/" + std::to_string(issue.id)},
          {"fields",
           {{"summary", issue.summary},
            {"status", status(issue.status_id)},
            {"priority", priority(issue.priority_id)},
            {"issuetype", t ? issue_type(*t) : json(nullptr)}}}};
}

json Renderer::link(const IssueLink& l, const std::string& from_key) const {
  const LinkType* t = ctx_.state.link_type(l.type_id);
  json out = {{"id", std::to_string(l.id)},
              {"self", api_base() + "/issueLink/" + std::to_string(l.id)},
              {"type",
               {{"id", t ? t->id : l.type_id},
                {"name", t ? t->name : ""},
                {"inward", t ? t->inward : ""},
                {"outward", t ? t->outward : ""},
                {"self", api_base() + "/issueLinkType/" + l.type_id}}}};
  // Seen from the outward issue the other end is the inward one, and vice versa.
  const std::string& other = l.outward_key == from_key ? l.inward_key : l.outward_key;
  const Issue* o = ctx_.state.find(other);
  if (o) out[l.outward_key == from_key ? "inwardIssue" : "outwardIssue"] = issue_ref(*o);
  return out;
}

const std::vector<std::string>& Renderer::all_fields(bool company_managed) {
  static const std::vector<std::string> team = [] {
    std::vector<std::string> v = {"summary",           "description",      "issuetype",  "parent",
                                  "project",           "priority",         "labels",     "assignee",
                                  "reporter",          "status",           "resolution", "created",
                                  "updated",           "subtasks",         "issuelinks", "comment",
                                  "customfield_10016", "customfield_10026"};
    // Every field with a ValueKind, including the one on no screen: Jira returns a field's
    // value whether or not a screen shows it.
    for (const auto& d : field_defs()) {
      if (is_managed(d)) v.push_back(d.id);
    }
    return v;
  }();
  static const std::vector<std::string> company = [] {
    auto v = team;
    v.push_back("customfield_10014");
    return v;
  }();
  return company_managed ? company : team;
}

json Renderer::field_value(const Issue& i, const std::string& f) const {
  if (f == "summary") return i.summary;
  if (f == "description") return rich_text(i.description);
  if (f == "issuetype") {
    const IssueType* t = ctx_.state.issue_type(i.type_id);
    return t ? issue_type(*t) : json(nullptr);
  }
  if (f == "parent") {
    const Issue* p = i.parent_key.empty() ? nullptr : ctx_.state.find(i.parent_key);
    return p ? issue_ref(*p) : json(nullptr);
  }
  if (f == "project") return project();
  if (f == "priority") return priority(i.priority_id);
  if (f == "labels") return i.labels;
  if (f == "assignee") return i.assignee.empty() ? json(nullptr) : user(i.assignee);
  if (f == "reporter") return i.reporter.empty() ? json(nullptr) : user(i.reporter);
  if (f == "status") return status(i.status_id);
  if (f == "resolution") return resolution(i.resolution_id);
  if (f == "created") return jira_time(i.created);
  if (f == "updated") return jira_time(i.updated);
  if (f == "subtasks") {
    json list = json::array();
    for (const Issue* c : ctx_.state.children_of(i.key)) {
      const IssueType* t = ctx_.state.issue_type(c->type_id);
      if (t && t->subtask && c->parent_key == i.key) list.push_back(issue_ref(*c));
    }
    return list;
  }
  if (f == "issuelinks") {
    json list = json::array();
    for (const auto& [id, l] : ctx_.state.links()) {
      if (l.inward_key == i.key || l.outward_key == i.key) list.push_back(link(l, i.key));
    }
    return list;
  }
  if (f == "comment") return comments_page(i, 0, 5000);
  if (f == "customfield_10016") return i.story_points ? json(*i.story_points) : json(nullptr);
  if (f == "customfield_10026") return nullptr;
  if (f == "customfield_10014") return i.epic_link.empty() ? json(nullptr) : json(i.epic_link);
  const FieldDef* def = field_def(f);
  if (!def || !is_managed(*def)) return nullptr;
  const json stored = stored_value(i, *def);
  switch (def->kind) {
    case ValueKind::kComponents: {
      json list = json::array();
      for (const auto& id : stored) list.push_back(component(id.get<std::string>()));
      return list;
    }
    case ValueKind::kVersions: {
      json list = json::array();
      for (const auto& id : stored) list.push_back(version(id.get<std::string>()));
      return list;
    }
    case ValueKind::kSelect:
      return stored.is_null() ? json(nullptr) : option(*def, stored.get<std::string>());
    case ValueKind::kMultiSelect: {
      if (stored.is_null()) return nullptr;
      json list = json::array();
      for (const auto& id : stored) list.push_back(option(*def, id.get<std::string>()));
      return list;
    }
    case ValueKind::kUser:
      return stored.is_null() ? json(nullptr) : user(stored.get<std::string>());
    default:
      return stored;  // dates, numbers and text render as stored
  }
}

json Renderer::issue(const Issue& i, const std::vector<std::string>& fields,
                     const std::vector<std::string>& properties, bool with_changelog,
                     bool from_index) const {
  json out = {{"expand", "renderedFields,names,schema,operations,editmeta,changelog"},
              {"id", std::to_string(i.id)},
              {"self", api_base() + "/issue/" + std::to_string(i.id)},
              {"key", i.key}};
  const auto& known = all_fields(ctx_.state.company_managed());
  std::vector<std::string> chosen;
  std::vector<std::string> removed;
  for (const auto& f : fields) {
    if (f == "*all" || f == "*navigable") {
      chosen.insert(chosen.end(), known.begin(), known.end());
    } else if (!f.empty() && f[0] == '-') {
      removed.push_back(f.substr(1));
    } else if (std::find(known.begin(), known.end(), f) != known.end()) {
      chosen.push_back(f);
    }
  }
  if (!fields.empty()) {
    json fj = json::object();
    for (const auto& f : chosen) {
      if (std::find(removed.begin(), removed.end(), f) != removed.end()) continue;
      // Jira leaves `parent` out entirely on issues that have none.
      if (f == "parent" && i.parent_key.empty()) continue;
      fj[f] = field_value(i, f);
    }
    out["fields"] = fj;
  }
  if (!properties.empty()) {
    json props = json::object();
    const std::chrono::milliseconds lag(from_index ? ctx_.search_lag_ms.load() : 0);
    for (const auto& p : properties) {
      if (const json* v = i.searched_property(p, lag)) props[p] = *v;
    }
    out["properties"] = props;
  }
  if (with_changelog) out["changelog"] = expanded_changelog(i);
  return out;
}

}  // namespace jira_sim

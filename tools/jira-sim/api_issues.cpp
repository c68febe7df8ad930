// Creating, reading, editing and deleting issues, with the validations Jira applies to each.
#include <algorithm>

#include "adf_check.h"
#include "field_values.h"
#include "http_util.h"
#include "jira_api.h"
#include "screens.h"

namespace jira_sim {
namespace {

constexpr size_t kBulkLimit = 50;

std::string not_on_screen(const std::string& field) {
  return "Field '" + field + "' cannot be set. It is not on the appropriate screen, or unknown.";
}

// {"key": ..} or {"id": ..}: the ways Jira lets a client point at an issue, project or option.
std::string ref_of(const json& v, const char* a = "key", const char* b = "id") {
  if (v.is_object()) {
    if (v.contains(a) && v[a].is_string()) return v[a].get<std::string>();
    if (v.contains(b) && v[b].is_string()) return v[b].get<std::string>();
    if (v.contains(b) && v[b].is_number_integer()) return std::to_string(v[b].get<long>());
  }
  return "";
}

json change_item(const std::string& field, bool custom, const std::string& field_id,
                 const json& from, const json& from_string, const json& to, const json& to_string) {
  return {{"field", field},
          {"fieldtype", custom ? "custom" : "jira"},
          {"fieldId", field_id},
          {"from", from},
          {"fromString", from_string},
          {"to", to},
          {"toString", to_string}};
}

json str_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

json JiraApi::validate_create(const json& fields, int version) const {
  (void)version;
  json errors = json::object();
  const SimState& s = ctx_.state;
  if (!fields.is_object()) return error_body({"The request must contain 'fields'."});
  std::string project = fields.contains("project") ? ref_of(fields["project"]) : "";
  if (project.empty() || (project != s.project_key() && project != s.project_id())) {
    errors["project"] = "Specify a valid project ID or key";
  }
  const IssueType* type = nullptr;
  if (fields.contains("issuetype")) type = s.issue_type(ref_of(fields["issuetype"], "id", "name"));
  if (!type) errors["issuetype"] = "Specify an issue type";
  if (!fields.contains("summary") || !fields["summary"].is_string() ||
      fields["summary"].get<std::string>().find_first_not_of(" \t") == std::string::npos) {
    errors["summary"] = "You must specify a summary of the issue.";
  }
  if (type && type->subtask && (!fields.contains("parent") || fields["parent"].is_null())) {
    errors["parent"] = "Issue type is a sub-task but parent issue key or id not specified.";
  }
  return errors.empty() ? json(nullptr) : error_body({}, errors);
}

json JiraApi::apply_fields(Issue& issue, const json& fields, const json& update, int version,
                           const std::string& author, bool creating) {
  SimState& s = ctx_.state;
  const bool cloud = s.cloud();
  json errors = json::object();
  json items = json::array();
  Issue next = issue;

  // An edit may switch between standard types; the screen is the target type's.
  const IssueType* type = s.issue_type(next.type_id);
  if (fields.is_object() && fields.contains("issuetype")) {
    const IssueType* to = s.issue_type(ref_of(fields["issuetype"], "id", "name"));
    if (!to || (!creating &&
                (to->subtask != type->subtask || to->hierarchy_level != type->hierarchy_level))) {
      errors["issuetype"] = "The issue type selected is invalid.";
    } else {
      if (!creating && to->id != type->id) {
        items.push_back(
            change_item("issuetype", false, "issuetype", type->id, type->name, to->id, to->name));
      }
      next.type_id = to->id;
      type = to;
    }
  }
  auto screen = screen_fields(*type, s.company_managed());
  auto on_screen = [&](const std::string& f) {
    if (!creating && f == "project") return false;
    return std::find(screen.begin(), screen.end(), f) != screen.end();
  };

  auto set_field = [&](const std::string& f, const json& v) {
    if (f == "issuetype") return;  // handled above
    if (const FieldDef* def = field_def(f); def && is_managed(*def)) {
      if (auto err = set_value(s, *def, v, next, items, !creating)) errors[f] = *err;
      return;
    }
    if (f == "project") {
      std::string p = ref_of(v);
      if (p != s.project_key() && p != s.project_id()) {
        errors["project"] = "Specify a valid project ID or key";
      }
    } else if (f == "summary") {
      if (!v.is_string() || v.get<std::string>().find_first_not_of(" \t") == std::string::npos) {
        errors["summary"] = "You must specify a summary of the issue.";
      } else if (v.get<std::string>().size() > 255) {
        errors["summary"] = "Summary must be less than 255 characters.";
      } else if (v.get<std::string>().find('\n') != std::string::npos) {
        errors["summary"] = "The summary is invalid because it contains newline characters.";
      } else if (next.summary != v.get<std::string>()) {
        if (!creating) {
          items.push_back(change_item("summary", false, "summary", nullptr, next.summary, nullptr,
                                      v.get<std::string>()));
        }
        next.summary = v.get<std::string>();
      }
    } else if (f == "description") {
      json stored;
      if (v.is_null()) {
        stored = nullptr;
      } else if (version == 3) {
        if (auto problem = adf_problem(v)) {
          errors["description"] =
              "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
          return;
        }
        stored = v;
      } else {
        if (!v.is_string()) {
          errors["description"] = "Operation value must be a string";
          return;
        }
        stored = cloud ? text_to_adf(v.get<std::string>()) : v;
      }
      if (stored != next.description) {
        if (!creating) {
          auto text = [](const json& d) {
            return d.is_null() ? json(nullptr)
                               : json(d.is_string() ? d.get<std::string>() : adf_to_text(d));
          };
          items.push_back(change_item("description", false, "description", nullptr,
                                      text(next.description), nullptr, text(stored)));
        }
        next.description = stored;
      }
    } else if (f == "parent") {
      if (v.is_null() || (v.is_object() && v.contains("none"))) {
        if (type->subtask) {
          errors["parent"] = "Issue type is a sub-task but parent issue key or id not specified.";
        } else if (!next.parent_key.empty()) {
          items.push_back(change_item("IssueParentAssociation", false, "parent", nullptr,
                                      next.parent_key, nullptr, nullptr));
          next.parent_key.clear();
        }
        return;
      }
      const Issue* p = s.find(ref_of(v));
      if (!p) {
        errors["parent"] = "Could not find issue by id or key.";
        return;
      }
      const IssueType* pt = s.issue_type(p->type_id);
      bool fits = type->subtask ? (!pt->subtask && pt->hierarchy_level == 0)
                                : pt->hierarchy_level == type->hierarchy_level + 1;
      if (!fits || p->key == next.key) {
        errors["parent"] = "Given parent work item does not belong to appropriate hierarchy.";
        return;
      }
      if (p->key != next.parent_key) {
        if (!creating) {
          items.push_back(change_item("IssueParentAssociation", false, "parent",
                                      str_or_null(next.parent_key), str_or_null(next.parent_key),
                                      p->key, p->key));
        }
        next.parent_key = p->key;
      }
    } else if (f == "customfield_10014") {
      std::string key = v.is_string() ? v.get<std::string>() : "";
      if (!v.is_null() && !v.is_string()) {
        errors[f] = "Operation value must be a string";
        return;
      }
      if (!key.empty()) {
        const Issue* epic = s.find(key);
        if (!epic) {
          errors[f] = "Issue " + key + " does not exist.";
          return;
        }
        if (s.issue_type(epic->type_id)->name != "Epic") {
          errors[f] = "Issue " + key + " is not an epic.";
          return;
        }
        key = epic->key;
      }
      if (key != next.epic_link) {
        if (!creating) {
          items.push_back(change_item("Epic Link", true, f, str_or_null(next.epic_link),
                                      str_or_null(next.epic_link), str_or_null(key),
                                      str_or_null(key)));
        }
        next.epic_link = key;
      }
    } else if (f == "priority") {
      const Priority* p = v.is_object() ? s.priority(ref_of(v, "id", "name")) : nullptr;
      if (!p) {
        errors["priority"] = "The priority selected is invalid.";
        return;
      }
      if (p->id != next.priority_id) {
        if (!creating) {
          const Priority* old = s.priority(next.priority_id);
          items.push_back(change_item("priority", false, "priority", next.priority_id,
                                      old ? old->name : "", p->id, p->name));
        }
        next.priority_id = p->id;
      }
    } else if (f == "labels") {
      if (!v.is_array()) {
        errors["labels"] = "Operation value must be an array of strings";
        return;
      }
      std::vector<std::string> labels;
      for (const auto& l : v) {
        if (!l.is_string() || l.get<std::string>().empty()) {
          errors["labels"] = "Operation value must be an array of strings";
          return;
        }
        std::string label = l.get<std::string>();
        if (label.find(' ') != std::string::npos) {
          errors["labels"] = "The label '" + label + "' contains spaces which is invalid.";
          return;
        }
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
          labels.push_back(label);
        }
      }
      if (labels != next.labels) {
        if (!creating) {
          items.push_back(change_item("labels", false, "labels", nullptr, join(next.labels),
                                      nullptr, join(labels)));
        }
        next.labels = labels;
      }
    } else if (f == "assignee") {
      std::string who;
      if (!v.is_null()) {
        const User* u = nullptr;
        if (cloud) {
          if (v.is_object() && v.contains("accountId") && v["accountId"].is_string()) {
            u = s.user_by_account(v["accountId"].get<std::string>());
          }
        } else if (v.is_object() && v.contains("name") && v["name"].is_string()) {
          u = s.user_by_name(v["name"].get<std::string>());
        }
        if (!u) {
          errors["assignee"] =
              cloud ? "Specified user does not exist or you do not have "
                      "required permissions"
                    : "User '" + ref_of(v, "name", "accountId") + "' does not exist.";
          return;
        }
        who = u->account_id;
      }
      if (who != next.assignee) {
        if (!creating) {
          auto name = [&](const std::string& id) {
            const User* u = s.user_by_account(id);
            return u ? json(u->display_name) : json(nullptr);
          };
          items.push_back(change_item("assignee", false, "assignee", str_or_null(next.assignee),
                                      name(next.assignee), str_or_null(who), name(who)));
        }
        next.assignee = who;
      }
    } else if (f == "customfield_10016") {
      if (!v.is_null() && !v.is_number()) {
        errors[f] = "Operation value must be a number";
        return;
      }
      std::optional<double> sp;
      if (v.is_number()) sp = v.get<double>();
      if (sp != next.story_points) {
        if (!creating) {
          auto show = [](const std::optional<double>& d) {
            if (!d) return json(nullptr);
            json n = *d;
            return json(n.dump());
          };
          items.push_back(change_item("Story point estimate", true, f, nullptr,
                                      show(next.story_points), nullptr, show(sp)));
        }
        next.story_points = sp;
      }
    }
  };

  if (fields.is_object()) {
    for (const auto& [f, v] : fields.items()) {
      if (!on_screen(f)) {
        errors[f] = not_on_screen(f);
        continue;
      }
      set_field(f, v);
    }
  } else if (!fields.is_null()) {
    return error_body({"'fields' must be an object."});
  }
  if (update.is_object()) {
    for (const auto& [f, ops] : update.items()) {
      const FieldDef* def = field_def(f);
      if (!on_screen(f) || !def) {
        errors[f] = not_on_screen(f);
        continue;
      }
      if (!ops.is_array()) {
        errors[f] = "Operations for '" + f + "' must be an array.";
        continue;
      }
      for (const auto& op : ops) {
        if (!op.is_object() || op.size() != 1) {
          errors[f] = "Each operation must be an object with one verb.";
          break;
        }
        const std::string verb = op.begin().key();
        const json& value = op.begin().value();
        if (std::find(def->operations.begin(), def->operations.end(), verb) ==
            def->operations.end()) {
          errors[f] = "Field '" + f + "' does not support operation '" + verb + "'";
          break;
        }
        if (verb == "set") {
          set_field(f, value);
        } else if (is_managed(*def)) {
          if (auto err = add_or_remove_value(s, *def, verb, value, next, items, !creating)) {
            errors[f] = *err;
            break;
          }
        } else if (f == "labels") {
          std::vector<std::string> labels = next.labels;
          std::string label = value.is_string() ? value.get<std::string>() : "";
          if (label.empty()) {
            errors[f] = "Operation value must be a string";
            break;
          }
          auto it = std::find(labels.begin(), labels.end(), label);
          if (verb == "add" && it == labels.end()) labels.push_back(label);
          if (verb == "remove" && it != labels.end()) labels.erase(it);
          set_field(f, labels);
        }
      }
    }
  } else if (!update.is_null()) {
    return error_body({"'update' must be an object."});
  }
  if (!errors.empty()) return error_body({}, errors);
  issue = std::move(next);
  if (!creating) record_change(issue, author, items);
  return nullptr;
}

void JiraApi::record_change(Issue& issue, const std::string& author, const json& items) {
  if (items.empty()) return;
  long long now = ctx_.state.now_ms();
  issue.changelog.push_back({{"id", std::to_string(ctx_.state.next_changelog_id())},
                             {"author", author},
                             {"created", now},
                             {"items", items}});
  issue.updated = now;
  issue.indexed_at = std::chrono::steady_clock::now();
}

// Jira's create accepts entity properties alongside the fields ("properties": [{"key", "value"}]),
// which lets a client record an identity on the issue in the same request that creates it.
json create_properties(Issue& issue, const json& request) {
  if (!request.is_object() || !request.contains("properties")) return nullptr;
  const json& props = request["properties"];
  if (!props.is_array()) return error_body({"'properties' must be an array."});
  for (const auto& p : props) {
    if (!p.is_object() || !p.contains("key") || !p["key"].is_string() ||
        p["key"].get<std::string>().empty() || !p.contains("value")) {
      return error_body({"Each property must have a non-empty 'key' and a 'value'."});
    }
    issue.properties[p["key"].get<std::string>()] = p["value"];
  }
  return nullptr;
}

void JiraApi::create_issue(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const json fields = c.body.is_object() ? c.body.value("fields", json(nullptr)) : json(nullptr);
  const json update = c.body.is_object() ? c.body.value("update", json(nullptr)) : json(nullptr);
  if (json err = validate_create(fields, c.version); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  SimState& s = ctx_.state;
  Issue issue;
  issue.type_id = s.issue_type(ref_of(fields["issuetype"], "id", "name"))->id;
  issue.status_id = ctx_.workflow.initial();
  issue.priority_id = "3";
  issue.reporter = s.me().account_id;
  if (json err = apply_fields(issue, fields, update, c.version, s.me().account_id, true);
      !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  if (json err = create_properties(issue, c.body); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  Issue& added = s.add_issue(std::move(issue));
  Renderer r(ctx_, c.version);
  send_json(c.res, 201,
            {{"id", std::to_string(added.id)},
             {"key", added.key},
             {"self", r.api_base() + "/issue/" + std::to_string(added.id)}});
}

// Jira answers 201 when at least one issue was created, 400 when none was, and lists each
// failure with its 0-based position in the request.
void JiraApi::bulk_create(Call& c) {
  std::lock_guard lock(ctx_.mu);
  if (!c.body.is_object() || !c.body.contains("issueUpdates") ||
      !c.body["issueUpdates"].is_array()) {
    return send_error(c.res, 400, {"The request must contain an 'issueUpdates' array."});
  }
  const json& updates = c.body["issueUpdates"];
  if (updates.size() > kBulkLimit) {
    return send_error(c.res, 400,
                      {"The number of issues to create in bulk exceeds the limit of 50."});
  }
  SimState& s = ctx_.state;
  Renderer r(ctx_, c.version);
  json created = json::array();
  json errors = json::array();
  int n = 0;
  for (const auto& u : updates) {
    const json fields = u.is_object() ? u.value("fields", json(nullptr)) : json(nullptr);
    const json update = u.is_object() ? u.value("update", json(nullptr)) : json(nullptr);
    json err = validate_create(fields, c.version);
    Issue issue;
    if (err.is_null()) {
      issue.type_id = s.issue_type(ref_of(fields["issuetype"], "id", "name"))->id;
      issue.status_id = ctx_.workflow.initial();
      issue.priority_id = "3";
      issue.reporter = s.me().account_id;
      err = apply_fields(issue, fields, update, c.version, s.me().account_id, true);
      if (err.is_null()) err = create_properties(issue, u);
    }
    if (!err.is_null()) {
      errors.push_back({{"status", 400}, {"elementErrors", err}, {"failedElementNumber", n}});
    } else {
      Issue& added = s.add_issue(std::move(issue));
      created.push_back({{"id", std::to_string(added.id)},
                         {"key", added.key},
                         {"self", r.api_base() + "/issue/" + std::to_string(added.id)}});
    }
    ++n;
  }
  send_json(c.res, created.empty() && !errors.empty() ? 400 : 201,
            {{"issues", created}, {"errors", errors}});
}

void JiraApi::get_issue(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  std::vector<std::string> fields = split_csv(param(c.req, "fields", "*all"));
  std::vector<std::string> props = split_csv(param(c.req, "properties"));
  auto expand = split_csv(param(c.req, "expand"));
  bool changelog = std::find(expand.begin(), expand.end(), "changelog") != expand.end();
  Renderer r(ctx_, c.version);
  send_json(c.res, 200, r.issue(*issue, fields, props, changelog));
}

void JiraApi::edit_issue(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  Issue* issue = s.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  // Cloud only: Data Center's edit has no notifyUsers parameter and ignores it.
  if (s.cloud() && param(c.req, "notifyUsers") == "false" && !ctx_.options.project_admin) {
    return send_error(c.res, 400,
                      {"To discard the user notification either admin or project admin "
                       "permissions are required."});
  }
  const json fields = c.body.is_object() ? c.body.value("fields", json(nullptr)) : json(nullptr);
  const json update = c.body.is_object() ? c.body.value("update", json(nullptr)) : json(nullptr);
  if (json err = apply_fields(*issue, fields, update, c.version, s.me().account_id, false);
      !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  // Cloud's edit takes entity properties too (IssueUpdateDetails.properties); Data Center's
  // ignores them.
  if (s.cloud()) {
    if (json err = create_properties(*issue, c.body); !err.is_null()) {
      return send_json(c.res, 400, err);
    }
  }
  if (s.cloud() && param(c.req, "returnIssue") == "true") {
    Renderer r(ctx_, c.version);
    return send_json(c.res, 200, r.issue(*issue, {"*all"}, {}, false));
  }
  send_empty(c.res, 204);
}

void JiraApi::delete_issue(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  if (json err = delete_issue_tree(issue->key, param(c.req, "deleteSubtasks") == "true");
      !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  send_empty(c.res, 204);
}

json JiraApi::delete_issue_tree(const std::string& key_ref, bool delete_subtasks) {
  // A copy: the caller's key may be the issue's own, which removing its sub-tasks moves.
  const std::string key = key_ref;
  SimState& s = ctx_.state;
  std::vector<std::string> subtasks;
  std::vector<std::string> children;
  for (const Issue* child : s.children_of(key)) {
    if (s.issue_type(child->type_id)->subtask && child->parent_key == key) {
      subtasks.push_back(child->key);
    } else {
      children.push_back(child->key);
    }
  }
  if (!subtasks.empty() && !delete_subtasks) {
    return error_body(
        {"The issue has subtasks. Set the 'deleteSubtasks' parameter to true to "
         "delete the issue together with its subtasks."});
  }
  for (const auto& k : subtasks) s.remove_issue(k);
  // Children of a deleted epic survive, detached, as they do in Jira.
  for (const auto& k : children) {
    Issue* child = s.find(k);
    child->parent_key.clear();
    child->epic_link.clear();
  }
  s.remove_issue(key);
  return nullptr;
}

}  // namespace jira_sim

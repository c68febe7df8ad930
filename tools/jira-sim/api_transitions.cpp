// Workflow transitions: only those leaving the current status are offered or accepted, and a
// transition screen's required fields must be supplied.
#include <algorithm>

#include "http_util.h"
#include "jira_api.h"

namespace jira_sim {
namespace {

json resolution_meta(const Renderer& r, const SimState& s, bool required) {
  json values = json::array();
  for (const auto& res : s.resolutions()) values.push_back(r.resolution(res.id));
  return {{"required", required},
          {"schema", {{"type", "resolution"}, {"system", "resolution"}}},
          {"name", "Resolution"},
          {"key", "resolution"},
          {"fieldId", "resolution"},
          {"hasDefaultValue", false},
          {"operations", json::array({"set"})},
          {"allowedValues", values}};
}

}  // namespace

void JiraApi::get_transitions(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  auto expand = split_csv(param(c.req, "expand"));
  bool with_fields = std::find(expand.begin(), expand.end(), "transitions.fields") != expand.end();
  std::string only = param(c.req, "transitionId");
  Renderer r(ctx_, c.version);
  json list = json::array();
  for (const Transition* t : ctx_.workflow.available_from(issue->status_id)) {
    if (!only.empty() && t->id != only) continue;
    json tj = {{"id", t->id},
               {"name", t->name},
               {"to", r.status(t->to)},
               {"hasScreen", !t->fields.empty()},
               {"isGlobal", t->global()},
               {"isInitial", false},
               {"isAvailable", true},
               {"isConditional", false},
               {"isLooped", false}};
    if (with_fields) {
      json fields = json::object();
      for (const auto& f : t->fields) fields[f.id] = resolution_meta(r, ctx_.state, f.required);
      tj["fields"] = fields;
    }
    list.push_back(tj);
  }
  json out = {{"transitions", list}};
  if (with_fields) out["expand"] = "transitions";
  send_json(c.res, 200, out);
}

void JiraApi::do_transition(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  const json& body = c.body;
  std::string id;
  if (body.is_object() && body.contains("transition") && body["transition"].is_object()) {
    const json& t = body["transition"];
    if (t.contains("id") && t["id"].is_string()) id = t["id"].get<std::string>();
    if (t.contains("id") && t["id"].is_number_integer()) id = std::to_string(t["id"].get<long>());
  }
  if (id.empty()) {
    return send_error(c.res, 400, {"Missing 'transition' identifier"});
  }
  if (json err = transition_issue(*issue, id, body, false); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  send_empty(c.res, 204);
}

json JiraApi::transition_issue(Issue& issue, const std::string& id, const json& request,
                               bool bulk) {
  SimState& s = ctx_.state;
  const Transition* tr = nullptr;
  for (const Transition* t : ctx_.workflow.available_from(issue.status_id)) {
    if (t->id == id) tr = t;
  }
  if (!tr) return error_body({"Transition id '" + id + "' is not valid for this issue."});
  if (bulk && !tr->fields.empty()) {
    return error_body({"Transition '" + tr->name + "' (" + tr->id +
                       ") has a screen with fields, which a bulk transition cannot fill."});
  }
  json fields = request.is_object() ? request.value("fields", json::object()) : json::object();
  json errors = json::object();
  std::string resolution;
  if (fields.is_object()) {
    for (const auto& [name, v] : fields.items()) {
      const std::string f = name;  // a copy: lambdas cannot capture structured bindings in C++20
      bool on_screen = std::any_of(tr->fields.begin(), tr->fields.end(),
                                   [&](const TransitionField& tf) { return tf.id == f; });
      if (!on_screen) {
        errors[f] = "Field '" + f +
                    "' cannot be set. It is not on the appropriate screen, or "
                    "unknown.";
        continue;
      }
      const Resolution* r = nullptr;
      if (v.is_object()) {
        std::string ref = v.contains("id") && v["id"].is_string() ? v["id"].get<std::string>()
                          : v.contains("name") && v["name"].is_string()
                              ? v["name"].get<std::string>()
                              : "";
        r = s.resolution(ref);
      }
      if (!r) {
        errors[f] = "The resolution selected is invalid.";
      } else {
        resolution = r->id;
      }
    }
  }
  for (const auto& tf : tr->fields) {
    if (tf.required && tf.id == "resolution" && resolution.empty() && !errors.contains(tf.id)) {
      errors[tf.id] = "Resolution is required.";
    }
  }
  if (!errors.empty()) return error_body({}, errors);
  if (s.cloud()) {
    Issue probe;
    if (json err = create_properties(probe, request); !err.is_null()) return err;
  }

  const Status* from = ctx_.workflow.status_by_id(issue.status_id);
  const Status* to = ctx_.workflow.status_by_id(tr->to);
  json items = json::array();
  items.push_back({{"field", "status"},
                   {"fieldtype", "jira"},
                   {"fieldId", "status"},
                   {"from", issue.status_id},
                   {"fromString", from ? from->name : ""},
                   {"to", to->id},
                   {"toString", to->name}});
  // Leaving the done category clears the resolution, as Jira's reopen post-function does; a
  // resolution on the screen wins over the transition's own post-function, which sets it
  // whatever the target's category (the server checked at start that it exists).
  std::string new_resolution =
      to->category == "done" ? (resolution.empty() ? issue.resolution_id : resolution) : "";
  if (resolution.empty() && !tr->resolution.empty()) {
    if (const Resolution* post = s.resolution(tr->resolution)) new_resolution = post->id;
  }
  if (new_resolution != issue.resolution_id) {
    auto name = [&](const std::string& rid) {
      const Resolution* r = rid.empty() ? nullptr : s.resolution(rid);
      return r ? json(r->name) : json(nullptr);
    };
    items.push_back(
        {{"field", "resolution"},
         {"fieldtype", "jira"},
         {"fieldId", "resolution"},
         {"from", issue.resolution_id.empty() ? json(nullptr) : json(issue.resolution_id)},
         {"fromString", name(issue.resolution_id)},
         {"to", new_resolution.empty() ? json(nullptr) : json(new_resolution)},
         {"toString", name(new_resolution)}});
  }
  issue.status_id = to->id;
  issue.resolution_id = new_resolution;
  if (s.cloud()) (void)create_properties(issue, request);
  record_change(issue, s.me().account_id, items);
  return nullptr;
}

}  // namespace jira_sim

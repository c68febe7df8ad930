#include "control_api.h"

#include <stdexcept>

#include "adf_check.h"
#include "http_util.h"

namespace jira_sim {
namespace {

void control_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

json parse_body(const httplib::Request& req, httplib::Response& res, bool& ok) {
  ok = true;
  if (req.body.empty()) return json::object();
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    ok = false;
    control_error(res, 400, "the body is not valid JSON");
  }
  return body;
}

}  // namespace

void ControlApi::reset_locked(bool seed) {
  ctx_.state.clear();
  if (seed) ctx_.state.seed(ctx_.workflow.initial());
}

void ControlApi::edit_issue(const std::string& key, const json& body, httplib::Response& res) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  Issue* issue = s.find(key);
  if (!issue) return control_error(res, 404, "no issue " + key);
  std::string who = body.value("user", std::string("other"));
  const User* user = s.user_by_name(who);
  if (!user) user = s.user_by_account(who);
  if (!user) return control_error(res, 400, "unknown user " + who + " (try 'other' or 'sim')");
  int version = body.value("version", s.cloud() ? 3 : 2);
  json err =
      api_.apply_fields(*issue, body.value("fields", json(nullptr)),
                        body.value("update", json(nullptr)), version, user->account_id, false);
  if (!err.is_null()) return send_json(res, 400, err);
  // Drift in status skips the workflow on purpose: it models an admin or automation rule.
  if (body.contains("status")) {
    std::string name = body["status"].is_string() ? body["status"].get<std::string>() : "";
    const Status* to = ctx_.workflow.status_by_name(name);
    if (!to) to = ctx_.workflow.status_by_id(name);
    if (!to) return control_error(res, 400, "unknown status " + name);
    if (to->id != issue->status_id) {
      const Status* from = ctx_.workflow.status_by_id(issue->status_id);
      json items = json::array({{{"field", "status"},
                                 {"fieldtype", "jira"},
                                 {"fieldId", "status"},
                                 {"from", issue->status_id},
                                 {"fromString", from ? from->name : ""},
                                 {"to", to->id},
                                 {"toString", to->name}}});
      // Outside done the resolution goes; entering done without one sets the first resolution.
      std::string resolution = to->category == "done" ? issue->resolution_id : "";
      if (to->category == "done" && resolution.empty() && !s.resolutions().empty()) {
        resolution = s.resolutions().front().id;
      }
      if (resolution != issue->resolution_id) {
        auto id_or_null = [](const std::string& id) {
          return id.empty() ? json(nullptr) : json(id);
        };
        auto name = [&](const std::string& id) {
          const Resolution* r = id.empty() ? nullptr : s.resolution(id);
          return r ? json(r->name) : json(nullptr);
        };
        items.push_back({{"field", "resolution"},
                         {"fieldtype", "jira"},
                         {"fieldId", "resolution"},
                         {"from", id_or_null(issue->resolution_id)},
                         {"fromString", name(issue->resolution_id)},
                         {"to", id_or_null(resolution)},
                         {"toString", name(resolution)}});
      }
      // One history for the step, authored by the control API's user, as a transition's is.
      api_.record_change(*issue, user->account_id, items);
      issue->status_id = to->id;
      issue->resolution_id = resolution;
    }
  }
  if (body.contains("comment")) {
    const json& c = body["comment"];
    json stored = c;
    if (c.is_string()) {
      stored = s.cloud() ? text_to_adf(c.get<std::string>()) : c;
    } else if (!s.cloud() || adf_problem(c)) {
      return control_error(res, 400, "'comment' must be a string or an ADF document");
    }
    long long now = s.now_ms();
    issue->comments.push_back({s.next_comment_id(), user->account_id, stored, now, now});
    issue->updated = now;
    issue->indexed_at = std::chrono::steady_clock::now();
  }
  send_json(res, 200, {{"key", issue->key}, {"updated", jira_time(issue->updated)}});
}

void ControlApi::bulk_refuse(const httplib::Request& req, httplib::Response& res) {
  BulkRefusals& refusals = api_.bulk_refusals();
  if (req.method == "DELETE") {
    refusals.clear();
    return send_empty(res, 204);
  }
  if (req.method == "POST") {
    bool ok = true;
    json body = parse_body(req, res, ok);
    if (!ok) return;
    std::vector<std::string> keys;
    bool valid = body.is_object() && body.contains("keys") && body["keys"].is_array() &&
                 !body["keys"].empty();
    for (const auto& k : valid ? body["keys"] : json::array()) {
      valid = valid && k.is_string() && !k.get<std::string>().empty();
      if (valid) keys.push_back(k.get<std::string>());
    }
    if (!valid) return control_error(res, 400, "'keys' must be a non-empty array of issue keys");
    const json message = body.value("message", json(""));
    if (!message.is_string()) return control_error(res, 400, "'message' must be a string");
    refusals.add(keys, message.get<std::string>());
  } else if (req.method != "GET") {
    return control_error(res, 405, "use GET, POST or DELETE on /_sim/bulk-refuse");
  }
  send_json(res, 200, {{"refused", refusals.list()}});
}

void ControlApi::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string& p = req.path;
  const std::string& m = req.method;
  bool ok = true;
  if (p == "/_sim/health" && m == "GET") {
    return send_json(
        res, 200,
        {{"ok", true},
         {"flavour", ctx_.options.flavour == Flavour::kCloud ? "cloud" : "datacenter"}});
  }
  if (p == "/_sim/state" && m == "GET") {
    std::lock_guard lock(ctx_.mu);
    return send_json(res, 200, ctx_.state.dump());
  }
  if (p == "/_sim/state" && (m == "PUT" || m == "POST")) {
    json doc = parse_body(req, res, ok);
    if (!ok) return;
    std::lock_guard lock(ctx_.mu);
    try {
      ctx_.state.load(doc);
    } catch (const std::exception& e) {
      return control_error(res, 400, e.what());
    }
    return send_empty(res, 204);
  }
  if (p == "/_sim/reset" && m == "POST") {
    json body = parse_body(req, res, ok);
    if (!ok) return;
    std::lock_guard lock(ctx_.mu);
    reset_locked(body.value("seed", ctx_.options.seed));
    return send_empty(res, 204);
  }
  if (p == "/_sim/save" && m == "POST") {
    if (ctx_.options.state_file.empty()) {
      return control_error(res, 400, "jira-sim was started without --state-file");
    }
    try {
      save_state_();
    } catch (const std::exception& e) {
      return control_error(res, 500, e.what());
    }
    return send_empty(res, 204);
  }
  const std::string issues_prefix = "/_sim/issues/";
  if (p.rfind(issues_prefix, 0) == 0 && m == "POST" && p.size() > issues_prefix.size() + 5 &&
      p.compare(p.size() - 5, 5, "/edit") == 0) {
    json body = parse_body(req, res, ok);
    if (!ok) return;
    return edit_issue(p.substr(issues_prefix.size(), p.size() - issues_prefix.size() - 5), body,
                      res);
  }
  if (p == "/_sim/log" && m == "GET") return send_json(res, 200, {{"requests", log_.entries()}});
  if (p == "/_sim/log" && m == "DELETE") {
    log_.clear();
    return send_empty(res, 204);
  }
  if (p == "/_sim/counts" && m == "GET") return send_json(res, 200, log_.counts());
  if (p == "/_sim/faults" && m == "GET") return send_json(res, 200, {{"faults", faults_.list()}});
  if (p == "/_sim/faults" && m == "POST") {
    json body = parse_body(req, res, ok);
    if (!ok) return;
    try {
      return send_json(res, 201, faults_.add(body));
    } catch (const std::exception& e) {
      return control_error(res, 400, e.what());
    }
  }
  if (p == "/_sim/faults" && m == "DELETE") {
    faults_.clear();
    return send_empty(res, 204);
  }
  const std::string faults_prefix = "/_sim/faults/";
  if (p.rfind(faults_prefix, 0) == 0 && m == "DELETE") {
    std::string id = p.substr(faults_prefix.size());
    bool removed = !id.empty() && id.size() < 9 &&
                   id.find_first_not_of("0123456789") == std::string::npos &&
                   faults_.remove(std::stoi(id));
    if (!removed) return control_error(res, 404, "no fault rule " + id);
    return send_empty(res, 204);
  }
  if (p == "/_sim/bulk-refuse") return bulk_refuse(req, res);
  if (p == "/_sim/bulk-tasks" && m == "GET") {
    json tasks = json::array();
    for (const TaskRecord& t : api_.tasks().list()) {
      tasks.push_back({{"taskId", t.id},
                       {"kind", task_kind_name(t.kind)},
                       {"status", task_status_name(t.status)},
                       {"issues", t.issues},
                       {"sendBulkNotification", t.send_notification}});
    }
    return send_json(res, 200, {{"tasks", tasks}});
  }
  if (p == "/_sim/config" && (m == "GET" || m == "PUT")) {
    if (m == "PUT") {
      json body = parse_body(req, res, ok);
      if (!ok) return;
      for (const char* k : {"latency_ms", "search_lag_ms"}) {
        if (body.contains(k) && (!body[k].is_number_integer() || body[k].get<int>() < 0)) {
          return control_error(res, 400, std::string(k) + " must be a non-negative integer");
        }
      }
      if (body.contains("latency_ms")) ctx_.latency_ms = body["latency_ms"].get<int>();
      if (body.contains("search_lag_ms")) ctx_.search_lag_ms = body["search_lag_ms"].get<int>();
    }
    return send_json(
        res, 200,
        {{"latency_ms", ctx_.latency_ms.load()}, {"search_lag_ms", ctx_.search_lag_ms.load()}});
  }
  control_error(res, 404, "no control endpoint " + m + " " + p);
}

}  // namespace jira_sim

// Cloud's asynchronous entity-property writes (POST issue/properties/multi) and the task resource
// that reports on them (GET task/{taskId}).
#include "http_util.h"
#include "jira_api.h"

namespace jira_sim {
namespace {

constexpr size_t kMaxIssues = 100;
constexpr size_t kMaxPropertiesPerIssue = 10;
// TaskProgressBeanObject.submittedBy is a number (a user's internal id), not an account id;
// the simulator's one user has this one.
constexpr long kSubmitterId = 10000;

struct PropertyWrite {
  long issue_id = 0;
  std::vector<std::pair<std::string, json>> properties;
};

// The request's writes, or the message of the 400 Jira answers.
std::string parse_writes(const json& body, std::vector<PropertyWrite>& writes) {
  if (!body.is_object() || !body.contains("issues") || !body["issues"].is_array() ||
      body["issues"].empty()) {
    return "'issues' must list at least one issue.";
  }
  if (body["issues"].size() > kMaxIssues) {
    return "You can set properties on at most " + std::to_string(kMaxIssues) +
           " issues in one request.";
  }
  for (const auto& entry : body["issues"]) {
    if (!entry.is_object() || !entry.contains("issueID") || !entry["issueID"].is_number_integer()) {
      return "Each issue needs an integer 'issueID'.";
    }
    const json props = entry.value("properties", json(nullptr));
    if (!props.is_object() || props.empty() || props.size() > kMaxPropertiesPerIssue) {
      return "Each issue needs 'properties' with 1 to " + std::to_string(kMaxPropertiesPerIssue) +
             " entries.";
    }
    PropertyWrite w;
    w.issue_id = entry["issueID"].get<long>();
    for (const auto& [key, value] : props.items()) {
      if (auto problem = property_problem(key, value.dump().size())) return *problem;
      w.properties.emplace_back(key, value);
    }
    writes.push_back(std::move(w));
  }
  return "";
}

std::string task_message(const TaskRecord& t, size_t failed) {
  if (t.status == TaskStatus::kEnqueued) return "Waiting to start.";
  if (t.status == TaskStatus::kRunning) {
    return "Set properties on " + std::to_string(t.outcomes.size()) + " of " +
           std::to_string(t.total) + " issues.";
  }
  return "Set properties on " + std::to_string(t.total - failed) + " of " +
         std::to_string(t.total) + " issues; " + std::to_string(failed) + " skipped.";
}

}  // namespace

void JiraApi::multi_issue_properties(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  std::vector<PropertyWrite> writes;
  if (std::string error = parse_writes(c.body, writes); !error.empty()) {
    return send_error(c.res, 400, {error});
  }
  TaskRecord record;
  for (const auto& w : writes) {
    const Issue* issue = s.find(std::to_string(w.issue_id));
    record.issues.push_back(issue ? issue->key : std::to_string(w.issue_id));
  }
  record.kind = TaskKind::kProperties;
  record.submitted_by = s.me().account_id;
  record.total = writes.size();
  // Jira ignores an issue it does not find; the task's result names it (the sim's choice of
  // result shape, since Atlassian leaves it open).
  auto apply = [this, writes](size_t i) {
    ItemOutcome out;
    out.issue_id = writes[i].issue_id;
    Issue* issue = ctx_.state.find(std::to_string(writes[i].issue_id));
    if (!issue) {
      out.kind = ItemOutcome::Kind::kInvalid;
      out.reasons = {kIssueMissing};
      return out;
    }
    for (const auto& p : writes[i].properties) store_property(*issue, p.first, p.second);
    return out;
  };
  const std::string id = tasks_.submit(std::move(record), apply);
  Renderer r(ctx_, c.version);
  c.res.set_header("Location", r.api_base() + "/task/" + id);
  send_empty(c.res, 303);
}

void JiraApi::get_task(Call& c) {
  auto task = tasks_.find(c.args[0]);
  // Bulk operations report through bulk/queue/{taskId} only.
  if (!task || task->kind != TaskKind::kProperties) {
    return send_error(c.res, 404, {"Task " + c.args[0] + " not found"});
  }
  const TaskRecord& t = *task;
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  json failed = json::array();
  for (const auto& o : t.outcomes) {
    if (o.kind == ItemOutcome::Kind::kProcessed) continue;
    failed.push_back({{"issueID", o.issue_id}, {"reason", o.reasons.empty() ? "" : o.reasons[0]}});
  }
  Renderer r(ctx_, c.version);
  json out = {{"self", r.api_base() + "/task/" + t.id},
              {"id", t.id},
              {"description", "Bulk set issue properties by issue"},
              {"status", task_status_name(t.status)},
              {"progress", t.progress_percent()},
              {"submitted", t.created},
              {"lastUpdate", t.updated},
              {"elapsedRuntime", t.started == 0 ? 0 : (t.finished ? t.finished : now) - t.started},
              {"message", task_message(t, failed.size())},
              {"submittedBy", kSubmitterId}};
  if (t.started != 0) out["started"] = t.started;
  if (t.finished != 0) out["finished"] = t.finished;
  if (t.status == TaskStatus::kComplete) out["result"] = json::object({{"failed", failed}});
  send_json(c.res, 200, out);
}

}  // namespace jira_sim

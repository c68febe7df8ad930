// Jira Cloud's issue bulk operations: the transitions a set of issues has in common, bulk
// transition and bulk delete as asynchronous tasks, and their progress (bulk/queue/{taskId}).
// Each issue goes through exactly the checks and effects of its single-issue endpoint.
#include <algorithm>
#include <optional>
#include <set>

#include "http_util.h"
#include "jira_api.h"

namespace jira_sim {
namespace {

constexpr size_t kMaxIssues = 1000;
constexpr size_t kWorkflowsPerPage = 50;
constexpr const char* kInvalidIssues = "Some of the issues in the issueIdsOrKeys are not valid";
constexpr const char* kNoBulkPermission =
    "You don't have the global Bulk Change permission, which bulk operations require.";

// The bulk API's own error shape (BulkOperationErrorResponse), unlike Jira's ErrorCollection.
void send_bulk_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"errors", json::array({{{"message", message}}})}});
}

bool bulk_permitted(const SimContext& ctx, httplib::Response& res) {
  if (ctx.options.bulk_permission) return true;
  send_bulk_error(res, 403, kNoBulkPermission);
  return false;
}

// Ids in the workflow are strings; the bulk API's schema has them as int32.
json as_number(const std::string& id) {
  if (!id.empty() && id.size() < 10 && id.find_first_not_of("0123456789") == std::string::npos) {
    return std::stol(id);
  }
  return id;
}

// The issues a bulk request names, looked up now, or the message of the 400 Jira answers.
struct Selection {
  std::vector<const Issue*> issues;
  std::string error;
};

Selection select_issues(const SimState& s, const std::vector<std::string>& refs,
                        bool refuse_repeats) {
  Selection out;
  if (refs.empty()) {
    out.error = "Select at least one issue.";
  } else if (refs.size() > kMaxIssues) {
    out.error = "You can select at most " + std::to_string(kMaxIssues) + " issues; " +
                std::to_string(refs.size()) + " were selected.";
  }
  std::set<long> seen;
  for (size_t i = 0; i < refs.size() && out.error.empty(); ++i) {
    const Issue* issue = s.find(refs[i]);
    if (!issue) {
      out.error = kInvalidIssues;
    } else if (seen.insert(issue->id).second) {
      out.issues.push_back(issue);
    } else if (refuse_repeats) {
      out.error = "Issue " + refs[i] + " is selected more than once.";
    }
  }
  return out;
}

// An array of non-empty strings, or nullopt.
std::optional<std::vector<std::string>> string_list(const json& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string() || e.get<std::string>().empty()) return std::nullopt;
    out.push_back(e.get<std::string>());
  }
  return out;
}

// sendBulkNotification: nullable, true when absent. False with `error` set for another type.
bool notification_flag(const json& body, std::string& error) {
  if (!body.contains("sendBulkNotification") || body["sendBulkNotification"].is_null()) {
    return true;
  }
  if (!body["sendBulkNotification"].is_boolean()) {
    error = "sendBulkNotification must be a boolean.";
    return false;
  }
  return body["sendBulkNotification"].get<bool>();
}

// A failed single-issue call's error body as the open-ended reasons the queue lists.
std::vector<std::string> reasons_of(const json& err) {
  std::vector<std::string> out;
  const json messages = err.value("errorMessages", json::array());
  const json fields = err.value("errors", json::object());
  for (const auto& m : messages) out.push_back(m.get<std::string>());
  for (const auto& [field, m] : fields.items()) out.push_back(field + ": " + m.get<std::string>());
  return out;
}

// What one workflow's issues can all take in bulk (IssueBulkTransitionForWorkflow).
json common_transitions(const Workflow& wf, const std::vector<const Issue*>& issues) {
  std::vector<const Transition*> common;
  std::set<std::string> offered;  // available to at least one of the issues
  for (size_t i = 0; i < issues.size(); ++i) {
    std::vector<const Transition*> here = wf.available_from(issues[i]->status_id);
    for (const Transition* t : here) offered.insert(t->id);
    if (i == 0) {
      common = here;
      continue;
    }
    std::vector<const Transition*> kept;
    for (const Transition* t : common) {
      if (std::find(here.begin(), here.end(), t) != here.end()) kept.push_back(t);
    }
    common = kept;
  }
  json keys = json::array();
  for (const Issue* issue : issues) keys.push_back(issue->key);
  json list = json::array();
  for (const Transition* t : common) {
    // A transition screen needs field values that a bulk transition has no way to give.
    if (!t->fields.empty()) continue;
    const Status* to = wf.status_by_id(t->to);
    list.push_back({{"transitionId", as_number(t->id)},
                    {"transitionName", t->name},
                    {"to", {{"statusId", as_number(to->id)}, {"statusName", to->name}}}});
  }
  return {{"issues", keys},
          {"isTransitionsFiltered", list.size() < offered.size()},
          {"transitions", list}};
}

std::string cursor_of(size_t index) {
  return base64_encode("workflow:" + std::to_string(index));
}

std::optional<size_t> index_of_cursor(const std::string& cursor, size_t count) {
  const std::string text = base64_decode(cursor);
  const std::string prefix = "workflow:";
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string digits = text.substr(prefix.size());
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const size_t index = std::stoul(digits);
  if (index >= count) return std::nullopt;
  return index;
}

json progress_body(const TaskRecord& t) {
  json out = {{"taskId", t.id},
              {"status", task_status_name(t.status)},
              {"progressPercent", t.progress_percent()},
              {"submittedBy", {{"accountId", t.submitted_by}}},
              {"created", t.created},
              {"updated", t.updated},
              {"totalIssueCount", t.total}};
  if (t.started != 0) out["started"] = t.started;
  if (t.status != TaskStatus::kComplete) return out;
  json processed = json::array();
  json failed = json::object();
  int invalid = 0;
  for (const auto& o : t.outcomes) {
    switch (o.kind) {
      case ItemOutcome::Kind::kProcessed:
        processed.push_back(o.issue_id);
        break;
      case ItemOutcome::Kind::kFailed:
        failed[std::to_string(o.issue_id)] = o.reasons;
        break;
      case ItemOutcome::Kind::kInvalid:
        ++invalid;
        break;
    }
  }
  out["processedAccessibleIssues"] = processed;
  out["failedAccessibleIssues"] = failed;
  out["invalidOrInaccessibleIssueCount"] = invalid;
  return out;
}

}  // namespace

void JiraApi::bulk_transitions_available(Call& c) {
  if (!bulk_permitted(ctx_, c.res)) return;
  std::lock_guard lock(ctx_.mu);
  Selection sel = select_issues(ctx_.state, split_csv(param(c.req, "issueIdsOrKeys")), false);
  if (!sel.error.empty()) return send_bulk_error(c.res, 400, sel.error);
  // Jira groups the issues by workflow. The simulator runs one workflow for every issue, so there
  // is one group; the paging is Jira's all the same (50 workflows a page, cursors only when
  // another page exists), so a client's paging code runs against it.
  std::vector<std::vector<const Issue*>> groups = {sel.issues};
  size_t begin = 0;
  size_t end = std::min(groups.size(), kWorkflowsPerPage);
  const std::string after = param(c.req, "startingAfter");
  const std::string before = param(c.req, "endingBefore");
  if (!after.empty() || !before.empty()) {
    auto at = index_of_cursor(after.empty() ? before : after, groups.size());
    if (!at) return send_bulk_error(c.res, 400, "The pagination cursor is not valid.");
    if (!after.empty()) {
      begin = *at + 1;
      end = std::min(groups.size(), begin + kWorkflowsPerPage);
    } else {
      end = *at;
      begin = end > kWorkflowsPerPage ? end - kWorkflowsPerPage : 0;
    }
  }
  json list = json::array();
  for (size_t g = begin; g < end; ++g) list.push_back(common_transitions(ctx_.workflow, groups[g]));
  json out = {{"availableTransitions", list}};
  if (end < groups.size() && end > 0) out["startingAfter"] = cursor_of(end - 1);
  if (begin > 0) out["endingBefore"] = cursor_of(begin);
  send_json(c.res, 200, out);
}

void JiraApi::bulk_transition(Call& c) {
  if (!bulk_permitted(ctx_, c.res)) return;
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  const json& body = c.body;
  if (!body.is_object() || !body.contains("bulkTransitionInputs") ||
      !body["bulkTransitionInputs"].is_array() || body["bulkTransitionInputs"].empty()) {
    return send_bulk_error(c.res, 400, "bulkTransitionInputs must list at least one input.");
  }
  std::string error;
  const bool notify = notification_flag(body, error);
  if (!error.empty()) return send_bulk_error(c.res, 400, error);
  std::vector<std::string> refs;
  std::vector<std::string> transition_of_ref;
  for (const auto& input : body["bulkTransitionInputs"]) {
    if (!input.is_object() || !input.contains("transitionId") ||
        !input["transitionId"].is_string()) {
      return send_bulk_error(c.res, 400, "Each input's transitionId must be a string.");
    }
    auto selected = string_list(input.value("selectedIssueIdsOrKeys", json(nullptr)));
    if (!selected || selected->empty()) {
      return send_bulk_error(c.res, 400,
                             "Each input's selectedIssueIdsOrKeys must list issue ids or keys.");
    }
    for (const auto& r : *selected) {
      refs.push_back(r);
      transition_of_ref.push_back(input["transitionId"].get<std::string>());
    }
  }
  Selection sel = select_issues(s, refs, true);
  if (!sel.error.empty()) return send_bulk_error(c.res, 400, sel.error);

  struct Item {
    long id = 0;
    std::string transition;
  };
  std::vector<Item> items;
  TaskRecord record;
  for (size_t i = 0; i < sel.issues.size(); ++i) {
    items.push_back({sel.issues[i]->id, transition_of_ref[i]});
    record.issues.push_back(sel.issues[i]->key);
  }
  record.kind = TaskKind::kTransition;
  record.submitted_by = s.me().account_id;
  record.send_notification = notify;
  record.total = items.size();
  // Runs later, on the scheduler thread: the issue is looked up again because it may have moved
  // or gone since the request.
  auto apply = [this, items](size_t i) {
    return bulk_item(items[i].id, [&](Issue& issue) {
      return transition_issue(issue, items[i].transition, json::object(), true);
    });
  };
  send_json(c.res, 201, {{"taskId", tasks_.submit(std::move(record), apply)}});
}

ItemOutcome JiraApi::bulk_item(long id, const std::function<json(Issue&)>& act) {
  ItemOutcome out;
  out.issue_id = id;
  Issue* issue = ctx_.state.find(std::to_string(id));
  if (!issue) {
    out.kind = ItemOutcome::Kind::kInvalid;
    out.reasons = {kIssueMissing};
  } else if (auto why = refusals_.reason(issue->key, issue->id)) {
    out.kind = ItemOutcome::Kind::kFailed;
    out.reasons = {*why};
  } else if (json err = act(*issue); !err.is_null()) {
    out.kind = ItemOutcome::Kind::kFailed;
    out.reasons = reasons_of(err);
  }
  return out;
}

void JiraApi::bulk_delete(Call& c) {
  if (!bulk_permitted(ctx_, c.res)) return;
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  const json& body = c.body;
  auto refs = body.is_object() ? string_list(body.value("selectedIssueIdsOrKeys", json(nullptr)))
                               : std::nullopt;
  if (!refs || refs->empty()) {
    return send_bulk_error(c.res, 400, "selectedIssueIdsOrKeys must list issue ids or keys.");
  }
  std::string error;
  const bool notify = notification_flag(body, error);
  if (!error.empty()) return send_bulk_error(c.res, 400, error);
  Selection sel = select_issues(s, *refs, true);
  if (!sel.error.empty()) return send_bulk_error(c.res, 400, sel.error);

  std::vector<long> ids;
  TaskRecord record;
  for (const Issue* issue : sel.issues) {
    ids.push_back(issue->id);
    record.issues.push_back(issue->key);
  }
  record.kind = TaskKind::kDelete;
  record.submitted_by = s.me().account_id;
  record.send_notification = notify;
  record.total = ids.size();
  auto apply = [this, ids](size_t i) {
    // Gone already counts as invalid: deleted meanwhile, or as a sub-task of a parent this task
    // deleted.
    return bulk_item(ids[i], [&](Issue& issue) { return delete_issue_tree(issue.key, true); });
  };
  send_json(c.res, 201, {{"taskId", tasks_.submit(std::move(record), apply)}});
}

void JiraApi::bulk_progress(Call& c) {
  if (!bulk_permitted(ctx_, c.res)) return;
  auto task = tasks_.find(c.args[0]);
  if (!task) return send_bulk_error(c.res, 404, "Task " + c.args[0] + " not found");
  if (task->kind == TaskKind::kProperties) {
    return send_error(c.res, 400,
                      {"The task associated with this taskId is not a bulk operation task"});
  }
  send_json(c.res, 200, progress_body(*task));
}

}  // namespace jira_sim

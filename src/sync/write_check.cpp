#include "sync/write_check.h"

#include <map>
#include <set>
#include <tuple>

namespace epicsync::sync {
namespace {

using plan::Operation;
using plan::OpKind;

// The identity under which an operation on an issue created in the same run finds it.
std::string identity_of(const Operation& op) {
  return op.draft.identity.empty() ? op.story_id : op.draft.identity;
}

// The issue an operation wrote to, by key once it exists ("new:<identity>" for a create).
std::string target_of(const Operation& op, const ExecutionReport& report) {
  if (op.kind == OpKind::kCreateStory || op.kind == OpKind::kCreateSubtask) {
    return "new:" + identity_of(op);
  }
  if (!op.issue_key.empty()) return op.issue_key;
  auto it = report.created.find(identity_of(op));
  return it == report.created.end() ? std::string() : it->second;
}

// What makes two operations the same write, whichever plan they come from.
using Signature = std::tuple<int, std::string, std::string>;
Signature signature(const Operation& op, const std::string& target, const ExecutionReport& report) {
  std::string detail;
  if (op.kind == OpKind::kAddComment || op.kind == OpKind::kUpdateComment) detail = op.comment_key;
  if (op.kind == OpKind::kAddLink) {
    // A link to a story this run created was sent with that story's new key.
    std::string other = op.link_target;
    if (other.empty()) {
      auto it = report.created.find(op.link_target_story);
      if (it != report.created.end()) other = it->second;
    }
    detail = op.link_phrase + " " + other;
  }
  // A comment added and one updated are the same write seen from two sides.
  const int kind = op.kind == OpKind::kUpdateComment ? static_cast<int>(OpKind::kAddComment)
                                                     : static_cast<int>(op.kind);
  return {kind, target, detail};
}

std::string describe(const Operation& again, const std::string& target,
                     const ExecutionReport& report) {
  switch (again.kind) {
    case OpKind::kCreateStory:
    case OpKind::kCreateSubtask: {
      const std::string id = identity_of(again);
      auto it = report.created.find(id);
      return (again.kind == OpKind::kCreateStory ? id : "sub-task '" + again.summary + "'") +
             ": created" + (it == report.created.end() ? std::string() : " as " + it->second) +
             ", but the epic does not show it";
    }
    case OpKind::kUpdate: {
      std::string out;
      for (const auto& c : again.shown) {
        out += (out.empty() ? "" : "; ") + c.field +
               (c.field == "Description" ? std::string(" differs from what was sent")
                                         : " reads '" + c.before + "', not '" + c.after + "'");
      }
      return target + ": " + out;
    }
    case OpKind::kTransition:
      return target + ": status is " + again.from_status + ", not " +
             std::string(again.target_status ? again.target_status->name
                                             : model::display_name(again.target));
    case OpKind::kAddComment:
    case OpKind::kUpdateComment:
      return target + ": the comment (" + again.comment_key + ") is not recorded as posted";
    case OpKind::kAddLink:
      return target + ": the link " + again.link_phrase + " " + again.link_target + " is not there";
    case OpKind::kRecordIdentity:
      return target + ": its identity is not recorded";
    default:
      return target + ": not as written";
  }
}

}  // namespace

std::vector<std::string> written_issue_ids(const plan::Plan& plan, const ExecutionReport& report,
                                           const tracker::EpicSnapshot& before) {
  std::map<std::string, std::string> id_of;
  id_of[before.epic.key] = before.epic.id;
  for (const auto* list : {&before.stories, &before.subtasks}) {
    for (const auto& i : *list) id_of[i.key] = i.id;
  }
  std::set<size_t> failed;
  for (const auto& f : report.failures) failed.insert(f.index);
  std::set<std::string> ids(report.created_ids.begin(), report.created_ids.end());
  for (size_t i = 0; i < plan.operations.size(); ++i) {
    if (failed.count(i)) continue;
    const Operation& op = plan.operations[i];
    for (const std::string& key : {op.issue_key, op.draft.parent_key}) {
      if (auto it = id_of.find(key); !key.empty() && it != id_of.end() && !it->second.empty()) {
        ids.insert(it->second);
      }
    }
  }
  return {ids.begin(), ids.end()};
}

ReadBack with_fresh_issues(const plan::Plan& plan, const ExecutionReport& report,
                           const tracker::EpicSnapshot& before,
                           const std::vector<std::string>& asked,
                           const std::vector<tracker::RemoteIssue>& fresh) {
  ReadBack out{before, {}};
  std::map<std::string, const tracker::RemoteIssue*> by_id;
  for (const auto& i : fresh) by_id[i.id] = &i;
  std::set<std::string> missing(asked.begin(), asked.end());
  for (const auto& i : fresh) missing.erase(i.id);
  std::set<size_t> failed;
  for (const auto& f : report.failures) failed.insert(f.index);
  std::set<std::string> deleted;  // keys
  for (size_t i = 0; i < plan.operations.size(); ++i) {
    const Operation& op = plan.operations[i];
    if (!failed.count(i) && op.kind == OpKind::kDeleteIssue) deleted.insert(op.issue_key);
  }
  auto refresh = [&](tracker::RemoteIssue& i) {
    auto it = by_id.find(i.id);
    if (it == by_id.end()) return;
    i = *it->second;
    by_id.erase(it);
  };
  refresh(out.snapshot.epic);
  for (auto* list : {&out.snapshot.stories, &out.snapshot.subtasks}) {
    for (auto& i : *list) refresh(i);
    std::erase_if(*list, [&](const tracker::RemoteIssue& i) {
      if (!missing.count(i.id)) return false;
      missing.erase(i.id);
      if (deleted.count(i.key)) return true;  // gone, as the plan wanted
      out.unreadable.push_back(i.key + ": not found when read back, so its writes are unchecked");
      return false;
    });
  }
  for (const auto& [id, issue] : by_id) {
    (issue->subtask ? out.snapshot.subtasks : out.snapshot.stories).push_back(*issue);
  }
  // Created in this run, and not found.
  for (const auto& id : missing) {
    out.unreadable.push_back("the issue with id " + id +
                             " created by this run was not found when read back");
  }
  return out;
}

std::vector<std::string> unheld_writes(const plan::Plan& plan, const ExecutionReport& report,
                                       const plan::Plan& again) {
  std::set<size_t> failed;
  for (const auto& f : report.failures) failed.insert(f.index);
  std::set<Signature> done;
  std::map<std::string, std::set<std::string>> sent_fields;  // updated issue → fields sent
  for (size_t i = 0; i < plan.operations.size(); ++i) {
    if (failed.count(i)) continue;
    const std::string target = target_of(plan.operations[i], report);
    if (target.empty()) continue;
    done.insert(signature(plan.operations[i], target, report));
    for (const auto& c : plan.operations[i].shown) sent_fields[target].insert(c.field);
  }
  // Where each walk ended. An issue standing there holds the write, even when the planner asks
  // for more: the workflow could take it no closer (a Cancelled it cannot express ends on Done).
  std::map<std::string, std::string> reached;
  for (const auto& [key, path] : report.transitions) {
    reached[key] = path.statuses.empty() ? path.from.name : path.statuses.back();
  }
  std::vector<std::string> out;
  for (const auto& op : again.operations) {
    const std::string target = target_of(op, report);
    if (op.kind == OpKind::kTransition && reached.count(target) &&
        reached[target] == op.from_status) {
      continue;
    }
    if (!done.count(signature(op, target, report))) continue;
    if (op.kind == OpKind::kUpdate) {
      // Only the fields this run sent: another field someone changed since is not its write.
      Operation sent = op;
      std::erase_if(sent.shown, [&](const plan::FieldChange& c) {
        return !sent_fields[target].count(c.field);
      });
      if (!sent.shown.empty()) out.push_back(describe(sent, target, report));
      continue;
    }
    out.push_back(describe(op, target, report));
  }
  return out;
}

}  // namespace epicsync::sync

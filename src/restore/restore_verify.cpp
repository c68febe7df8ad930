#include "restore/restore_verify.h"

#include <map>
#include <set>

#include "restore/restore_planner.h"
#include "tracker/identity_property.h"

namespace epicsync::restore {
namespace {

using plan::Operation;
using plan::OpKind;
using tracker::RemoteIssue;

// The issue as the executed plan wants it: the fields an update set, nothing else.
RemoteIssue wanted_fields(const RemoteIssue& now, const tracker::FieldChanges& c) {
  RemoteIssue w = now;
  if (c.summary) w.summary = *c.summary;
  if (c.description_raw) w.description = *c.description_raw;
  if (c.points) w.points = *c.points;
  if (c.priority_name) w.priority_name = *c.priority_name;
  if (c.labels) w.labels = *c.labels;
  if (c.assignee) w.assignee = *c.assignee;
  for (const auto& [key, value] : c.fields) w.fields[key] = value;
  return w;
}

std::vector<std::string> fields_set(const tracker::FieldChanges& c) {
  std::vector<std::string> out;
  if (c.summary) out.push_back("summary");
  if (c.description_raw) out.push_back("description");
  if (c.points) out.push_back("points");
  if (c.priority_name) out.push_back("priority");
  if (c.labels) out.push_back("labels");
  if (c.assignee) out.push_back("assignee");
  for (const auto& [key, value] : c.fields) out.push_back(tracker::journal_key(key));
  return out;
}

}  // namespace

std::vector<std::string> verify_restore(const plan::Plan& plan, const sync::ExecutionReport& report,
                                        const tracker::EpicSnapshot& after,
                                        const plan::RichTextOps& rich_text) {
  std::map<std::string, const RemoteIssue*> by_key;
  by_key[after.epic.key] = &after.epic;
  for (const auto& i : after.stories) by_key[i.key] = &i;
  for (const auto& i : after.subtasks) by_key[i.key] = &i;
  std::set<size_t> failed;
  for (const auto& f : report.failures) failed.insert(f.index);

  auto issue = [&](const Operation& op) -> const RemoteIssue* {
    std::string key = op.issue_key;
    if (key.empty()) {
      auto it = report.created.find(op.draft.identity);
      if (it != report.created.end()) key = it->second;
    }
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
  };

  std::vector<std::string> problems;
  for (size_t i = 0; i < plan.operations.size(); ++i) {
    if (failed.count(i)) continue;  // already reported as a failure
    const Operation& op = plan.operations[i];
    const std::string name = op.issue_key.empty() ? op.replaces_key : op.issue_key;
    const RemoteIssue* now = issue(op);
    switch (op.kind) {
      case OpKind::kDeleteIssue:
        if (now) problems.push_back(name + " still exists after it was deleted");
        break;
      case OpKind::kCreateStory:
      case OpKind::kCreateSubtask:
        if (!now) problems.push_back(name + " was created again but is not in the epic");
        break;
      case OpKind::kUpdate: {
        if (!now) {
          problems.push_back(name + " is no longer in the epic");
          break;
        }
        const RemoteIssue wanted = wanted_fields(*now, op.changes);
        for (const auto& field : fields_set(op.changes)) {
          if (!same_field(field, *now, wanted, rich_text)) {
            const auto key = tracker::field_of_journal_key(field);
            problems.push_back(name + " " + (key ? tracker::field_name(*key) : field) +
                               ": restored to '" + field_text(field, wanted) + "' but reads '" +
                               field_text(field, *now) + "'");
          }
        }
        break;
      }
      case OpKind::kTransition:
        if (op.target_status && (!now || now->status.name != op.target_status->name)) {
          problems.push_back(name + " status: should be " + op.target_status->name + " but is " +
                             (now ? now->status.name : std::string("gone")));
        }
        break;
      case OpKind::kDeleteComment:
        if (now) {
          for (const auto& c : now->comments) {
            if (c.id == op.comment_id) {
              problems.push_back(name + ": comment " + op.comment_id + " is still there");
            }
          }
        }
        break;
      case OpKind::kDeleteLink:
        if (now) {
          for (const auto& l : now->links) {
            if (l.id == op.link_id) {
              problems.push_back(name + ": link " + op.link_phrase + " " + op.link_target +
                                 " is still there");
            }
          }
        }
        break;
      case OpKind::kSetProperty: {
        if (!now) break;
        const bool has = now->properties.count(tracker::kPropertyKey) > 0;
        if (op.property_json.empty() && has) {
          problems.push_back(name + ": the epicsync property is still there");
        } else if (!op.property_json.empty()) {
          auto wanted = nlohmann::json::parse(op.property_json, nullptr, false);
          const std::string want_id = wanted.is_object() ? wanted.value("id", "") : "";
          if (tracker::identity_of(*now) != want_id) {
            problems.push_back(name + ": the recorded identity should be '" + want_id +
                               "' but is '" + tracker::identity_of(*now) + "'");
          }
        }
        break;
      }
      case OpKind::kRestoreComment:
      case OpKind::kAddComment:
      case OpKind::kUpdateComment:
      case OpKind::kAddLink:
      case OpKind::kRecordIdentity:
        break;
    }
  }
  return problems;
}

}  // namespace epicsync::restore

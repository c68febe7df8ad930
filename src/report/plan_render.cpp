#include "report/plan_render.h"

#include <map>
#include <set>
#include <sstream>

#include "report/json_vocabulary.h"
#include "report/restore_render.h"
#include "report/text_style.h"

namespace epicsync::report {
namespace {

using plan::Operation;
using plan::OpKind;

const char* kind_id(OpKind k) {
  switch (k) {
    case OpKind::kCreateStory:
      return "create_story";
    case OpKind::kCreateSubtask:
      return "create_subtask";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kTransition:
      return "transition";
    case OpKind::kAddComment:
      return "add_comment";
    case OpKind::kUpdateComment:
      return "update_comment";
    case OpKind::kAddLink:
      return "add_link";
    case OpKind::kRecordIdentity:
      return "record_identity";
    case OpKind::kDeleteIssue:
      return "delete_issue";
    case OpKind::kDeleteComment:
      return "delete_comment";
    case OpKind::kRestoreComment:
      return "restore_comment";
    case OpKind::kDeleteLink:
      return "delete_link";
    case OpKind::kSetProperty:
      return "set_property";
  }
  return "";
}

// The heading an operation is listed under: an existing issue, or the story being created. A
// new sub-task is listed inside its story's block, whether that story exists or is new too.
std::string group_of(const Operation& op) {
  if (op.kind == OpKind::kCreateStory) return "new:" + op.story_id;
  if (op.kind == OpKind::kCreateSubtask) {
    if (!op.draft.parent_key.empty()) return op.draft.parent_key;
    return "new:" + (op.parent_story_id.empty() ? op.story_id : op.parent_story_id);
  }
  if (!op.issue_key.empty()) return op.issue_key;
  // A new sub-task's transition, under the existing story its create is listed under.
  if (op.kind == OpKind::kTransition && !op.draft.parent_key.empty()) return op.draft.parent_key;
  return "new:" + op.story_id;
}

}  // namespace

PlanTotals totals(const plan::Plan& p, const std::set<size_t>& left_out) {
  PlanTotals t;
  std::set<std::string> updated;
  for (size_t i = 0; i < p.operations.size(); ++i) {
    if (left_out.count(i)) continue;
    const Operation& op = p.operations[i];
    switch (op.kind) {
      case OpKind::kCreateStory:
        ++t.stories_created;
        break;
      case OpKind::kCreateSubtask:
        ++t.subtasks_created;
        break;
      case OpKind::kUpdate:
        updated.insert(op.issue_key);
        break;
      case OpKind::kTransition:
        ++t.transitions;
        break;
      case OpKind::kAddComment:
      case OpKind::kUpdateComment:
        ++t.comments;
        break;
      case OpKind::kAddLink:
        ++t.links;
        break;
      case OpKind::kRecordIdentity:
      case OpKind::kSetProperty:
        ++t.identities;
        break;
      case OpKind::kDeleteIssue:
        ++t.deletions;
        break;
      case OpKind::kDeleteComment:
      case OpKind::kRestoreComment:
        ++t.comments;
        break;
      case OpKind::kDeleteLink:
        ++t.links;
        break;
    }
  }
  t.issues_updated = static_cast<int>(updated.size());
  return t;
}

// The identity a record-identity operation writes (a sub-task's, not its story's).
std::string recorded_identity(const Operation& op) {
  const auto j = nlohmann::json::parse(op.property_json, nullptr, false);
  if (j.is_object() && j.contains("id") && j["id"].is_string()) return j["id"].get<std::string>();
  return op.story_id;
}

// "Summary, Status": the fields a record of fields in step again names.
std::string in_step_fields(const Operation& op) {
  std::vector<std::string> names;
  for (const auto& [key, value] : op.base) {
    std::string name = key.rfind("field:", 0) == 0 ? key.substr(6) : key;
    if (name == "points") name = "story points";
    names.push_back(name);
  }
  return plan::join(names);
}

std::vector<PlanBlock> plan_blocks(const plan::Plan& p) {
  // Keep the order in which groups first appear, which is the file's order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Operation*>> groups;
  for (const auto& op : p.operations) {
    const std::string g = group_of(op);
    if (!groups.count(g)) order.push_back(g);
    groups[g].push_back(&op);
  }
  std::vector<PlanBlock> out;
  for (const auto& g : order) {
    const auto& ops = groups[g];
    const Operation& first = *ops.front();
    PlanBlock block;
    if (g.rfind("new:", 0) == 0 && first.kind == OpKind::kCreateStory) {
      block.heading = "+ " + first.story_id + ": " + first.summary + " (NEW)";
      block.color = "32";
      block.is_new = true;
    } else if (g.rfind("new:", 0) == 0) {
      block.heading = first.story_id;
      block.color = nullptr;
    } else if (first.kind == OpKind::kCreateSubtask) {
      // The story itself does not change: named by its id, its sub-tasks below.
      block.key = g;
      block.heading = g + "  " + first.story_id;
    } else {
      block.key = g;
      block.heading = g + "  " + first.summary;
    }
    auto line = [&](std::string text, const char* color = nullptr, std::string diff = {}) {
      block.lines.push_back({std::move(text), color, std::move(diff)});
    };
    for (const auto* op : ops) {
      switch (op->kind) {
        case OpKind::kCreateStory:
          // The fields the new story starts with.
          for (const auto& c : op->shown) line(c.field + ": " + c.after);
          break;
        case OpKind::kCreateSubtask:
          line("+ " + op->summary + " (NEW)", "32");
          break;
        case OpKind::kUpdate:
          for (const auto& c : op->shown) {
            if (c.field == "Description") {
              line("Description:", nullptr, op->description_diff);
            } else {
              line(c.field + ": " + (c.before.empty() ? "-" : c.before) + " → " + c.after);
            }
          }
          break;
        case OpKind::kTransition:
          line("Transition" +
               (op->issue_key.empty() && !op->draft.identity.empty() ? " " + op->summary
                                                                     : std::string()) +
               ": " + op->from_status + " → " +
               (op->target_status ? op->target_status->name
                                  : std::string(model::display_name(op->target))));
          break;
        case OpKind::kAddComment:
          if (!op->found_comment_id.empty()) {
            line("record comment " + op->found_comment_id + " (already posted)", "2");
            break;
          }
          line(std::string("+ comment (") +
               (op->comment_key == "commits" ? "related commits" : "quoted") + ")");
          break;
        case OpKind::kUpdateComment:
          line("~ comment (related commits)");
          break;
        case OpKind::kAddLink:
          line("+ link: " + op->link_phrase + " " +
               (op->link_target.empty() ? op->link_target_story + " (created by this run)"
                                        : op->link_target));
          break;
        case OpKind::kRecordIdentity:
          if (!op->shown.empty() && op->shown.front().field == "In step") {
            line("record " + in_step_fields(*op) +
                     " as in step again (changed in Jira since, and the file agrees)",
                 "2");
          } else {
            line("record identity " + recorded_identity(*op), "2");
          }
          break;
        case OpKind::kDeleteIssue:
          line("- delete " + op->issue_key + ": " + op->summary, "31");
          break;
        case OpKind::kDeleteComment:
          line("- comment " + op->comment_id);
          break;
        case OpKind::kRestoreComment:
          line("+ comment " + op->comment_id + " put back");
          break;
        case OpKind::kDeleteLink:
          line("- link: " + op->link_phrase + " " + op->link_target);
          break;
        case OpKind::kSetProperty:
          line("restore the epicsync property", "2");
          break;
      }
    }
    out.push_back(std::move(block));
  }
  return out;
}

std::string render_orphans(const plan::Plan& p, const RenderStyle& s) {
  if (p.orphans.empty()) return "";
  std::ostringstream out;
  out << "\n" << paint(s, "1", "In Jira, not in the file") << " (" << p.orphans.size() << "):\n";
  const bool listed_only = std::any_of(p.orphans.begin(), p.orphans.end(),
                                       [](const plan::Orphan& o) { return o.action.empty(); });
  const size_t hidden = plan::show_some(p.orphans, [&](const plan::Orphan& o) {
    std::string what = o.subtask ? "sub-task of " + o.parent_key : "story " + o.identity;
    out << "  " << o.key << "  " << o.summary << "  (" << what << ", " << o.status << ")";
    if (o.action == "close") out << "  " << paint(s, "33", "→ closed by --prune");
    if (o.action == "delete") out << "  " << paint(s, "31", "→ deleted by --prune");
    if (o.action == "closed") out << "  (closed already)";
    out << "\n";
  });
  if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
  if (listed_only) {
    out << "  Left alone. --prune closes them (jira.prune: delete deletes them instead); "
           "--rollback undoes either.\n";
  }
  return out.str();
}

std::string render_plan_text(const plan::Plan& p, const RenderStyle& s) {
  std::ostringstream out;
  if (!p.problems.empty()) {
    out << paint(s, "31", "The plan cannot be made:") << "\n";
    const size_t hidden = plan::show_some(
        p.problems, [&](const std::string& problem) { out << "  - " << problem << "\n"; });
    if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
    return out.str();
  }
  if (p.empty()) {
    if (p.conflicts.empty()) {
      out << "Nothing to do: " << p.epic_key << " already says what the file says.\n";
    } else {
      out << "Nothing to write to " << p.epic_key << " but the conflicts below.\n";
    }
    out << render_orphans(p, s) << render_conflicts(p, s);
    return out.str();
  }
  for (const auto& block : plan_blocks(p)) {
    if (!block.key.empty()) {
      // The key in bold, the summary plain.
      out << paint(s, "1", block.key) << block.heading.substr(block.key.size()) << "\n";
    } else {
      out << (block.color ? paint(s, block.color, block.heading) : block.heading) << "\n";
    }
    for (const auto& line : block.lines) {
      out << "  " << (line.color ? paint(s, line.color, line.text) : line.text) << "\n";
      if (!line.diff.empty()) write_unified_diff(out, line.diff, "    ", s);
    }
  }
  const auto t = totals(p);
  out << "\nTotals: " << plural(t.stories_created, "story", "stories") << " to create, "
      << plural(t.subtasks_created, "sub-task", "sub-tasks") << " to create, "
      << plural(t.issues_updated, "issue", "issues") << " to update, "
      << plural(t.transitions, "transition", "transitions") << ", "
      << plural(t.comments, "comment", "comments") << ", " << plural(t.links, "link", "links")
      << (t.deletions > 0 ? ", " + plural(t.deletions, "deletion", "deletions") : std::string())
      << "\n";
  for (const auto& n : p.notes) out << paint(s, "33", "note") << ": " << n << "\n";
  out << render_orphans(p, s) << render_conflicts(p, s);
  return out.str();
}

std::string sync_summary(const PlanTotals& t) {
  std::vector<std::string> parts;
  if (t.stories_created > 0 || t.subtasks_created > 0) {
    std::string created = "created ";
    if (t.stories_created > 0) created += plural(t.stories_created, "story", "stories");
    if (t.stories_created > 0 && t.subtasks_created > 0) created += " and ";
    if (t.subtasks_created > 0) created += plural(t.subtasks_created, "sub-task", "sub-tasks");
    parts.push_back(created);
  }
  if (t.issues_updated > 0)
    parts.push_back("updated " + plural(t.issues_updated, "issue", "issues"));
  if (t.transitions > 0) {
    parts.push_back("made " + plural(t.transitions, "transition", "transitions"));
  }
  if (t.comments > 0) parts.push_back("posted " + plural(t.comments, "comment", "comments"));
  if (t.links > 0) parts.push_back("added " + plural(t.links, "link", "links"));
  if (t.deletions > 0) parts.push_back("deleted " + plural(t.deletions, "issue", "issues"));
  if (parts.empty()) return "nothing changed";
  return plan::join(parts);
}

nlohmann::json plan_to_json(const plan::Plan& p) {
  nlohmann::json ops = nlohmann::json::array();
  for (const auto& op : p.operations) {
    nlohmann::json j = {
        {"kind", kind_id(op.kind)},
        {"story", op.story_id},
        {"issue", op.issue_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(op.issue_key)},
        {"summary", op.summary}};
    if (!op.replaces_key.empty()) j["replaces"] = op.replaces_key;
    if (op.kind == OpKind::kDeleteIssue) j["with_subtasks"] = op.with_subtasks;
    if (!op.comment_id.empty()) j["comment_id"] = op.comment_id;
    if (op.kind == OpKind::kCreateStory || op.kind == OpKind::kCreateSubtask) {
      j["identity"] = op.draft.identity;
      j["parent"] = op.draft.parent_key.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(op.draft.parent_key);
    }
    if (op.kind == OpKind::kTransition) {
      j["status"] = status_change_json(
          op.from_status,
          op.target_status ? op.target_status->name : std::string(model::display_name(op.target)));
    } else if (!op.shown.empty() && op.kind != OpKind::kRecordIdentity) {
      j["changes"] = nlohmann::json::array();
      for (const auto& c : op.shown) {
        j["changes"].push_back(c.field == "Description"
                                   ? description_change_json(op.description_diff)
                                   : field_change_json(c));
      }
    }
    if (op.kind == OpKind::kAddLink || op.kind == OpKind::kDeleteLink) {
      j["link"] = {{"type", op.link_phrase}, {"target", op.link_target}};
      if (!op.link_target_story.empty()) j["link"]["story"] = op.link_target_story;
    }
    ops.push_back(j);
  }
  nlohmann::json orphans = nlohmann::json::array();
  for (const auto& o : p.orphans) {
    orphans.push_back(
        {{"issue", o.key},
         {"summary", o.summary},
         {"identity", o.identity},
         {"type", o.subtask ? "subtask" : "story"},
         {"parent", o.parent_key},
         {"status", o.status},
         {"action", o.action.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.action)}});
  }
  const auto t = totals(p);
  return {{"epic", p.epic_key},
          {"operations", ops},
          {"problems", p.problems},
          {"orphans", orphans},
          {"conflicts", conflicts_json(p)},
          {"totals",
           {{"stories_created", t.stories_created},
            {"subtasks_created", t.subtasks_created},
            {"issues_updated", t.issues_updated},
            {"transitions", t.transitions},
            {"comments", t.comments},
            {"links", t.links},
            {"deletions", t.deletions}}}};
}

}  // namespace epicsync::report

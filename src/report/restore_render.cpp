#include "report/restore_render.h"

#include <map>
#include <sstream>
#include <vector>

#include "report/json_vocabulary.h"
#include "report/text_style.h"

namespace epicsync::report {
namespace {

using plan::Operation;
using plan::OpKind;

std::string issue_of(const Operation& op) {
  return op.issue_key.empty() ? op.replaces_key : op.issue_key;
}

void write_op(std::ostream& out, const Operation& op, const RenderStyle& s) {
  switch (op.kind) {
    case OpKind::kUpdate:
      for (const auto& c : op.shown) {
        if (c.field == "Description") {
          out << "  restore Description:\n";
          write_unified_diff(out, op.description_diff, "      ", s);
        } else {
          out << "  restore " << c.field << ": " << c.before << " → " << c.after << "\n";
        }
      }
      break;
    case OpKind::kTransition:
      out << (op.from_status == "(new)" ? "  transition to "
                                        : "  transition back " + op.from_status + " → ")
          << (op.target_status ? op.target_status->name : std::string("?")) << "\n";
      break;
    case OpKind::kDeleteIssue:
      out << "  "
          << paint(s, "31",
                   std::string("delete ") + (op.draft.subtask ? "sub-task " : "story ") +
                       op.issue_key + ": " + op.summary +
                       (op.with_subtasks ? " (with its sub-tasks)" : ""))
          << "\n";
      for (const auto& c : op.shown) {
        out << "    " << paint(s, "31", "delete sub-task " + c.before + ": " + c.after) << "\n";
      }
      break;
    case OpKind::kCreateStory:
    case OpKind::kCreateSubtask:
      out << "  "
          << paint(s, "32",
                   "create again (deleted since the backup): " + op.summary +
                       (op.draft.parent_key.empty() ? "" : " under " + op.draft.parent_key))
          << "\n";
      break;
    case OpKind::kDeleteComment:
      out << "  remove comment " << op.comment_id << "\n";
      break;
    case OpKind::kRestoreComment:
      out << "  put back comment " << op.comment_id << "\n";
      break;
    case OpKind::kDeleteLink:
      out << "  remove link: " << op.link_phrase << " " << op.link_target << "\n";
      break;
    case OpKind::kAddLink:
      out << "  put back link: " << op.link_phrase << " " << op.link_target << "\n";
      break;
    case OpKind::kSetProperty:
      out << "  " << paint(s, "2", "restore epicsync's identity record") << "\n";
      break;
    case OpKind::kAddComment:
    case OpKind::kUpdateComment:
    case OpKind::kRecordIdentity:
      break;
  }
}

}  // namespace

RestoreTotals restore_totals(const plan::Plan& p, const std::set<size_t>& failed) {
  RestoreTotals t;
  std::set<std::string> restored;
  for (size_t i = 0; i < p.operations.size(); ++i) {
    if (failed.count(i)) continue;
    const Operation& op = p.operations[i];
    switch (op.kind) {
      case OpKind::kDeleteIssue:
        ++(op.draft.subtask ? t.subtasks_deleted : t.stories_deleted);
        // A story's sub-tasks go with it (listed in `shown`).
        t.subtasks_deleted += static_cast<int>(op.shown.size());
        break;
      case OpKind::kCreateStory:
      case OpKind::kCreateSubtask:
        ++t.issues_recreated;
        break;
      case OpKind::kTransition:
        ++t.transitions;
        restored.insert(issue_of(op));
        break;
      case OpKind::kDeleteComment:
        ++t.comments_removed;
        restored.insert(issue_of(op));
        break;
      case OpKind::kRestoreComment:
        ++t.comments_restored;
        restored.insert(issue_of(op));
        break;
      case OpKind::kDeleteLink:
        ++t.links_removed;
        restored.insert(issue_of(op));
        break;
      case OpKind::kAddLink:
        ++t.links_restored;
        restored.insert(issue_of(op));
        break;
      case OpKind::kUpdate:
      case OpKind::kSetProperty:
        restored.insert(issue_of(op));
        break;
      case OpKind::kAddComment:
      case OpKind::kUpdateComment:
      case OpKind::kRecordIdentity:
        break;
    }
  }
  // An issue created again is counted as such, not also as restored.
  for (const auto& op : p.operations) {
    if (op.kind == OpKind::kCreateStory || op.kind == OpKind::kCreateSubtask) {
      restored.erase(op.replaces_key);
    }
  }
  t.issues_restored = static_cast<int>(restored.size());
  return t;
}

std::string render_restore_plan(const plan::Plan& p, const RenderStyle& s) {
  std::ostringstream out;
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Operation*>> groups;
  for (const auto& op : p.operations) {
    const std::string g = issue_of(op);
    if (!groups.count(g)) order.push_back(g);
    groups[g].push_back(&op);
  }
  for (const auto& g : order) {
    out << paint(s, "1", g) << "  " << groups[g].front()->summary << "\n";
    for (const auto* op : groups[g]) write_op(out, *op, s);
  }
  out << render_conflicts(p, s);
  for (const auto& n : p.notes) out << paint(s, "33", "note") << ": " << n << "\n";
  return out.str();
}

std::string render_conflicts(const plan::Plan& p, const RenderStyle& s) {
  if (p.conflicts.empty()) return {};
  std::ostringstream out;
  out << paint(s, "33",
               "Conflicts (changed by someone else since; left alone, --force overwrites):")
      << "\n";
  const size_t hidden = plan::show_some(p.conflicts, [&](const plan::Conflict& c) {
    out << "  " << c.issue << " " << c.field << ": ";
    if (!c.file.empty()) {
      // A sync's: the three values a reviewer decides between.
      if (c.field == "Description") {
        out << "edited in Jira since epicsync wrote it; the file's text differs\n";
        if (!c.diff.empty()) write_unified_diff(out, c.diff, "    ", s);
      } else {
        out << "epicsync wrote '" << c.wrote << "', Jira now has '" << c.now << "', the file says '"
            << c.file << "'\n";
      }
    } else if (c.wrote.empty()) {
      out << "changed outside epicsync since the backup, now " << c.now << "\n";
    } else {
      out << "epicsync wrote " << c.wrote << ", now " << c.now << "\n";
    }
  });
  if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
  return out.str();
}

std::string restore_summary(const RestoreTotals& t, int conflicts) {
  // Only what happens: "8 sub-tasks deleted, 3 stories deleted", never a row of zeros.
  std::vector<std::string> parts;
  auto add = [&](int n, const char* one, const char* many, const char* done) {
    if (n > 0) parts.push_back(plural(n, one, many) + " " + done);
  };
  add(t.issues_restored, "issue", "issues", "restored");
  add(t.subtasks_deleted, "sub-task", "sub-tasks", "deleted");
  add(t.stories_deleted, "story", "stories", "deleted");
  add(t.issues_recreated, "issue", "issues", "created again");
  if (t.transitions > 0) parts.push_back(plural(t.transitions, "transition", "transitions"));
  add(t.comments_removed, "comment", "comments", "removed");
  add(t.comments_restored, "comment", "comments", "put back");
  add(t.links_removed, "link", "links", "removed");
  add(t.links_restored, "link", "links", "put back");
  if (conflicts > 0) parts.push_back(plural(conflicts, "conflict", "conflicts"));
  return parts.empty() ? "nothing changed" : plan::join(parts);
}

nlohmann::json restore_totals_json(const RestoreTotals& t) {
  return {{"issues_restored", t.issues_restored},
          {"subtasks_deleted", t.subtasks_deleted},
          {"stories_deleted", t.stories_deleted},
          {"issues_recreated", t.issues_recreated},
          {"transitions", t.transitions},
          {"comments_removed", t.comments_removed},
          {"comments_restored", t.comments_restored},
          {"links_removed", t.links_removed},
          {"links_restored", t.links_restored}};
}

nlohmann::json conflicts_json(const plan::Plan& p) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& c : p.conflicts) {
    nlohmann::json j = {
        {"issue", c.issue},
        {"field", field_id(c.field)},
        {"wrote", c.wrote.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.wrote)},
        {"now", c.now}};
    // A sync's conflict: what the file says, and for a description the diff to it.
    if (!c.file.empty()) j["file"] = c.file;
    if (!c.diff.empty()) j["diff"] = c.diff;
    all.push_back(std::move(j));
  }
  return all;
}

}  // namespace epicsync::report

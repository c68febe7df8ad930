#include "report/snapshot_diff.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "plan/display_text.h"
#include "plan/text_diff.h"
#include "report/json_vocabulary.h"
#include "report/text_style.h"

namespace epicsync::report {
namespace {

using tracker::EpicSnapshot;
using tracker::RemoteIssue;
using tracker::RemoteLink;
using ToMarkdown = std::function<std::string(const tracker::RichText&)>;

using plan::join;
using plan::number_text;

std::string render(const ToMarkdown& to_markdown, const tracker::RichText& text) {
  return to_markdown ? to_markdown(text) : text.raw;
}

std::string assignee_text(const RemoteIssue& i) {
  return i.assignee_display.empty() ? i.assignee : i.assignee_display;
}

// A link is what a reader sees ("blocks PROJ-9"): one deleted and made again is the same link.
auto link_identity(const RemoteLink& l) {
  return std::tie(l.type_name, l.phrase, l.other_key);
}

std::vector<RemoteLink> links_missing_from(const std::vector<RemoteLink>& from,
                                           const std::vector<RemoteLink>& other) {
  std::vector<RemoteLink> out;
  for (const auto& l : from) {
    bool found = false;
    for (const auto& o : other) found = found || link_identity(l) == link_identity(o);
    if (!found) out.push_back(l);
  }
  return out;
}

// Points are doubles; what Jira stores as 3 may come back as 3.0000000001 after arithmetic.
bool same_points(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::fabs(*a - *b) < 1e-9;
}

// Ids are compared when both sides have one, so a priority or status renamed in the tracker's
// settings does not look like a change to every issue.
bool same_by_id(const std::string& id_a, const std::string& name_a, const std::string& id_b,
                const std::string& name_b) {
  if (!id_a.empty() && !id_b.empty()) return id_a == id_b;
  return name_a == name_b;
}

// Labels are a set in Jira: order and repetition carry no meaning.
bool same_labels(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::set<std::string>(a.begin(), a.end()) == std::set<std::string>(b.begin(), b.end());
}

CommentCounts count_comments(const RemoteIssue& b, const RemoteIssue& a,
                             const ToMarkdown& to_markdown) {
  std::map<std::string, const tracker::RemoteComment*> before;
  for (const auto& c : b.comments) before[c.id] = &c;
  CommentCounts n;
  std::set<std::string> seen;
  for (const auto& c : a.comments) {
    seen.insert(c.id);
    auto it = before.find(c.id);
    if (it == before.end()) {
      ++n.added;
    } else if (render(to_markdown, it->second->body) != render(to_markdown, c.body)) {
      ++n.edited;
    }
  }
  for (const auto& c : b.comments) n.removed += seen.count(c.id) == 0;
  return n;
}

bool has_difference(const IssueDiff& d) {
  return !d.fields.empty() || !d.description_diff.empty() || d.status || !d.comments.empty() ||
         !d.links_added.empty() || !d.links_removed.empty() || !d.subtasks_added.empty() ||
         !d.subtasks_gone.empty();
}

// One issue in both snapshots: everything a person would notice had changed.
IssueDiff compare(const RemoteIssue& b, const RemoteIssue& a, IssueKind kind,
                  const ToMarkdown& to_markdown, const std::vector<tracker::FieldSpec>& specs) {
  IssueDiff d;
  d.key = a.key;
  d.kind = kind;
  d.summary = a.summary;
  d.parent_key = kind == IssueKind::kEpic ? "" : a.parent_key;
  auto field = [&](const std::string& name, std::string from, std::string to) {
    d.fields.push_back({name, std::move(from), std::move(to)});
  };
  if (b.summary != a.summary) field("Summary", b.summary, a.summary);
  if (!same_points(b.points, a.points)) {
    field("Story Points", b.points ? number_text(*b.points) : "",
          a.points ? number_text(*a.points) : "");
  }
  if (!same_by_id(b.priority_id, b.priority_name, a.priority_id, a.priority_name)) {
    field("Priority", b.priority_name, a.priority_name);
  }
  if (!same_labels(b.labels, a.labels)) field("Labels", join(b.labels), join(a.labels));
  if (b.assignee != a.assignee) field("Assignee", assignee_text(b), assignee_text(a));
  for (const auto& [key, before] : b.fields) {
    // Only a field both snapshots read can be compared (an older backup has none).
    auto after = a.fields.find(key);
    if (after != a.fields.end() && after->second != before) {
      const tracker::FieldSpec* spec = tracker::find_spec(specs, key);
      field(spec ? spec->name : tracker::field_name(key), join(before), join(after->second));
    }
  }
  if (b.resolution != a.resolution) field("Resolution", b.resolution, a.resolution);
  if (kind != IssueKind::kEpic && b.parent_key != a.parent_key) {
    field("Parent", b.parent_key, a.parent_key);
  }
  // Equal rendered text is equal content, whatever bytes the tracker returned (ADF key order,
  // a body rewritten from wiki markup); unified_diff is empty for texts that read alike.
  d.description_diff =
      plan::unified_diff(render(to_markdown, b.description), render(to_markdown, a.description));
  if (!same_by_id(b.status.id, b.status.name, a.status.id, a.status.name)) {
    d.status = StatusChange{b.status.name, a.status.name};
  }
  d.comments = count_comments(b, a, to_markdown);
  d.links_added = links_missing_from(a.links, b.links);
  d.links_removed = links_missing_from(b.links, a.links);
  return d;
}

class Differ {
 public:
  Differ(const EpicSnapshot& before, const EpicSnapshot& after, const ToMarkdown& to_markdown,
         const std::vector<tracker::FieldSpec>& specs)
      : before_(before), after_(after), to_markdown_(to_markdown), specs_(specs) {
    index(before_, before_by_key_, before_children_);
    index(after_, after_by_key_, after_children_);
  }

  SnapshotDiff run() {
    SnapshotDiff out;
    out.epic_key = after_.epic.key.empty() ? before_.epic.key : after_.epic.key;
    IssueDiff epic = compare(before_.epic, after_.epic, IssueKind::kEpic, to_markdown_, specs_);
    if (has_difference(epic)) out.issues.push_back(std::move(epic));

    // Stories as the tracker lists them now, then those gone; then any parent of a sub-task
    // that is in neither list, so no sub-task goes unreported.
    std::vector<std::string> parents;
    std::set<std::string> listed;
    listed.insert(out.epic_key);  // compared above; never a sub-task's parent in Jira
    auto add_parent = [&](const std::string& key) {
      if (!key.empty() && listed.insert(key).second) parents.push_back(key);
    };
    for (const auto& s : after_.stories) add_parent(s.key);
    for (const auto& s : before_.stories) add_parent(s.key);
    for (const auto& t : after_.subtasks) add_parent(t.parent_key);
    for (const auto& t : before_.subtasks) add_parent(t.parent_key);

    for (const auto& key : parents) story(key, out.issues);
    out.totals = totals_of(out.issues);
    return out;
  }

 private:
  static void index(const EpicSnapshot& s, std::map<std::string, const RemoteIssue*>& by_key,
                    std::map<std::string, std::vector<const RemoteIssue*>>& children) {
    by_key[s.epic.key] = &s.epic;
    for (const auto& i : s.stories) by_key[i.key] = &i;
    for (const auto& i : s.subtasks) {
      by_key[i.key] = &i;
      children[i.parent_key].push_back(&i);
    }
  }

  static const RemoteIssue* find(const std::map<std::string, const RemoteIssue*>& by_key,
                                 const std::string& key) {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
  }

  static const std::vector<const RemoteIssue*>& children_of(
      const std::map<std::string, std::vector<const RemoteIssue*>>& children,
      const std::string& key) {
    static const std::vector<const RemoteIssue*> kNone;
    auto it = children.find(key);
    return it == children.end() ? kNone : it->second;
  }

  // A story and its sub-tasks: the story's entry (when anything about it differs) followed by
  // the entries of its changed sub-tasks.
  void story(const std::string& key, std::vector<IssueDiff>& out) {
    const RemoteIssue* b = find(before_by_key_, key);
    const RemoteIssue* a = find(after_by_key_, key);
    IssueDiff d;
    if (a && b) {
      d = compare(*b, *a, IssueKind::kStory, to_markdown_, specs_);
    } else {
      d.key = key;
      d.kind = IssueKind::kStory;
      if (const RemoteIssue* only = a ? a : b) {
        d.change = a ? IssueChange::kAdded : IssueChange::kGone;
        d.summary = only->summary;
        d.parent_key = only->parent_key;
      }
      // Else a parent read in neither snapshot (a sub-task whose story is outside the epic):
      // listed by key as changed, so that its sub-tasks still have a heading.
    }
    std::vector<IssueDiff> changed_subtasks;
    for (const RemoteIssue* t : children_of(after_children_, key)) {
      if (const RemoteIssue* was = find(before_by_key_, t->key)) {
        IssueDiff s = compare(*was, *t, IssueKind::kSubtask, to_markdown_, specs_);
        if (has_difference(s)) changed_subtasks.push_back(std::move(s));
      } else {
        d.subtasks_added.push_back({t->key, t->summary});
      }
    }
    for (const RemoteIssue* t : children_of(before_children_, key)) {
      if (!find(after_by_key_, t->key)) d.subtasks_gone.push_back({t->key, t->summary});
    }
    if (d.change != IssueChange::kChanged || has_difference(d)) out.push_back(std::move(d));
    for (auto& s : changed_subtasks) out.push_back(std::move(s));
  }

  static SnapshotDiffTotals totals_of(const std::vector<IssueDiff>& issues) {
    SnapshotDiffTotals t;
    for (const auto& d : issues) {
      switch (d.change) {
        case IssueChange::kChanged:
          ++t.issues_changed;
          break;
        case IssueChange::kAdded:
          t.stories_added += d.kind == IssueKind::kStory;
          break;
        case IssueChange::kGone:
          t.stories_gone += d.kind == IssueKind::kStory;
          break;
      }
      t.subtasks_added += static_cast<int>(d.subtasks_added.size());
      t.subtasks_gone += static_cast<int>(d.subtasks_gone.size());
      t.status_transitions += d.status.has_value();
      t.comments_added += d.comments.added;
      t.comments_removed += d.comments.removed;
      t.comments_edited += d.comments.edited;
    }
    return t;
  }

  const EpicSnapshot& before_;
  const EpicSnapshot& after_;
  const ToMarkdown& to_markdown_;
  const std::vector<tracker::FieldSpec>& specs_;
  std::map<std::string, const RemoteIssue*> before_by_key_, after_by_key_;
  std::map<std::string, std::vector<const RemoteIssue*>> before_children_, after_children_;
};

const char* kind_id(IssueKind k) {
  switch (k) {
    case IssueKind::kEpic:
      return "epic";
    case IssueKind::kStory:
      return "story";
    case IssueKind::kSubtask:
      return "subtask";
  }
  return "";
}

const char* change_id(IssueChange c) {
  switch (c) {
    case IssueChange::kChanged:
      return "changed";
    case IssueChange::kAdded:
      return "added";
    case IssueChange::kGone:
      return "gone";
  }
  return "";
}

std::string shown(const std::string& value) {
  return value.empty() ? "-" : value;
}

nlohmann::json refs_json(const std::vector<IssueRef>& refs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : refs) out.push_back({{"key", r.key}, {"summary", r.summary}});
  return out;
}

nlohmann::json links_json(const std::vector<RemoteLink>& links) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : links) {
    out.push_back({{"type", l.type_name}, {"phrase", l.phrase}, {"key", l.other_key}});
  }
  return out;
}

std::string link_text(const RemoteLink& l) {
  return l.phrase + " " + l.other_key;
}

}  // namespace

SnapshotDiff diff_snapshots(const EpicSnapshot& before, const EpicSnapshot& after,
                            const ToMarkdown& to_markdown,
                            const std::vector<tracker::FieldSpec>& fields) {
  return Differ(before, after, to_markdown, fields).run();
}

std::string render_snapshot_diff_text(const SnapshotDiff& diff, const RenderStyle& s) {
  std::ostringstream out;
  if (diff.empty()) return render_snapshot_diff_summary(diff);
  auto added = [&](const std::string& indent, const IssueRef& r) {
    out << indent << paint(s, kGreen, "+ " + r.key + ": " + r.summary + " (NEW)") << "\n";
  };
  auto gone = [&](const std::string& indent, const IssueRef& r) {
    out << indent << paint(s, kRed, "- " + r.key + ": " + r.summary + " (GONE)") << "\n";
  };
  for (const auto& d : diff.issues) {
    if (d.change == IssueChange::kAdded) {
      added("", {d.key, d.summary});
      for (const auto& t : d.subtasks_added) added("  ", t);
      continue;
    }
    if (d.change == IssueChange::kGone) {
      gone("", {d.key, d.summary});
      for (const auto& t : d.subtasks_gone) gone("  ", t);
      continue;
    }
    out << paint(s, kBold, d.key) << "  " << d.summary;
    if (d.kind == IssueKind::kEpic) out << " (epic)";
    if (d.kind == IssueKind::kSubtask) out << " (sub-task of " << d.parent_key << ")";
    out << "\n";
    for (const auto& f : d.fields) {
      out << "  " << f.field << ": " << shown(f.before) << " → " << shown(f.after) << "\n";
    }
    if (d.status) out << "  Status: " << d.status->from << " → " << d.status->to << "\n";
    if (!d.description_diff.empty()) {
      out << "  Description:\n";
      write_unified_diff(out, d.description_diff, "    ", s);
    }
    if (!d.comments.empty()) {
      std::vector<std::string> parts;
      if (d.comments.added) parts.push_back(std::to_string(d.comments.added) + " added");
      if (d.comments.removed) parts.push_back(std::to_string(d.comments.removed) + " removed");
      if (d.comments.edited) parts.push_back(std::to_string(d.comments.edited) + " edited");
      out << "  Comments: " << join(parts) << "\n";
    }
    for (const auto& l : d.links_added) {
      out << "  " << paint(s, kGreen, "+ link: " + link_text(l)) << "\n";
    }
    for (const auto& l : d.links_removed) {
      out << "  " << paint(s, kRed, "- link: " + link_text(l)) << "\n";
    }
    for (const auto& t : d.subtasks_added) added("  ", t);
    for (const auto& t : d.subtasks_gone) gone("  ", t);
  }
  out << "\n" << render_snapshot_diff_summary(diff);
  return out.str();
}

std::string render_snapshot_diff_summary(const SnapshotDiff& diff) {
  if (diff.empty()) return "No differences in " + diff.epic_key + ".\n";
  // The three counts a reader always looks for are always there; the rarer ones only when
  // they happened, so the line stays short.
  const auto& t = diff.totals;
  std::vector<std::string> parts = {"Issues changed: " + std::to_string(t.issues_changed)};
  auto optional = [&](const char* what, int n) {
    if (n) parts.push_back(what + std::string(": ") + std::to_string(n));
  };
  optional("Stories added", t.stories_added);
  optional("Stories gone", t.stories_gone);
  parts.push_back("Subtasks added: " + std::to_string(t.subtasks_added));
  optional("Subtasks gone", t.subtasks_gone);
  parts.push_back("Status transitions: " + std::to_string(t.status_transitions));
  optional("Comments added", t.comments_added);
  optional("Comments removed", t.comments_removed);
  optional("Comments edited", t.comments_edited);
  return join(parts) + "\n";
}

nlohmann::json snapshot_diff_to_json(const SnapshotDiff& diff) {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& d : diff.issues) {
    nlohmann::json j = {{"key", d.key},
                        {"kind", kind_id(d.kind)},
                        {"change", change_id(d.change)},
                        {"summary", d.summary},
                        {"parent", text_or_null(d.parent_key)}};
    if (d.change == IssueChange::kChanged) {
      nlohmann::json changes = nlohmann::json::array();
      for (const auto& f : d.fields) changes.push_back(field_change_json(f));
      if (!d.description_diff.empty()) {
        changes.push_back(description_change_json(d.description_diff));
      }
      j["changes"] = changes;
      j["status"] =
          d.status ? status_change_json(d.status->from, d.status->to) : nlohmann::json(nullptr);
      j["comments"] = {{"added", d.comments.added},
                       {"removed", d.comments.removed},
                       {"edited", d.comments.edited}};
      j["links"] = {{"added", links_json(d.links_added)}, {"removed", links_json(d.links_removed)}};
    }
    if (d.kind == IssueKind::kStory) {
      j["subtasks"] = {{"added", refs_json(d.subtasks_added)},
                       {"gone", refs_json(d.subtasks_gone)}};
    }
    issues.push_back(std::move(j));
  }
  const auto& t = diff.totals;
  return {{"identical", diff.empty()},
          {"issues", issues},
          {"totals",
           {{"issues_changed", t.issues_changed},
            {"stories_added", t.stories_added},
            {"stories_gone", t.stories_gone},
            {"subtasks_added", t.subtasks_added},
            {"subtasks_gone", t.subtasks_gone},
            {"status_transitions", t.status_transitions},
            {"comments_added", t.comments_added},
            {"comments_removed", t.comments_removed},
            {"comments_edited", t.comments_edited}}}};
}

}  // namespace epicsync::report

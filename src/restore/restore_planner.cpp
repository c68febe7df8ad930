#include "restore/restore_planner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "plan/display_text.h"
#include "plan/text_diff.h"
#include "tracker/identity_property.h"
#include "tracker/tracker.h"

namespace epicsync::restore {
namespace {

using nlohmann::json;
using plan::Conflict;
using plan::Operation;
using plan::OpKind;
using tracker::RemoteIssue;
using tracker::RichText;

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

using plan::number_text;

// Labels as a set: sorted, so the order Jira returns them in does not show.
std::string sorted_join(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return plan::join(items);
}

RichText rich_text_of(const json& v) {
  RichText t;
  const std::string format = v.value("format", "empty");
  t.format = format == "adf"    ? RichText::Format::kAdf
             : format == "wiki" ? RichText::Format::kWiki
                                : RichText::Format::kEmpty;
  t.raw = v.value("raw", "");
  return t;
}

bool same_text(const RichText& a, const RichText& b, const plan::RichTextOps& ops) {
  if (a == b) return true;
  if (!ops.same || !ops.to_markdown) return false;
  return ops.same(a, ops.to_markdown(b));
}

// Whether the issue holds `written`, a value in the journal's "sent" form.
bool holds(const std::string& field, const RemoteIssue& r, const json& written,
           const plan::RichTextOps& ops) {
  if (field == "summary") return written.is_string() && written.get<std::string>() == r.summary;
  if (field == "description") {
    if (!written.is_object()) return false;
    if (written.contains("markdown")) {
      return ops.same && ops.same(r.description, written.value("markdown", ""));
    }
    return same_text(r.description, rich_text_of(written), ops);
  }
  if (field == "points") {
    if (written.is_null()) return !r.points;
    return written.is_number() && r.points && std::fabs(*r.points - written.get<double>()) < 1e-9;
  }
  if (field == "priority") {
    return written.is_string() && lower(written.get<std::string>()) == lower(r.priority_name);
  }
  if (field == "labels") {
    if (!written.is_array()) return false;
    std::set<std::string> want;
    for (const auto& l : written) {
      if (l.is_string()) want.insert(l.get<std::string>());
    }
    return want == std::set<std::string>(r.labels.begin(), r.labels.end());
  }
  if (field == "assignee") return written.is_string() && written.get<std::string>() == r.assignee;
  if (auto key = tracker::field_of_journal_key(field)) {
    // Journalled in canonical form, as the issue's own value is read.
    if (!written.is_array()) return false;
    tracker::FieldValue want;
    for (const auto& v : written) {
      if (v.is_string()) want.push_back(v.get<std::string>());
    }
    // A field not read now (no longer configured) shows no edit: nothing says otherwise.
    auto it = r.fields.find(*key);
    return it == r.fields.end() || it->second == want;
  }
  return false;
}

std::string written_text(const std::string& field, const json& v) {
  if (v.is_null()) return "-";
  if (field == "description") {
    if (v.contains("markdown"))
      return "(a description of " + std::to_string(v.value("markdown", "").size()) + " bytes)";
    return "(a description)";
  }
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_number()) return number_text(v.get<double>());
  if (v.is_array() && v.empty()) return "-";
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& i : v) items.push_back(i.is_string() ? i.get<std::string>() : i.dump());
    return sorted_join(items);
  }
  return v.dump();
}

const char* shown_name(const std::string& field) {
  if (field == "summary") return "Summary";
  if (field == "description") return "Description";
  if (field == "points") return "Story Points";
  if (field == "priority") return "Priority";
  if (field == "labels") return "Labels";
  if (field == "assignee") return "Assignee";
  if (field == "status") return "Status";
  return "Field";
}

// A resolution that says the work was dropped rather than done.
bool dropped(const std::string& resolution) {
  const std::string r = lower(resolution);
  return r.find("won") != std::string::npos || r.find("cancel") != std::string::npos ||
         r.find("duplicate") != std::string::npos || r.find("declin") != std::string::npos;
}

json property_json(const RemoteIssue& r) {
  auto it = r.properties.find(tracker::kPropertyKey);
  if (it == r.properties.end()) return nullptr;
  auto j = json::parse(it->second, nullptr, false);
  return j.is_discarded() ? json(it->second) : j;
}

class Restorer {
 public:
  Restorer(const tracker::EpicSnapshot& backup, const tracker::EpicSnapshot& current,
           const WriteHistory& since, const WriteHistory& undo, const RestoreOptions& o)
      : backup_(backup), current_(current), since_(since), undo_(undo), o_(o) {
    index(backup_, backup_by_key_);
    index(current_, current_by_key_);
    index_identities();
  }

  Result<plan::Plan> run() {
    plan_.epic_key = current_.epic.key.empty() ? backup_.epic.key : current_.epic.key;
    if (auto checked = check_filters(); !checked.ok()) return checked.error();

    restore_existing(backup_.epic);
    for (const auto& s : backup_.stories) restore_or_recreate(s);
    for (const auto& s : backup_.subtasks) restore_or_recreate(s);
    for (const auto& s : current_.stories) remove_if_new(s);
    for (const auto& s : current_.subtasks) remove_if_new(s);
    return std::move(plan_);
  }

 private:
  static void index(const tracker::EpicSnapshot& s, std::map<std::string, const RemoteIssue*>& by) {
    by[s.epic.key] = &s.epic;
    for (const auto& i : s.stories) by[i.key] = &i;
    for (const auto& i : s.subtasks) by[i.key] = &i;
  }

  const RemoteIssue* in_backup(const std::string& key) const {
    auto it = backup_by_key_.find(key);
    return it == backup_by_key_.end() ? nullptr : it->second;
  }
  const RemoteIssue* in_current(const std::string& key) const {
    auto it = current_by_key_.find(key);
    return it == current_by_key_.end() ? nullptr : it->second;
  }

  // The story id an issue belongs to: its own identity for a story, its story's for a sub-task.
  std::string story_of(const RemoteIssue& r) const {
    if (!r.subtask) return tracker::identity_of(r);
    const RemoteIssue* parent = in_current(r.parent_key);
    if (!parent) parent = in_backup(r.parent_key);
    return parent ? tracker::identity_of(*parent) : std::string();
  }

  bool in_scope(const RemoteIssue& r) const {
    if (!o_.issues.empty() && !o_.issues.count(r.key)) {
      // A sub-task is part of a story named with --issue.
      if (!r.subtask || !o_.issues.count(r.parent_key)) return false;
    }
    if (!o_.stories.empty()) {
      if (&r == &backup_.epic || &r == &current_.epic) return false;
      if (!o_.stories.count(story_of(r))) return false;
    }
    return true;
  }

  Result<tracker::Done> check_filters() const {
    for (const auto& key : o_.issues) {
      if (!in_backup(key) && !in_current(key)) {
        return Error{ErrorKind::kUsage, "no issue " + key + " in the backup or the epic",
                     "--issue takes a key of the epic, a story or a sub-task"};
      }
    }
    for (const auto& id : o_.stories) {
      bool known = false;
      for (const auto* snap : {&backup_, &current_}) {
        for (const auto& s : snap->stories) known = known || tracker::identity_of(s) == id;
      }
      if (!known) {
        return Error{ErrorKind::kUsage, "no story " + id + " in the backup or the epic",
                     "--story takes a story id such as US-001"};
      }
    }
    return tracker::Done{};
  }

  // Whether the rollback undoes this: the sync's journal wrote it (restores undo everything).
  bool undoing(const std::string& key) const {
    return o_.mode == RestoreMode::kRestore || undo_.touched(key);
  }
  const IssueWrites* undone(const std::string& key) const {
    return o_.mode == RestoreMode::kRestore ? since_.find(key) : undo_.find(key);
  }

  // A field as reports name it: a field of the table by its name in the table (Components, the
  // jira.fields name of a custom field), the others by their ids (summary, labels).
  std::string label(const std::string& field) const {
    auto key = tracker::field_of_journal_key(field);
    if (!key) return field;
    const tracker::FieldSpec* spec = tracker::find_spec(o_.fields, *key);
    return spec ? spec->name : tracker::field_name(*key);
  }

  void conflict(const std::string& key, const std::string& field, std::string wrote,
                std::string now) {
    // A field of the table is named by its Jira id (components, customfield_10040).
    plan_.conflicts.push_back({key, label(field), std::move(wrote), std::move(now), "", ""});
  }

  // Whether a change to `field` since the backup may be undone: epicsync made it (the issue still
  // holds what it last wrote), or --force. Otherwise it is a conflict.
  bool ours_to_undo(const RemoteIssue& now, const std::string& field, const Written* last,
                    const std::string& now_text, const std::string& wrote_text) {
    if (o_.force) return true;
    if (last && still_holds(field, now, *last)) return true;
    conflict(now.key, field, last ? wrote_text : "", now_text);
    return false;
  }

  // Whether the issue holds a value epicsync wrote (or may have written, when the answer never
  // came) and nobody changed since.
  bool still_holds(const std::string& field, const RemoteIssue& now, const Written& w) const {
    if (field == "status") {
      if (w.anywhere) return true;
      return std::any_of(w.possible.begin(), w.possible.end(), [&](const json& v) {
        return v.is_string() && v.get<std::string>() == now.status.name;
      });
    }
    return std::any_of(w.possible.begin(), w.possible.end(),
                       [&](const json& v) { return holds(field, now, v, o_.rich_text); });
  }

  // An operation on an issue that exists now.
  Operation op_on(const RemoteIssue& now, OpKind kind) const {
    Operation op;
    op.kind = kind;
    op.issue_key = now.key;
    op.summary = now.summary;
    op.story_id = story_of(now);
    return op;
  }

  void restore_or_recreate(const RemoteIssue& b) {
    if (in_current(b.key)) {
      restore_existing(b);
      return;
    }
    // Brought back by an earlier restore under a new key: the journals say so, or (that
    // restore's journal is in another store, the backup imported) the epic holds an issue of the
    // same identity that the backup does not. Creating it again would make a second copy.
    const RemoteIssue* now = nullptr;
    if (auto it = since_.recreated.find(b.key); it != since_.recreated.end()) {
      now = in_current(it->second);
    }
    if (!now) now = same_identity_since(b);
    if (now) {
      RemoteIssue moved = b;
      moved.key = now->key;
      restore_existing(moved, now);
      return;
    }
    if (!in_scope(b)) return;
    if (o_.mode == RestoreMode::kRollback && !o_.force) {
      // The sync deleted it (a second copy of one of its own creates): bring it back. Any other
      // deletion is someone else's.
      const IssueWrites* w = undo_.find(b.key);
      // A sub-task goes with its story when the sync deletes the story (--prune, a duplicate).
      const IssueWrites* parent = b.subtask ? undo_.find(b.parent_key) : nullptr;
      if ((w && w->deleted) || (!w && parent && parent->deleted)) {
        recreate(b);
        return;
      }
      if (w) conflict(b.key, "issue", "", "deleted");
      return;
    }
    recreate(b);
  }

  // Whether `now` (not in the backup) carries the identity of a backup issue that is gone: it is
  // that issue brought back, restored in its place, never deleted as new.
  bool stands_for_backup_issue(const RemoteIssue& now) const {
    return gone_identities_.count({tracker::identity_of(now), now.subtask}) > 0;
  }

  // An issue of the epic now, not in the backup, recorded under `b`'s identity.
  const RemoteIssue* same_identity_since(const RemoteIssue& b) const {
    auto it = new_by_identity_.find({tracker::identity_of(b), b.subtask});
    return it == new_by_identity_.end() ? nullptr : it->second;
  }

  // Both sides of "brought back under another key", by identity, built once: backup issues that
  // are gone, and issues of the epic that the backup does not hold.
  void index_identities() {
    for (const auto* list : {&backup_.stories, &backup_.subtasks}) {
      for (const auto& b : *list) {
        const std::string identity = tracker::identity_of(b);
        if (!identity.empty() && !in_current(b.key)) gone_identities_.insert({identity, b.subtask});
      }
    }
    for (const auto* list : {&current_.stories, &current_.subtasks}) {
      for (const auto& r : *list) {
        const std::string identity = tracker::identity_of(r);
        if (!identity.empty() && !in_backup(r.key))
          new_by_identity_.emplace(std::pair{identity, r.subtask}, &r);
      }
    }
  }

  // Fields, status, comments, links and the identity property of an issue that still exists.
  void restore_existing(const RemoteIssue& b, const RemoteIssue* now = nullptr) {
    if (!now) now = in_current(b.key);
    if (!now || !in_scope(*now) || !undoing(b.key)) return;
    const IssueWrites* last = since_.find(b.key);
    const IssueWrites* mine = undone(b.key);

    if (mine) {
      for (const auto& [field, written] : mine->fields) {
        auto key = tracker::field_of_journal_key(field);
        if (key && !now->fields.count(*key)) {
          plan_.notes.push_back(now->key + ": " + label(field) +
                                " was written by that sync but is not managed any more "
                                "(jira.fields), so it is left as it is");
        }
      }
    }
    Operation update = op_on(*now, OpKind::kUpdate);
    for (const std::string& field : restored_fields(b)) {
      if (same_field(field, *now, b, o_.rich_text)) continue;
      if (o_.mode == RestoreMode::kRollback && !(mine && mine->fields.count(field))) continue;
      const Written* w = nullptr;
      if (last) {
        if (auto it = last->fields.find(field); it != last->fields.end()) w = &it->second;
      }
      if (!ours_to_undo(*now, field, w, field_text(field, *now),
                        w ? written_text(field, w->value) : "")) {
        continue;
      }
      set_change(update, field, *now, b);
    }
    if (!update.changes.empty()) plan_.operations.push_back(std::move(update));

    if (now->status.name != b.status.name && !b.status.name.empty() &&
        (o_.mode == RestoreMode::kRestore || (mine && mine->status))) {
      const Written* w = last && last->status ? &*last->status : nullptr;
      if (ours_to_undo(*now, "status", w, now->status.name,
                       w && w->value.is_string() ? w->value.get<std::string>() : "")) {
        Operation t = op_on(*now, OpKind::kTransition);
        t.target_status = b.status;
        t.cancel = dropped(b.resolution);
        t.from_status = now->status.name;
        t.shown.push_back({"Status", now->status.name, b.status.name});
        plan_.operations.push_back(std::move(t));
      }
    }
    restore_comments(b, *now, mine);
    restore_links(b, *now, mine);
    restore_property(b, *now, mine);
  }

  void set_change(Operation& op, const std::string& field, const RemoteIssue& now,
                  const RemoteIssue& b) {
    auto& c = op.changes;
    if (field == "summary") c.summary = b.summary;
    if (field == "points") c.points = b.points;
    if (field == "priority") {
      if (b.priority_name.empty()) {
        plan_.notes.push_back(now.key + ": the backup has no priority; Jira cannot clear it, " +
                              "so it stays " + now.priority_name);
        return;
      }
      c.priority_name = b.priority_name;
    }
    if (field == "labels") c.labels = b.labels;
    if (field == "assignee") c.assignee = b.assignee;
    if (auto key = tracker::field_of_journal_key(field)) {
      c.fields[*key] = b.fields.at(*key);
      op.shown.push_back({label(field), field_text(field, now), field_text(field, b)});
      return;
    }
    if (field == "description") {
      c.description_raw = b.description;
      const auto& ops = o_.rich_text;
      if (ops.to_markdown) {
        op.description_diff =
            plan::unified_diff(ops.to_markdown(now.description), ops.to_markdown(b.description));
      }
      op.shown.push_back({"Description", "", ""});
      return;
    }
    op.shown.push_back({shown_name(field), field_text(field, now), field_text(field, b)});
  }

  // Comments epicsync added since are removed; those it replaced or removed are put back.
  void restore_comments(const RemoteIssue& b, const RemoteIssue& now, const IssueWrites* mine) {
    if (!mine) return;
    std::set<std::string> in_backup_ids, now_ids;
    for (const auto& c : b.comments) in_backup_ids.insert(c.id);
    for (const auto& c : now.comments) now_ids.insert(c.id);
    const IssueWrites* last = since_.find(now.key);

    // Backup comments already put back under a new id: by an earlier restore's journal, or,
    // when its answer never came, by the same body on a comment the backup does not have.
    std::map<std::string, std::string>& stands_for = stands_for_[now.key];
    std::set<std::string> taken;
    for (const auto& c : b.comments) {
      if (now_ids.count(c.id)) continue;
      if (last) {
        auto it = last->comments_restored.find(c.id);
        if (it != last->comments_restored.end() && now_ids.count(it->second)) {
          stands_for[c.id] = it->second;
          taken.insert(it->second);
          continue;
        }
      }
      if (!last || !last->restores_pending) continue;
      for (const auto& d : now.comments) {
        if (in_backup_ids.count(d.id) || taken.count(d.id)) continue;
        if (same_text(d.body, c.body, o_.rich_text)) {
          stands_for[c.id] = d.id;
          taken.insert(d.id);
          break;
        }
      }
    }

    for (const auto& c : now.comments) {
      if (in_backup_ids.count(c.id) || taken.count(c.id)) continue;
      // Ours: its id is in the journal, or a post whose answer never came has its body.
      const bool ours = mine->comments_added.count(c.id) > 0 ||
                        std::any_of(mine->comments_pending.begin(), mine->comments_pending.end(),
                                    [&](const std::string& md) {
                                      return o_.rich_text.same && o_.rich_text.same(c.body, md);
                                    });
      if (!ours) continue;
      Operation op = op_on(now, OpKind::kDeleteComment);
      op.comment_id = c.id;
      plan_.operations.push_back(std::move(op));
    }
    for (const auto& c : b.comments) {
      if (now_ids.count(c.id) || stands_for.count(c.id) || !mine->comments_removed.count(c.id)) {
        continue;
      }
      Operation op = op_on(now, OpKind::kRestoreComment);
      op.comment_id = c.id;
      op.comment_body = c.body;
      plan_.operations.push_back(std::move(op));
    }
  }

  bool link_added_by_us(const std::string& key, const tracker::RemoteLink& l,
                        const IssueWrites* mine) const {
    // Jira may show the phrase in another case than the one written.
    if (mine &&
        std::any_of(mine->links_added.begin(), mine->links_added.end(), [&](const auto& added) {
          return lower(added.first) == lower(l.phrase) && added.second == l.other_key;
        })) {
      return true;
    }
    // Added from the other end: that issue's journal names this one as the target.
    const IssueWrites* other = undone(l.other_key);
    return other && std::any_of(other->links_added.begin(), other->links_added.end(),
                                [&](const auto& added) { return added.second == key; });
  }

  void restore_links(const RemoteIssue& b, const RemoteIssue& now, const IssueWrites* mine) {
    std::set<std::string> backup_ids;
    for (const auto& l : b.links) backup_ids.insert(l.id);
    for (const auto& l : now.links) {
      if (backup_ids.count(l.id) || planned_links_.count(l.id)) continue;
      if (!link_added_by_us(now.key, l, mine)) continue;
      planned_links_.insert(l.id);
      Operation op = op_on(now, OpKind::kDeleteLink);
      op.link_id = l.id;
      op.link_phrase = l.phrase;
      op.link_target = l.other_key;
      plan_.operations.push_back(std::move(op));
    }
    if (!mine) return;
    for (const auto& l : b.links) {
      const bool still = std::any_of(now.links.begin(), now.links.end(), [&](const auto& n) {
        return n.id == l.id || (lower(n.phrase) == lower(l.phrase) && n.other_key == l.other_key);
      });
      if (still || !mine->links_removed.count({l.phrase, l.other_key})) continue;
      add_link(now.key, now.summary, story_of(now), l);
    }
  }

  void add_link(const std::string& key, const std::string& summary, const std::string& story,
                const tracker::RemoteLink& l) {
    const std::string target = current_key_of(l.other_key);
    if (target.empty()) {
      plan_.notes.push_back(key + ": the link '" + l.phrase + " " + l.other_key +
                            "' cannot come back: " + l.other_key + " no longer exists");
      return;
    }
    Operation op;
    op.kind = OpKind::kAddLink;
    op.issue_key = key;
    op.summary = summary;
    op.story_id = story;
    op.link_phrase = l.phrase;
    op.link_target = target;
    plan_.operations.push_back(std::move(op));
  }

  std::string current_key_of(const std::string& key) const {
    if (in_current(key)) return key;
    auto it = since_.recreated.find(key);
    if (it != since_.recreated.end() && in_current(it->second)) return it->second;
    return {};
  }

  // The property as the backup holds it, naming comments put back earlier by their new ids.
  std::string backup_property(const RemoteIssue& b) const {
    json p = property_json(b);
    if (p.is_null()) return {};
    const IssueWrites* last = since_.find(b.key);
    const auto found = stands_for_.find(b.key);
    if (p.is_object() && p.contains("comments") && p["comments"].is_object()) {
      for (auto& [name, record] : p["comments"].items()) {
        if (!record.is_object()) continue;
        const std::string id = record.value("id", "");
        if (found != stands_for_.end() && found->second.count(id)) {
          record["id"] = found->second.at(id);
        } else if (last && last->comments_restored.count(id)) {
          record["id"] = last->comments_restored.at(id);
        }
      }
    }
    return p.dump();
  }

  void restore_property(const RemoteIssue& b, const RemoteIssue& now, const IssueWrites* mine) {
    if (o_.mode == RestoreMode::kRollback && !(mine && mine->property_written)) return;
    const std::string wanted = backup_property(b);
    // The run trace (the last run that wrote the issue) is no part of what is restored: the run
    // that restores it stamps its own.
    const auto untraced = [](json p) {
      if (p.is_object()) {
        p.erase("run");
        p.erase("prior");
      }
      return p;
    };
    const json have = untraced(property_json(now));
    if ((wanted.empty() && have.is_null()) ||
        (!wanted.empty() && untraced(json::parse(wanted, nullptr, false)) == have)) {
      return;
    }
    Operation op = op_on(now, OpKind::kSetProperty);
    op.property_json = wanted;
    plan_.operations.push_back(std::move(op));
  }

  // An issue of the backup that is gone: created again with its fields, status, comments, links
  // and identity, so that the next sync finds it.
  void recreate(const RemoteIssue& b) {
    const std::string identity = tracker::identity_of(b);
    if (identity.empty()) {
      plan_.notes.push_back(b.key + " '" + b.summary +
                            "' was deleted and cannot be created again: epicsync never managed "
                            "it (it has no recorded identity)");
      return;
    }
    Operation op;
    op.kind = b.subtask ? OpKind::kCreateSubtask : OpKind::kCreateStory;
    op.story_id = b.subtask ? story_of(b) : identity;
    op.summary = b.summary;
    op.replaces_key = b.key;
    auto& d = op.draft;
    d.identity = identity;
    d.subtask = b.subtask;
    d.summary = b.summary;
    d.description_raw = b.description;
    d.points = b.points;
    if (!b.priority_name.empty()) d.priority_name = b.priority_name;
    d.labels = b.labels;
    if (!b.assignee.empty()) d.assignee = b.assignee;
    for (const auto& [key, value] : b.fields) {
      // Set only the fields this project's table still has, on this type's create screen: Jira
      // refuses the whole create for one field it cannot set.
      const tracker::FieldSpec* spec = tracker::find_spec(o_.fields, key);
      const bool on_screen = spec && (b.subtask ? spec->on_subtask : spec->on_story);
      if (on_screen && !value.empty()) {
        d.fields[key] = value;
      } else if (!value.empty()) {
        plan_.notes.push_back(
            b.key + ": its " + label(tracker::journal_key(key)) + " (" +
            tracker::value_text(value) + ") is not set again: " +
            (spec ? "the field is not on the create screen" : "the field is not managed any more"));
      }
    }
    if (b.subtask) {
      d.parent_key = current_key_of(b.parent_key);
      if (d.parent_key.empty()) {
        const RemoteIssue* parent = in_backup(b.parent_key);
        if (!parent || tracker::identity_of(*parent).empty()) {
          plan_.notes.push_back(b.key + " cannot be created again: its story " + b.parent_key +
                                " is gone too");
          return;
        }
        op.parent_story_id = tracker::identity_of(*parent);
      }
    } else {
      d.parent_key = current_.epic.key.empty() ? b.parent_key : current_.epic.key;
    }
    plan_.operations.push_back(op);

    // What the new issue still needs, found by its identity once it exists.
    auto later = [&](OpKind kind) {
      Operation l;
      l.kind = kind;
      l.story_id = identity;
      l.draft.identity = identity;
      l.draft.subtask = b.subtask;
      l.summary = b.summary;
      l.replaces_key = b.key;
      return l;
    };
    if (!b.status.name.empty()) {
      Operation t = later(OpKind::kTransition);
      t.target_status = b.status;
      t.cancel = dropped(b.resolution);
      t.from_status = "(new)";
      plan_.operations.push_back(std::move(t));
    }
    for (const auto& c : b.comments) {
      Operation r = later(OpKind::kRestoreComment);
      r.comment_id = c.id;
      r.comment_body = c.body;
      plan_.operations.push_back(std::move(r));
    }
    for (const auto& l : b.links) {
      const std::string target = current_key_of(l.other_key);
      if (target.empty()) continue;  // the other end brings it back, if it comes back
      Operation a = later(OpKind::kAddLink);
      a.link_phrase = l.phrase;
      a.link_target = target;
      plan_.operations.push_back(std::move(a));
    }
    Operation p = later(OpKind::kSetProperty);
    p.property_json = backup_property(b);
    plan_.operations.push_back(std::move(p));
  }

  // What changed on an issue epicsync created, compared with how it created it (empty: nothing).
  std::string edited_since_created(const RemoteIssue& now, const IssueWrites* w) const {
    if (w && w->created && w->created_with.is_object()) {
      for (const auto& [field, sent] : w->created_with.items()) {
        const bool managed = std::find(std::begin(kRestoredFields), std::end(kRestoredFields),
                                       field) != std::end(kRestoredFields) ||
                             tracker::field_of_journal_key(field);
        if (!managed) continue;
        // The last value epicsync wrote counts: a later sync may have changed it.
        if (w->fields.count(field) ? !still_holds(field, now, w->fields.at(field))
                                   : !holds(field, now, sent, o_.rich_text)) {
          return field;
        }
      }
      if (w->status && !still_holds("status", now, *w->status)) return "status";
      if (!w->status && now.status.category != tracker::StatusCategory::kToDo &&
          now.status.category != tracker::StatusCategory::kUnknown) {
        return "status";
      }
    }
    for (const auto& c : now.comments) {
      if (!w || !w->comments_added.count(c.id)) return "comments";
    }
    return {};
  }

  // Whether an issue not in the backup is epicsync's: created by a run since (journal), or by
  // a run whose answer was lost (its identity is among the creates without an outcome).
  const IssueWrites* created_by_us(const RemoteIssue& now, const WriteHistory& h,
                                   bool& pending) const {
    pending = false;
    const IssueWrites* w = h.find(now.key);
    if (w && w->created) return w;
    const std::string identity = tracker::identity_of(now);
    if (!identity.empty() && h.pending_creates.count(identity)) {
      pending = true;
      return w;
    }
    return nullptr;
  }

  void remove_if_new(const RemoteIssue& now) {
    if (in_backup(now.key) || !in_scope(now)) return;
    for (const auto& [old, fresh] : since_.recreated) {
      if (fresh == now.key && in_backup(old)) return;  // stands for a backup issue
    }
    if (stands_for_backup_issue(now)) return;
    bool pending = false;
    const WriteHistory& h = o_.mode == RestoreMode::kRestore ? since_ : undo_;
    const IssueWrites* w = created_by_us(now, h, pending);
    const bool ours = w != nullptr || pending;

    if (!now.subtask && o_.mode == RestoreMode::kRestore) {
      plan_.notes.push_back("kept " + now.key + " '" + now.summary +
                            "': created since the backup (a restore never deletes stories)");
      return;
    }
    if (now.subtask) {
      const bool parent_new = !in_backup(now.parent_key);
      // A sub-task of a story created since goes with its story: deleted with it by a
      // rollback, kept with it by a restore.
      if (parent_new && in_current(now.parent_key)) return;
    }
    if (!ours) {
      if (o_.mode == RestoreMode::kRollback) return;  // not this sync's
      if (!o_.force) {
        conflict(now.key, "issue", "", "created since the backup, not by epicsync");
        return;
      }
    } else if (!o_.force) {
      if (std::string edited = edited_since_created(now, w); !edited.empty()) {
        conflict(now.key, "issue", "created by epicsync", "edited since: " + label(edited));
        return;
      }
    }
    bool with_subtasks = false;
    if (!now.subtask) {
      // A story goes with its sub-tasks; each must be one this sync made and nobody touched.
      for (const auto& key : now.subtask_keys) {
        const RemoteIssue* st = in_current(key);
        if (!st) continue;
        bool st_pending = false;
        const IssueWrites* sw = created_by_us(*st, h, st_pending);
        std::string why;
        if (!sw && !st_pending) {
          why = "a sub-task not made by this sync";
        } else if (std::string e = edited_since_created(*st, sw); !e.empty()) {
          why = "edited since: " + label(e);
        }
        if (!why.empty() && !o_.force) {
          conflict(st->key, "issue", "created by epicsync", why);
          conflict(now.key, "issue", "created by epicsync",
                   "has sub-task " + st->key + " (" + why + ")");
          return;
        }
      }
      with_subtasks = true;
    }
    Operation op = op_on(now, OpKind::kDeleteIssue);
    op.draft.subtask = now.subtask;
    op.with_subtasks = with_subtasks;
    if (with_subtasks) {
      for (const auto& key : now.subtask_keys) {
        if (const RemoteIssue* st = in_current(key)) {
          op.shown.push_back({"Sub-task", key, st->summary});
        }
      }
    }
    plan_.operations.push_back(std::move(op));
  }

  const tracker::EpicSnapshot& backup_;
  const tracker::EpicSnapshot& current_;
  const WriteHistory& since_;
  const WriteHistory& undo_;
  const RestoreOptions& o_;
  std::map<std::string, const RemoteIssue*> backup_by_key_, current_by_key_;
  std::set<std::string> planned_links_;
  std::set<std::pair<std::string, bool>> gone_identities_;  // (identity, sub-task)
  std::map<std::pair<std::string, bool>, const RemoteIssue*> new_by_identity_;
  // Per issue: a backup comment's id → the comment that now stands for it.
  std::map<std::string, std::map<std::string, std::string>> stands_for_;
  plan::Plan plan_;
};

}  // namespace

bool same_field(const std::string& field, const RemoteIssue& a, const RemoteIssue& b,
                const plan::RichTextOps& ops) {
  if (field == "summary") return a.summary == b.summary;
  if (field == "description") return same_text(a.description, b.description, ops);
  if (field == "points") {
    if (!a.points || !b.points) return !a.points && !b.points;
    return std::fabs(*a.points - *b.points) < 1e-9;
  }
  if (field == "priority") return lower(a.priority_name) == lower(b.priority_name);
  if (field == "labels") {
    return std::set<std::string>(a.labels.begin(), a.labels.end()) ==
           std::set<std::string>(b.labels.begin(), b.labels.end());
  }
  if (field == "assignee") return a.assignee == b.assignee;
  if (field == "status") return a.status.name == b.status.name;
  if (auto key = tracker::field_of_journal_key(field)) {
    // A side that did not read the field (an older backup, a field no longer configured) has
    // nothing to say about it.
    auto x = a.fields.find(*key), y = b.fields.find(*key);
    return x == a.fields.end() || y == b.fields.end() || x->second == y->second;
  }
  return true;
}

std::vector<std::string> restored_fields(const RemoteIssue& reference) {
  std::vector<std::string> out(std::begin(kRestoredFields), std::end(kRestoredFields));
  for (const auto& [key, value] : reference.fields) out.push_back(tracker::journal_key(key));
  return out;
}

std::string field_text(const std::string& field, const RemoteIssue& r) {
  auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  if (field == "summary") return r.summary;
  if (field == "description") return r.description.raw.empty() ? "-" : "(its description)";
  if (field == "points") return r.points ? number_text(*r.points) : "-";
  if (field == "priority") return dash(r.priority_name);
  if (field == "labels") return dash(sorted_join(r.labels));
  if (field == "assignee")
    return dash(r.assignee_display.empty() ? r.assignee : r.assignee_display);
  if (field == "status") return r.status.name;
  if (auto key = tracker::field_of_journal_key(field)) {
    auto it = r.fields.find(*key);
    return it == r.fields.end() ? "-" : tracker::value_text(it->second);
  }
  return {};
}

Result<plan::Plan> make_restore_plan(const tracker::EpicSnapshot& backup,
                                     const tracker::EpicSnapshot& current,
                                     const WriteHistory& since, const WriteHistory& undo,
                                     const RestoreOptions& options) {
  return Restorer(backup, current, since, undo, options).run();
}

}  // namespace epicsync::restore

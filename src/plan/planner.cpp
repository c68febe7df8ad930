#include "plan/planner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>

#include "description.h"
#include "plan/display_text.h"
#include "plan/text_diff.h"
#include "tracker/identity_property.h"

namespace epicsync::plan {
namespace {

using tracker::RemoteIssue;

// Summaries are compared with blanks collapsed and case folded: "exact" to a person.
std::string normalised(std::string_view s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// "PROJ-3, PROJ-9": the candidates of an ambiguous match, for the message.
std::string keys_of(const std::vector<const RemoteIssue*>& issues) {
  std::vector<std::string> keys;
  for (const auto* r : issues) keys.push_back(r->key);
  return join(keys);
}

// Finds, for each wanted identity, the one issue that is it: pinned key, then recorded
// identity, then exact summary among issues that carry no identity of their own.
struct Wanted {
  std::string identity;
  std::optional<std::string> pinned_key;
  std::string summary;
  std::string label;  // for messages: "story US-001", "sub-task 'Guest form' of US-001"
};

// Issue ids are numbers that grow with creation: the lower one is the older issue.
bool older(const RemoteIssue* a, const RemoteIssue* b) {
  if (a->id.size() != b->id.size()) return a->id.size() < b->id.size();
  return a->id != b->id ? a->id < b->id : a->key < b->key;
}

std::vector<const RemoteIssue*> match(const std::vector<Wanted>& wanted,
                                      const std::vector<const RemoteIssue*>& pool,
                                      const std::string& scope, const std::set<std::string>& own,
                                      std::vector<std::string>& problems,
                                      std::vector<const RemoteIssue*>& duplicates) {
  std::vector<const RemoteIssue*> out(wanted.size(), nullptr);
  std::map<std::string, size_t> claimed;  // issue key → index in wanted
  auto claim = [&](size_t i, const RemoteIssue* issue) {
    auto [it, fresh] = claimed.emplace(issue->key, i);
    if (!fresh) {
      problems.push_back(issue->key + " is claimed by both " + wanted[it->second].label + " and " +
                         wanted[i].label);
      return;
    }
    out[i] = issue;
  };
  for (size_t i = 0; i < wanted.size(); ++i) {
    const Wanted& w = wanted[i];
    if (w.pinned_key) {
      auto it = std::find_if(pool.begin(), pool.end(),
                             [&](const RemoteIssue* r) { return r->key == *w.pinned_key; });
      if (it == pool.end()) {
        // Brought back under a new key (a rollback re-created it): say where it is now.
        std::string now_at;
        for (const auto* r : pool) {
          if (tracker::identity_of(*r) == w.identity) now_at = r->key;
        }
        problems.push_back(
            w.label + " is pinned to " + *w.pinned_key + ", which is not " + scope +
            (now_at.empty() ? std::string() : "; it is now " + now_at + ": pin that key instead"));
      } else {
        claim(i, *it);
      }
      continue;
    }
    std::vector<const RemoteIssue*> by_identity;
    for (const auto* r : pool) {
      if (tracker::identity_of(*r) == w.identity) by_identity.push_back(r);
    }
    if (by_identity.size() > 1 && own.count(w.identity)) {
      // Both are epicsync's own creates of this identity (a lost answer created it twice): keep
      // the older, delete the younger. A delete is journalled, so --rollback brings it back.
      std::sort(by_identity.begin(), by_identity.end(), older);
      duplicates.insert(duplicates.end(), by_identity.begin() + 1, by_identity.end());
      by_identity.resize(1);
    }
    if (by_identity.size() > 1) {
      problems.push_back("two issues are recorded as " + w.label + ": " + keys_of(by_identity) +
                         "; pin one with its key");
      continue;
    }
    if (by_identity.size() == 1) {
      claim(i, by_identity[0]);
      continue;
    }
    std::vector<const RemoteIssue*> by_summary;
    for (const auto* r : pool) {
      if (tracker::identity_of(*r).empty() && normalised(r->summary) == normalised(w.summary)) {
        by_summary.push_back(r);
      }
    }
    if (by_summary.size() > 1) {
      problems.push_back("several issues are titled like " + w.label + ": " + keys_of(by_summary) +
                         "; pin one with its key");
      continue;
    }
    if (by_summary.size() == 1) claim(i, by_summary[0]);
  }
  return out;
}

class Planner {
 public:
  Planner(const model::Epic& desired, const tracker::EpicSnapshot& actual, const PlanOptions& o)
      : desired_(desired), actual_(actual), o_(o) {}

  Plan run() {
    plan_.epic_key = actual_.epic.key;
    std::vector<const model::Story*> stories;
    for (const auto& s : desired_.stories) {
      if (o_.stories.empty() || o_.stories.count(s.id)) stories.push_back(&s);
    }
    if (o_.users_resolved) {
      for (const auto* s : stories) {
        if (s->assignee && !o_.user_ids.count(*s->assignee)) {
          plan_.problems.push_back("story " + s->id +
                                   ": no single tracker user matches assignee '" + *s->assignee +
                                   "'");
        }
      }
    }
    std::vector<Wanted> wanted;
    for (const auto* s : stories) {
      wanted.push_back({s->id, s->tracker_key, s->title, "story " + s->id});
    }
    std::vector<const RemoteIssue*> pool;
    for (const auto& r : actual_.stories) pool.push_back(&r);
    std::vector<const RemoteIssue*> duplicates;
    auto matched = match(wanted, pool, "a story of epic " + actual_.epic.key, o_.own_creates,
                         plan_.problems, duplicates);
    delete_duplicates(duplicates);
    // Every story's issue is known before any link is planned: a link may name a later story.
    for (size_t i = 0; i < stories.size(); ++i) {
      if (matched[i] != nullptr) plan_.story_keys[stories[i]->id] = matched[i]->key;
      created_.insert(stories[i]->id);
    }
    if (!o_.stories.empty()) {
      // Stories left out by --story can still be linked to: their issues are looked up the
      // same way, and what that finds wrong is for the run that syncs them to say.
      std::vector<Wanted> others;
      std::vector<std::string> ids;
      for (const auto& s : desired_.stories) {
        if (o_.stories.count(s.id)) continue;
        others.push_back({s.id, s.tracker_key, s.title, "story " + s.id});
        ids.push_back(s.id);
      }
      std::vector<std::string> ignored;
      std::vector<const RemoteIssue*> copies;
      auto found = match(others, pool, "", {}, ignored, copies);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (found[i] != nullptr) other_keys_[ids[i]] = found[i]->key;
      }
    }
    for (const auto& [id, key] : plan_.story_keys) created_.erase(id);
    plan_epic();
    for (size_t i = 0; i < stories.size(); ++i) {
      if (matched[i] != nullptr) {
        plan_story(*stories[i], *matched[i]);
      } else {
        create_story(*stories[i]);
      }
    }
    // A run limited by --story says nothing about the other stories of the epic.
    if (o_.stories.empty()) {
      std::set<std::string> kept;
      for (const auto* m : matched) {
        if (m != nullptr) kept.insert(m->key);
      }
      for (const auto* d : duplicates) kept.insert(d->key);
      for (const auto& r : actual_.stories) {
        if (!kept.count(r.key) && managed_here(r)) orphan_story(r);
      }
    }
    // A metadata row the file writes but epicsync does not know is kept in the file and never
    // synced: said once per name, so a team sees why "Team" never reaches Jira.
    std::map<std::string, std::vector<std::string>> unknown;
    for (const auto* st : stories) {
      for (const auto& f : st->unknown_fields) unknown[f.name].push_back(st->id);
    }
    for (const auto& [name, ids] : unknown) {
      std::vector<std::string> shown(ids.begin(), ids.begin() + std::min<size_t>(ids.size(), 3));
      plan_.notes.push_back(
          "'" + name + "' (" + join(shown) +
          (ids.size() > 3 ? ", … " + std::to_string(ids.size()) + " stories" : "") +
          ") is not a field epicsync knows, so it is not synced; a custom field "
          "is synced once jira.fields maps its name");
    }
    if (!inexpressible_.empty()) {
      std::string keys;
      for (const auto& k : inexpressible_) keys += (keys.empty() ? "" : ", ") + k;
      plan_.notes.push_back(
          std::to_string(inexpressible_.size()) + " issue" +
          (inexpressible_.size() == 1 ? " is" : "s are") +
          " Cancelled in the file and done in the tracker (" + keys +
          "): this workflow has no cancelled status and no Won't Do resolution, so that is as "
          "close as it gets and counts as in step. To use another status, map it: "
          "jira.status_map: {cancelled: \"STATUS NAME\"}");
    }
    record_pending_identities();
    if (!plan_.problems.empty()) {
      plan_.operations.clear();
      for (auto& o : plan_.orphans) o.action.clear();
    }
    return std::move(plan_);
  }

  // The identities record_identity deferred: each goes just before the first write to its issue
  // (an update, a transition, a comment, a link), so the write that carries the property carries
  // the identity too; an issue with no write gets none.
  void record_pending_identities() {
    for (auto& pending : pending_identities_) {
      // Named copies: a lambda may not capture a structured binding before C++20's clang 16.
      const std::string& key = pending.first;
      Operation& op = pending.second;
      auto first = std::find_if(plan_.operations.begin(), plan_.operations.end(),
                                [&](const Operation& o) { return o.issue_key == key; });
      if (first == plan_.operations.end()) continue;
      // A record of its own already planned (fields found in step again): it takes the identity.
      auto record = std::find_if(first, plan_.operations.end(), [&](const Operation& o) {
        return o.issue_key == key && o.kind == OpKind::kRecordIdentity;
      });
      if (record != plan_.operations.end()) {
        record->property_json = op.property_json;
      } else {
        plan_.operations.insert(first, std::move(op));
      }
    }
    pending_identities_.clear();
  }

 private:
  enum class IssueKind { kStory, kSubtask, kEpic };
  // The subtasks phase is the sub-tasks whole (created, and their fields, descriptions and
  // statuses); the fields, descriptions and statuses phases take in existing sub-tasks too.
  bool phase(Phase p) const {
    return o_.phases.count(p) > 0 || (whole_subtask_ && p != Phase::kComments);
  }

  void delete_duplicates(const std::vector<const RemoteIssue*>& duplicates) {
    for (const auto* d : duplicates) {
      Operation op;
      op.kind = OpKind::kDeleteIssue;
      op.issue_key = d->key;
      op.summary = d->summary;
      op.story_id = tracker::identity_of(*d);
      op.with_subtasks = !d->subtask_keys.empty();
      plan_.notes.push_back(d->key + " is a second copy of " + op.story_id +
                            " that epicsync created after a lost answer: it is deleted "
                            "(--rollback brings it back)");
      plan_.operations.push_back(std::move(op));
    }
  }

  // The user as the file writes it, for an id this run resolved (else the id).
  std::string written_user(const std::string& id) const {
    for (const auto& [written, uid] : o_.user_ids) {
      if (uid == id) return written;
    }
    return id;
  }

  std::string user_id(const std::string& written) const {
    auto it = o_.user_ids.find(written);
    return it == o_.user_ids.end() ? written : it->second;
  }

  void create_story(const model::Story& s) {
    Operation op;
    op.kind = OpKind::kCreateStory;
    op.story_id = s.id;
    op.summary = s.title;
    op.draft.identity = s.id;
    op.draft.epic_key = actual_.epic.key;
    op.draft.parent_key = actual_.epic.key;
    op.draft.summary = s.title;
    op.draft.description_markdown = markdown::compose_description(s);
    op.draft.points = s.points;
    if (s.priority) op.draft.priority_name = priority_name(s.priority->meaning);
    op.draft.labels = s.labels;
    if (s.assignee) op.draft.assignee = user_id(*s.assignee);
    op.draft.fields = wanted_fields("story " + s.id, s.fields, IssueKind::kStory);
    op.draft.base =
        created_base(s.title, op.draft.description_markdown, s.points, op.draft.priority_name,
                     s.labels, op.draft.assignee, op.draft.fields);
    // What the new issue starts with, for a reviewer: every field the file sets on it.
    if (s.points) op.shown.push_back({"Story Points", "-", number_text(*s.points)});
    if (op.draft.priority_name) op.shown.push_back({"Priority", "-", *op.draft.priority_name});
    if (s.labels && !s.labels->empty()) op.shown.push_back({"Labels", "-", join(*s.labels)});
    if (s.assignee) op.shown.push_back({"Assignee", "-", *s.assignee});
    for (const auto& [key, value] : op.draft.fields) {
      const tracker::FieldSpec* spec = tracker::find_spec(o_.fields, key);
      if (!value.empty()) {
        const bool user = spec && spec->kind == tracker::FieldKind::kUser;
        op.shown.push_back({spec ? spec->name : key, "-",
                            user ? written_user(value[0]) : tracker::value_text(value)});
      }
    }
    const size_t at = plan_.operations.size();
    plan_.operations.push_back(op);
    if (auto t =
            new_issue_transition("story " + s.id, IssueKind::kStory, s.id, s.title, s.status)) {
      plan_.operations.push_back(std::move(*t));
    } else if (s.status && !s.status->by_name()) {
      plan_.operations[at].draft.base["status"] = std::string(model::to_id(s.status->meaning));
    }
    for (const auto& st : s.subtasks) create_subtask(s, st, "");
    add_comments(s, nullptr);
    for (const auto& l : s.links) add_link(s, "", l);
  }

  void create_subtask(const model::Story& s, const model::Subtask& st,
                      const std::string& parent_key) {
    Operation op;
    op.kind = OpKind::kCreateSubtask;
    op.story_id = s.id;
    op.summary = st.name;
    op.parent_story_id = parent_key.empty() ? s.id : "";
    op.draft.identity = subtask_identity(s, st);
    op.draft.epic_key = actual_.epic.key;
    op.draft.subtask = true;
    op.draft.parent_key = parent_key;
    op.draft.summary = st.name;
    op.draft.description_markdown = st.description;
    op.draft.points = st.points;
    op.draft.base = created_base(st.name, st.description, st.points, std::nullopt, std::nullopt,
                                 std::nullopt, {});
    const size_t at = plan_.operations.size();
    plan_.operations.push_back(op);
    if (auto t = new_issue_transition("sub-task '" + st.name + "' of " + s.id, IssueKind::kSubtask,
                                      s.id, st.name, st.status)) {
      t->draft.identity = op.draft.identity;  // names the sub-task until it has a key
      t->draft.parent_key = parent_key;       // shown with its story (empty: a new story)
      plan_.operations.push_back(std::move(*t));
    } else if (st.status && !st.status->by_name()) {
      plan_.operations[at].draft.base["status"] = std::string(model::to_id(st.status->meaning));
    }
  }

  // The three-way base of a new issue: the values it is created with.
  std::map<std::string, std::string> created_base(
      const std::string& summary, const std::string& description,
      const std::optional<double>& points, const std::optional<std::string>& priority,
      const std::optional<std::vector<std::string>>& labels,
      const std::optional<std::string>& assignee, const tracker::FieldValues& fields) const {
    std::map<std::string, std::string> base;
    if (!phase(Phase::kFields) || !phase(Phase::kDescriptions)) return base;
    base["summary"] = summary;
    // Fields Jira leaves empty on a create the file does not set are recorded empty too: a
    // value someone puts there later is theirs, should the file start stating the field.
    // (Priority and assignee may get a project default, so they are recorded only when set.)
    if (!description.empty() && o_.rich_text.fingerprint_markdown) {
      base["description"] = o_.rich_text.fingerprint_markdown(description, o_.wiki);
    } else if (description.empty() && o_.rich_text.fingerprint) {
      base["description"] = o_.rich_text.fingerprint(tracker::RichText{});
    }
    base["points"] = points ? number_text(*points) : "-";
    if (priority) base["priority"] = normalised(*priority);
    base["labels"] = labels ? label_set(*labels) : "";
    if (assignee) base["assignee"] = *assignee;
    for (const auto& [key, value] : fields) base["field:" + key] = canonical(value);
    return base;
  }

  // The value the file gives each field of the table, in canonical form; a field the tracker
  // does not have, or has not on this type's screen, or a value it would refuse (an option that
  // is not allowed, a date that is none) is a problem instead, named with its line.
  tracker::FieldValues wanted_fields(const std::string& who,
                                     const std::vector<model::FieldSetting>& settings,
                                     IssueKind kind) {
    tracker::FieldValues out;
    for (const auto& setting : settings) {
      const std::string where = who + " (line " + std::to_string(setting.pos.line) + "): ";
      const tracker::FieldSpec* spec = nullptr;
      for (const auto& f : o_.fields) {
        if (normalised(f.name) == normalised(setting.field)) spec = &f;
      }
      if (!spec) {
        plan_.problems.push_back(where + setting.name + ": this Jira has no such field" +
                                 " (jira.fields maps a name the file writes to a field)");
        continue;
      }
      const bool on_screen = kind == IssueKind::kEpic      ? spec->on_epic
                             : kind == IssueKind::kSubtask ? spec->on_subtask
                                                           : spec->on_story;
      if (!on_screen) {
        plan_.problems.push_back(where + setting.name + " (" + spec->key + ") is not on the " +
                                 (kind == IssueKind::kEpic ? "epic" : "story") +
                                 " screen of this project, so Jira would refuse it; ask an admin "
                                 "to add it, or remove the row");
        continue;
      }
      auto parsed = tracker::parse_value(*spec, setting.value);
      if (!parsed.error.empty()) {
        plan_.problems.push_back(where + setting.name + ": " + parsed.error);
        continue;
      }
      if (spec->kind == tracker::FieldKind::kUser && !parsed.value.empty()) {
        const std::string written = parsed.value[0];
        if (o_.users_resolved && !o_.user_ids.count(written)) {
          plan_.problems.push_back(where + setting.name + ": no single tracker user matches '" +
                                   written + "'");
          continue;
        }
        parsed.value[0] = user_id(written);
      }
      out[spec->key] = std::move(parsed.value);
    }
    return out;
  }

  // Three-way: the base recorded on an issue is the file's value epicsync last wrote or found in
  // step, per field. A field the file and the tracker disagree on is written when the tracker
  // still holds that base (or none is recorded); when the tracker moved away from it, someone
  // changed it since, and it is a conflict: left alone unless --force. Returns whether to write.
  // `in_step` fields have their base refreshed with the issue's next write.
  struct Sides {
    const char* key;       // in the base: "summary", "field:<id>", …
    std::string label;     // "Summary"
    std::string file;      // canonical, as the base holds it
    std::string tracker;   // canonical; equal to `file` exactly when in step
    std::string now_text;  // for a reviewer
    std::string file_text;
  };
  bool decide(const RemoteIssue& r, const Sides& f, Operation& op, std::string base_key = "") {
    if (base_key.empty()) base_key = f.key;
    const auto& base = issue_base_;
    auto it = base.find(base_key);
    if (f.file == f.tracker) {
      if (it == base.end() || it->second != f.file) in_step_[base_key] = f.file;
      if (it != base.end() && it->second != f.file) stale_ = true;
      return false;
    }
    if (it != base.end() && it->second != f.tracker && !o_.force) {
      plan_.conflicts.push_back(
          {r.key, f.label, base_text(base_key, it->second), f.now_text, f.file_text, ""});
      return false;
    }
    op.base[base_key] = f.file;
    return true;
  }
  // A base value as a reviewer reads it.
  std::string base_text(const std::string& key, const std::string& value) const {
    if (key == "status") {
      if (!value.empty() && value[0] == '=') return value.substr(1, value.find('|') - 1);
      auto m = model::status_from_id(value);
      return m ? std::string(model::display_name(*m)) : value;
    }
    if (key == "description") return "the text epicsync last wrote";
    if (key == "priority" && !value.empty()) {
      // Kept folded ("high"): shown as the priority's name is written.
      return static_cast<char>(std::toupper(static_cast<unsigned char>(value[0]))) +
             value.substr(1);
    }
    if (key == "assignee" || key.rfind("field:", 0) == 0) {
      // A user is shown as the file writes it, when this run resolved it.
      for (const auto& [written, id] : o_.user_ids) {
        if (id == value) return written;
      }
    }
    std::string out;
    for (char c : value) out += c == '\n' ? std::string(", ") : std::string(1, c);
    return out.empty() ? "-" : out;
  }
  static std::string canonical(const tracker::FieldValue& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
    return out;
  }
  // Labels are a set: order and repetition do not count.
  static std::string label_set(const std::vector<std::string>& labels) {
    std::set<std::string> set(labels.begin(), labels.end());
    std::string out;
    for (const auto& l : set) out += (out.empty() ? "" : "\n") + l;
    return out;
  }

  // Starts the three-way bookkeeping of one issue.
  void begin_issue(const RemoteIssue& r) {
    issue_base_ = tracker::identity_property(r).base;
    in_step_.clear();
    stale_ = false;
    recheck_ = o_.recheck_base.count(r.key) > 0;
    first_op_ = plan_.operations.size();
  }
  // Ends it: fields found in step are recorded as the base with the issue's first write; an
  // issue with no write whose base went stale (the tracker changed, and the file now agrees) has
  // its property written alone, so a later edit of the file is not taken for a conflict.
  void finish_issue(const RemoteIssue& r) {
    if (in_step_.empty()) return;
    for (size_t i = first_op_; i < plan_.operations.size(); ++i) {
      Operation& op = plan_.operations[i];
      if (op.issue_key != r.key) continue;
      if (op.kind == OpKind::kUpdate || op.kind == OpKind::kTransition ||
          op.kind == OpKind::kRecordIdentity) {
        for (const auto& [k, v] : in_step_) op.base.emplace(k, v);
        return;
      }
    }
    if (!stale_ && !recheck_) return;
    Operation op;
    op.kind = OpKind::kRecordIdentity;
    op.story_id = r.key == actual_.epic.key ? "" : story_of_issue_;
    op.issue_key = r.key;
    op.summary = r.summary;
    auto property = tracker::identity_property(r);
    op.property_json = tracker::to_json_text(property);
    op.base = in_step_;
    op.shown.push_back({"In step", "", ""});
    plan_.operations.push_back(std::move(op));
  }

  // Field-by-field comparison, shared by stories and sub-tasks.
  void diff_fields(const std::string& story_id, const RemoteIssue& r, const std::string& title,
                   const std::string& description, const std::optional<double>& points,
                   const std::optional<model::Priority>& priority,
                   const std::optional<std::vector<std::string>>& labels,
                   const std::optional<std::string>& assignee,
                   const tracker::FieldValues& fields = {}) {
    Operation op;
    op.kind = OpKind::kUpdate;
    op.story_id = story_id;
    op.issue_key = r.key;
    op.summary = r.summary;
    if (phase(Phase::kFields)) {
      if (!title.empty() &&
          decide(r, {"summary", "Summary", title, r.summary, r.summary, title}, op)) {
        op.changes.summary = title;
        op.shown.push_back({"Summary", r.summary, title});
      }
      if (points) {
        const bool same =
            r.points && std::fabs(*r.points - *points) <= 1e-9;  // as written, not as printed
        const std::string want = number_text(*points);
        const std::string now = r.points ? number_text(*r.points) : "-";
        if (decide(r, {"points", "Story Points", want, same ? want : now, now, want}, op)) {
          op.changes.points = points;
          op.shown.push_back({"Story Points", now, want});
        }
      }
      if (priority) {
        const std::string name = priority_name(priority->meaning);
        const std::string now = r.priority_name.empty() ? "-" : r.priority_name;
        if (decide(
                r,
                {"priority", "Priority", normalised(name), normalised(r.priority_name), now, name},
                op)) {
          op.changes.priority_name = name;
          op.shown.push_back({"Priority", now, name});
        }
      }
      if (labels) {
        const std::string want = label_set(*labels);
        const std::string have = label_set(r.labels);
        if (decide(r,
                   {"labels", "Labels", want, have, base_text("labels", have),
                    base_text("labels", want)},
                   op)) {
          op.changes.labels = labels;
          op.shown.push_back({"Labels", join(r.labels), join(*labels)});
        }
      }
      if (assignee) {
        const std::string id = user_id(*assignee);
        const std::string now = r.assignee_display.empty() ? r.assignee : r.assignee_display;
        if (decide(r, {"assignee", "Assignee", id, r.assignee, now.empty() ? "-" : now, *assignee},
                   op)) {
          op.changes.assignee = id;
          op.shown.push_back({"Assignee", now, *assignee});
        }
      }
      for (const auto& [key, want] : fields) {
        auto have = r.fields.find(key);
        const tracker::FieldValue now =
            have == r.fields.end() ? tracker::FieldValue{} : have->second;
        const tracker::FieldSpec* spec = tracker::find_spec(o_.fields, key);
        const std::string name = spec ? spec->name : key;
        // A user the file names is shown as written (the tracker's side is its account id).
        const bool user = spec && spec->kind == tracker::FieldKind::kUser;
        const std::string now_text = tracker::value_text(now);
        const std::string want_text =
            user && !want.empty() ? written_user(want[0]) : tracker::value_text(want);
        if (decide(r, {"", name, canonical(want), canonical(now), now_text, want_text}, op,
                   "field:" + key)) {
          op.changes.fields[key] = want;
          op.shown.push_back({name, now_text, want_text});
        }
      }
    }
    // An empty description in the file means "not managed", never "clear the tracker's".
    if (phase(Phase::kDescriptions) && !description.empty() && o_.rich_text.same) {
      const bool same = o_.rich_text.same(r.description, description);
      const std::string theirs =
          o_.rich_text.fingerprint ? o_.rich_text.fingerprint(r.description) : std::string();
      const std::string mine = o_.rich_text.fingerprint_markdown
                                   ? o_.rich_text.fingerprint_markdown(description, o_.wiki)
                                   : std::string();
      const size_t conflicts = plan_.conflicts.size();
      const bool write = !theirs.empty() && !mine.empty()
                             ? decide(r,
                                      {"description", "Description", mine, same ? mine : theirs,
                                       "edited in Jira since", "the file's text"},
                                      op)
                             : !same;
      if (write) {
        op.changes.description_markdown = description;
        op.description_diff = description_diff(r, description);
        op.shown.push_back({"Description", "", ""});
      } else if (plan_.conflicts.size() > conflicts) {
        plan_.conflicts.back().diff = description_diff(r, description);
      }
    }
    if (!op.changes.empty()) plan_.operations.push_back(std::move(op));
  }

  std::string description_diff(const RemoteIssue& r, const std::string& description) const {
    const std::string before =
        o_.rich_text.to_markdown ? o_.rich_text.to_markdown(r.description) : "";
    const std::string after =
        o_.rich_text.render_markdown ? o_.rich_text.render_markdown(description) : description;
    return unified_diff(before, after);
  }

  // The workflow status a status written by name is, or nullopt with a problem that lists the
  // workflow's statuses.
  IssueKind kind_of(const RemoteIssue& r) const {
    if (r.key == actual_.epic.key) return IssueKind::kEpic;
    return r.subtask ? IssueKind::kSubtask : IssueKind::kStory;
  }
  std::optional<tracker::RemoteStatus> named_status(const std::string& who, IssueKind kind,
                                                    const model::Status& status) {
    const auto& workflow = kind == IssueKind::kEpic      ? o_.workflow.epic
                           : kind == IssueKind::kSubtask ? o_.workflow.subtask
                                                         : o_.workflow.story;
    for (const auto& w : workflow) {
      if (normalised(w.name) == normalised(status.named)) return w;
    }
    std::vector<std::string> names;
    for (const auto& w : workflow) names.push_back(w.name);
    plan_.problems.push_back(
        who + " (line " + std::to_string(status.pos.line) + "): status '" + status.named +
        "' is not a status of this project's workflow" +
        (names.empty() ? std::string() : " (its statuses: " + join(names) + ")") +
        "; write one of them, or To Do, In Progress, In Review, Done or Cancelled");
    return std::nullopt;
  }

  // A new issue starts in the workflow's first status: a status other than To Do is reached by
  // a transition once it exists.
  std::optional<Operation> new_issue_transition(const std::string& who, IssueKind kind,
                                                const std::string& story_id,
                                                const std::string& summary,
                                                const std::optional<model::Status>& status) {
    if (!status) return std::nullopt;
    Operation t;
    t.kind = OpKind::kTransition;
    t.story_id = story_id;
    t.summary = summary;
    t.from_status = "(new)";
    if (status->by_name()) {
      t.target_status = named_status(who, kind, *status);
      if (!t.target_status) return std::nullopt;
      t.base["status"] = "";
    } else if (status->meaning == model::StatusMeaning::kToDo) {
      return std::nullopt;
    } else {
      t.target = status->meaning;
      t.base["status"] = "|" + std::string(model::to_id(status->meaning));
    }
    return t;
  }

  // The base of a status is the workflow status epicsync left the issue in, and the meaning the
  // file gave it when it gave one ("=Closed|done"): the executor puts in the status a transition
  // reaches (before the "|…" the planner leaves it), and a status found in step records the
  // tracker's. A new issue that is not moved records the meaning it starts in ("todo").
  static std::string status_base(const RemoteIssue& r, const model::Status& s) {
    return "=" + r.status.name + (s.by_name() ? "" : "|" + std::string(model::to_id(s.meaning)));
  }
  // Whether the tracker's status still says what a base says: someone moving an issue from one
  // done status to another has not changed what the file's "Done" asked for.
  bool still_says(const std::string& base, const RemoteIssue& r) const {
    std::string meaning = base;
    if (!base.empty() && base[0] == '=') {
      const size_t bar = base.find('|');
      if (normalised(base.substr(1, bar == std::string::npos ? bar : bar - 1)) ==
          normalised(r.status.name)) {
        return true;
      }
      if (bar == std::string::npos) return false;
      meaning = base.substr(bar + 1);
    }
    auto m = model::status_from_id(meaning);
    if (!m) return false;
    if (satisfies(o_.status_map, *m, r.status, r.resolution)) return true;
    return *m == model::StatusMeaning::kCancelled && !o_.cancel_expressible &&
           r.status.category == tracker::StatusCategory::kDone;
  }
  // A status the file and the tracker disagree on: false (and a conflict) when someone moved the
  // issue since epicsync last put it where the file says.
  bool status_writable(const RemoteIssue& r, const std::string& want_text) {
    auto it = issue_base_.find("status");
    if (it == issue_base_.end() || o_.force || still_says(it->second, r)) return true;
    plan_.conflicts.push_back(
        {r.key, "Status", base_text("status", it->second), r.status.name, want_text, ""});
    return false;
  }
  void status_in_step(const RemoteIssue& r, const model::Status& s) {
    auto it = issue_base_.find("status");
    if (it != issue_base_.end() && still_says(it->second, r)) return;
    in_step_["status"] = status_base(r, s);
    if (it != issue_base_.end()) stale_ = true;
  }

  void transition_if_needed(const std::string& story_id, const RemoteIssue& r,
                            const std::optional<model::Status>& status) {
    if (!phase(Phase::kStatuses) || !status) return;
    if (status->by_name()) {
      auto target =
          named_status(r.key + (story_id.empty() ? "" : " of " + story_id), kind_of(r), *status);
      if (!target) return;
      if (normalised(target->name) == normalised(r.status.name)) {
        status_in_step(r, *status);
        return;
      }
      if (!status_writable(r, target->name)) return;
      Operation t;
      t.base["status"] = "";
      t.kind = OpKind::kTransition;
      t.story_id = story_id;
      t.issue_key = r.key;
      t.summary = r.summary;
      t.target_status = target;
      t.from_status = r.status.name;
      t.shown.push_back({"Status", r.status.name, target->name});
      plan_.operations.push_back(t);
      return;
    }
    if (satisfies(o_.status_map, status->meaning, r.status, r.resolution)) {
      status_in_step(r, *status);
      return;
    }
    if (status->meaning == model::StatusMeaning::kCancelled && !o_.cancel_expressible &&
        r.status.category == tracker::StatusCategory::kDone) {
      inexpressible_.push_back(r.key);
      status_in_step(r, *status);
      return;
    }
    if (!status_writable(r, std::string(model::display_name(status->meaning)))) return;
    Operation t;
    t.base["status"] = "|" + std::string(model::to_id(status->meaning));
    t.kind = OpKind::kTransition;
    t.story_id = story_id;
    t.issue_key = r.key;
    t.summary = r.summary;
    t.target = status->meaning;
    t.from_status = r.status.name;
    t.shown.push_back({"Status", r.status.name, std::string(model::display_name(status->meaning))});
    plan_.operations.push_back(t);
  }

  void record_identity(const std::string& story_id, const RemoteIssue& r,
                       const std::string& identity, bool pinned) {
    auto property = tracker::identity_property(r);
    if (property.id == identity) return;
    property.id = identity;
    property.epic = actual_.epic.key;
    Operation op;
    op.kind = OpKind::kRecordIdentity;
    op.story_id = story_id;
    op.issue_key = r.key;
    op.summary = r.summary;
    op.property_json = tracker::to_json_text(property);
    // An issue the file pins by its key that epicsync never recorded (an epic adopted with
    // --pull, a file written by hand): its identity rides with the issue's first write, and an
    // issue in step gets no write at all, so a pulled file syncs with zero writes. The key keeps
    // finding it meanwhile. An issue adopted by its summary is recorded at once: its identity is
    // all that finds it again after a rename.
    if (pinned && tracker::identity_property(r).id.empty()) {
      pending_identities_[r.key] = std::move(op);
      return;
    }
    plan_.operations.push_back(op);
  }

  // The epic is an issue too: its summary (the file's title), description (the text outside the
  // stories), priority, labels and status, each when the file states it. A run limited to some
  // stories (--story) leaves it alone.
  void plan_epic() {
    const RemoteIssue& r = actual_.epic;
    if (r.key.empty() || !o_.stories.empty()) return;
    begin_issue(r);
    story_of_issue_.clear();
    diff_fields("", r, desired_.title, desired_.description, std::nullopt, desired_.priority,
                desired_.labels, std::nullopt,
                wanted_fields("epic " + r.key, desired_.fields, IssueKind::kEpic));
    transition_if_needed("", r, desired_.status);
    finish_issue(r);
  }

  void plan_story(const model::Story& s, const RemoteIssue& r) {
    begin_issue(r);
    story_of_issue_ = s.id;
    record_identity(s.id, r, s.id, s.tracker_key && *s.tracker_key == r.key);
    diff_fields(s.id, r, s.title, markdown::compose_description(s), s.points, s.priority, s.labels,
                s.assignee, wanted_fields("story " + s.id, s.fields, IssueKind::kStory));
    transition_if_needed(s.id, r, s.status);
    finish_issue(r);
    if (phase(Phase::kSubtasks) || phase(Phase::kFields) || phase(Phase::kDescriptions) ||
        phase(Phase::kStatuses)) {
      plan_subtasks(s, r);
    }
    add_comments(s, &r);
    if (phase(Phase::kFields)) {
      for (const auto& l : s.links) {
        const std::string target = link_key(l);
        const bool exists = std::any_of(r.links.begin(), r.links.end(), [&](const auto& have) {
          return !target.empty() && have.other_key == target &&
                 (normalised(have.phrase) == l.type || normalised(have.type_name) == l.type);
        });
        if (!exists) add_link(s, r.key, l);
      }
    }
  }

  void plan_subtasks(const model::Story& s, const RemoteIssue& r) {
    std::vector<const RemoteIssue*> pool;
    for (const auto& st : actual_.subtasks) {
      if (st.parent_key == r.key) pool.push_back(&st);
    }
    std::vector<Wanted> wanted;
    for (const auto& st : s.subtasks) {
      wanted.push_back({subtask_identity(s, st), st.tracker_key, st.name,
                        "sub-task '" + st.name + "' of " + s.id});
    }
    std::vector<const RemoteIssue*> duplicates;
    auto matched =
        match(wanted, pool, "a sub-task of " + r.key, o_.own_creates, plan_.problems, duplicates);
    const bool whole = phase(Phase::kSubtasks);
    if (whole) delete_duplicates(duplicates);
    std::set<std::string> kept;
    for (const auto* m : matched) {
      if (m != nullptr) kept.insert(m->key);
    }
    for (const auto* d : duplicates) kept.insert(d->key);
    for (const auto* st : pool) {
      if (!kept.count(st->key) && managed_here(*st)) prune(orphan(*st), *st, o_.prune);
    }
    for (size_t i = 0; i < s.subtasks.size(); ++i) {
      const auto& st = s.subtasks[i];
      if (matched[i] == nullptr) {
        if (whole) create_subtask(s, st, r.key);
        continue;
      }
      const RemoteIssue& m = *matched[i];
      plan_.subtask_keys[subtask_identity(s, st)] = m.key;
      begin_issue(m);
      story_of_issue_ = s.id;
      whole_subtask_ = whole;
      record_identity(s.id, m, subtask_identity(s, st), st.tracker_key && *st.tracker_key == m.key);
      diff_fields(s.id, m, st.name, st.description, st.points, std::nullopt, std::nullopt,
                  std::nullopt);
      transition_if_needed(s.id, m, st.status);
      finish_issue(m);
      whole_subtask_ = false;
    }
  }

  void add_comments(const model::Story& s, const RemoteIssue* r) {
    if (!phase(Phase::kComments)) return;
    const auto property = r ? tracker::identity_property(*r) : tracker::IdentityProperty{};
    auto comment = [&](const std::string& key, const std::string& markdown) {
      const std::string hash = content_hash(markdown);
      auto it = property.comments.find(key);
      if (it != property.comments.end() && it->second.hash == hash) return;
      Operation op;
      op.kind = it == property.comments.end() ? OpKind::kAddComment : OpKind::kUpdateComment;
      op.story_id = s.id;
      op.issue_key = r ? r->key : "";
      op.summary = r ? r->summary : s.title;
      op.comment_key = key;
      op.comment_hash = hash;
      op.comment_markdown = markdown;
      if (it != property.comments.end()) op.comment_id = it->second.id;
      if (r && o_.rich_text.same) {
        for (const auto& c : r->comments) {
          if (c.id != op.comment_id && o_.rich_text.same(c.body, markdown)) {
            op.found_comment_id = c.id;
            break;
          }
        }
      }
      plan_.operations.push_back(op);
    };
    if (!s.commits.empty()) comment("commits", commits_comment(s.commits));
    for (const auto& c : s.comments) {
      // A comment the file quotes from the tracker (as --pull --pull-comments writes them): the
      // tracker's own comment by that author, of that day, with that body. Never posted again.
      if (r && !c.author.empty() && c.date.size() == 10 && o_.rich_text.same &&
          std::any_of(r->comments.begin(), r->comments.end(), [&](const auto& have) {
            return have.created.rfind(c.date, 0) == 0 &&
                   (normalised(have.author) == normalised(c.author) ||
                    normalised(have.author_display) == normalised(c.author)) &&
                   o_.rich_text.same(have.body, c.body);
          })) {
        continue;
      }
      const std::string markdown = quoted_comment(c);
      comment("comment:" + content_hash(c.author + "\n" + c.date + "\n" + c.body), markdown);
    }
  }

  // Whether this epic's file managed the issue: its identity records this epic, or (recorded
  // before the epic was) this epic's journals show epicsync created it. An issue moved here from
  // another epic is that file's, and never this one's to prune.
  bool managed_here(const RemoteIssue& r) const {
    const auto property = tracker::identity_property(r);
    if (property.id.empty()) return false;
    if (!property.epic.empty()) return property.epic == actual_.epic.key;
    return o_.own_creates.count(property.id) > 0;
  }

  Orphan& orphan(const RemoteIssue& r) {
    Orphan o;
    o.key = r.key;
    o.summary = r.summary;
    o.identity = tracker::identity_of(r);
    o.parent_key = r.parent_key;
    o.status = r.status.name;
    o.subtask = r.subtask;
    plan_.orphans.push_back(std::move(o));
    return plan_.orphans.back();
  }

  // A story the file no longer has, and its sub-tasks epicsync managed. Deleting it takes all of
  // its sub-tasks, so a story with a sub-task epicsync never managed is closed instead.
  void orphan_story(const RemoteIssue& r) {
    std::vector<const RemoteIssue*> managed;
    std::vector<std::string> unmanaged;
    for (const auto& key : r.subtask_keys) {
      auto it = std::find_if(actual_.subtasks.begin(), actual_.subtasks.end(),
                             [&](const RemoteIssue& st) { return st.key == key; });
      // A sub-task the story lists and the search did not return (new, and the index lags) is
      // not known to be epicsync's either.
      if (it != actual_.subtasks.end() && managed_here(*it)) {
        managed.push_back(&*it);
      } else {
        unmanaged.push_back(key);
      }
    }
    Prune how = o_.prune;
    if (how == Prune::kDelete && !unmanaged.empty()) {
      how = Prune::kClose;
      plan_.notes.push_back(r.key +
                            " is not in the file, but it has sub-tasks epicsync never "
                            "managed (" +
                            join(unmanaged) +
                            "): it is closed, not deleted, so they are not deleted with it");
    }
    // An orphan's reference stays valid: the vector may grow while its sub-tasks are added.
    const size_t at = plan_.orphans.size();
    orphan(r);
    for (const auto* st : managed) {
      Orphan& sub = orphan(*st);
      if (how == Prune::kDelete) sub.action = "delete";
      if (how == Prune::kClose) prune(sub, *st, how);
    }
    prune(plan_.orphans[at], r, how);
  }

  void prune(Orphan& o, const RemoteIssue& r, Prune how) {
    if (how == Prune::kNone || !plan_.problems.empty()) return;
    Operation op;
    op.story_id = o.identity;
    op.issue_key = r.key;
    op.summary = r.summary;
    if (how == Prune::kDelete) {
      o.action = "delete";
      op.kind = OpKind::kDeleteIssue;
      op.with_subtasks = !r.subtask && !r.subtask_keys.empty();
      plan_.operations.push_back(std::move(op));
      return;
    }
    // Closed means any done status: Done or Won't Do alike is left as it is.
    if (r.status.category == tracker::StatusCategory::kDone) {
      o.action = "closed";
      return;
    }
    o.action = "close";
    op.kind = OpKind::kTransition;
    op.target = model::StatusMeaning::kCancelled;
    op.from_status = r.status.name;
    op.shown.push_back({"Status", r.status.name, "Cancelled"});
    plan_.operations.push_back(std::move(op));
  }

  // A link's target as a tracker key: a story id of this file ("- blocks SRCH-1") stands for
  // that story's issue; empty while that issue is still to be created.
  std::string link_key(const model::IssueLink& l) const {
    if (auto it = plan_.story_keys.find(l.target); it != plan_.story_keys.end()) {
      return it->second;
    }
    if (auto it = other_keys_.find(l.target); it != other_keys_.end()) return it->second;
    const bool story_of_file = std::any_of(desired_.stories.begin(), desired_.stories.end(),
                                           [&](const model::Story& s) { return s.id == l.target; });
    return story_of_file ? std::string() : l.target;
  }

  void add_link(const model::Story& s, const std::string& key, const model::IssueLink& l) {
    if (l.target == s.id || (!key.empty() && l.target == key)) {
      plan_.problems.push_back("story " + s.id + " (line " + std::to_string(l.pos.line) +
                               ") links to itself");
      return;
    }
    Operation op;
    op.kind = OpKind::kAddLink;
    op.story_id = s.id;
    op.issue_key = key;
    op.summary = s.title;
    op.link_phrase = l.type;
    op.link_target = link_key(l);
    if (op.link_target.empty()) {
      if (!created_.count(l.target)) {
        // A story of the file that is left out of this run (--story) and has no issue yet.
        plan_.problems.push_back("story " + s.id + " (line " + std::to_string(l.pos.line) +
                                 ") links to story " + l.target +
                                 ", which has no issue yet; sync it in the same run (add --story " +
                                 l.target + ") or first");
        return;
      }
      op.link_target_story = l.target;
    }
    plan_.operations.push_back(op);
  }

  const model::Epic& desired_;
  const tracker::EpicSnapshot& actual_;
  const PlanOptions& o_;
  Plan plan_;
  std::vector<std::string> inexpressible_;  // Cancelled in the file, done as close as it gets
  // The three-way bookkeeping of the issue being planned: its recorded base, the fields found in
  // step whose base is to be refreshed, whether a recorded base went stale, and where its
  // operations begin.
  std::map<std::string, std::string> issue_base_;
  std::map<std::string, std::string> in_step_;
  bool stale_ = false;
  bool recheck_ = false;  // the issue is in PlanOptions::recheck_base
  size_t first_op_ = 0;
  std::map<std::string, Operation> pending_identities_;  // by issue key, see record_identity
  std::string story_of_issue_;
  bool whole_subtask_ = false;     // planning an existing sub-task under the subtasks phase
  std::set<std::string> created_;  // stories of this run that are created by it
  std::map<std::string, std::string> other_keys_;  // the issues of stories --story left out
};

}  // namespace

size_t Plan::issues_affected() const {
  std::set<std::string> keys;
  size_t creates = 0;
  for (const auto& op : operations) {
    if (op.kind == OpKind::kCreateStory || op.kind == OpKind::kCreateSubtask) {
      ++creates;
    } else if (!op.issue_key.empty()) {
      keys.insert(op.issue_key);
    }
  }
  return keys.size() + creates;
}

bool any_status(const model::Epic& epic, const std::function<bool(const model::Status&)>& is) {
  auto check = [&](const std::optional<model::Status>& s) { return s && is(*s); };
  if (check(epic.status)) return true;
  for (const auto& story : epic.stories) {
    if (check(story.status)) return true;
    for (const auto& sub : story.subtasks) {
      if (check(sub.status)) return true;
    }
  }
  return false;
}

bool uses_named_status(const model::Epic& epic) {
  return any_status(epic, [](const model::Status& s) { return s.by_name(); });
}

std::string subtask_identity(const model::Story& story, const model::Subtask& st) {
  if (st.local_id) return *st.local_id;
  return story.id + "/" + normalised(st.name);
}

std::string commits_comment(const std::vector<model::Commit>& commits) {
  std::string out = "**Related commits**\n\n| Commit | Message |\n|--------|---------|\n";
  for (const auto& c : commits) out += "| `" + c.sha + "` | " + c.message + " |\n";
  return out;
}

std::string quoted_comment(const model::Comment& c) {
  std::string head;
  if (!c.author.empty()) head = "**@" + c.author + "**";
  if (!c.date.empty()) head += (head.empty() ? "" : " ") + std::string("(") + c.date + ")";
  return head.empty() ? c.body : head + ":\n\n" + c.body;
}

std::string content_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Plan make_plan(const model::Epic& desired, const tracker::EpicSnapshot& actual,
               const PlanOptions& options) {
  return Planner(desired, actual, options).run();
}

}  // namespace epicsync::plan

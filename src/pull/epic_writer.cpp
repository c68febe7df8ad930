#include "pull/epic_writer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "description.h"
#include "epic_parser.h"
#include "field_values.h"
#include "plan/planner.h"
#include "plan/status_map.h"
#include "story_sections.h"
#include "tracker/identity_property.h"

namespace epicsync::pull {

namespace {

using tracker::RemoteIssue;

bool is_ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

std::string trim_copy(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The plain text of an ADF node (a heading's words), for deciding whether it clashes.
void append_text(const nlohmann::json& node, std::string& out) {
  if (!node.is_object()) return;
  if (auto t = node.find("text"); t != node.end() && t->is_string()) out += t->get<std::string>();
  if (auto c = node.find("content"); c != node.end() && c->is_array()) {
    for (const auto& child : *c) append_text(child, out);
  }
}

// Whether the node is an object of this type (a malformed node is none: value() would throw).
bool is_type(const nlohmann::json& node, std::string_view type) {
  if (!node.is_object()) return false;
  auto t = node.find("type");
  return t != node.end() && t->is_string() && t->get_ref<const std::string&>() == type;
}

int heading_level(const nlohmann::json& node) {
  if (!is_type(node, "heading")) return 0;
  auto attrs = node.find("attrs");
  if (attrs == node.end() || !attrs->is_object()) return 0;
  auto level = attrs->find("level");
  return level != attrs->end() && level->is_number_integer() ? level->get<int>() : 0;
}

// Whether a heading's words would read as structure of the file: a story, the summary, the
// stories' heading, or a story meant ("Story 4: …").
bool structural_words(const std::string& text) {
  const std::string name = markdown::folded_name(text);
  if (name == "epic summary" || name == "epic details" || name == "epic metadata" ||
      name == "summary" || name == "epic" || name == "user stories" || name == "stories") {
    return true;
  }
  if (name.rfind("story", 0) == 0) return true;
  // Anything with an id before a colon, or an id-looking first word: a story or a near miss.
  const std::string plain = markdown::strip_decoration(text);
  size_t i = 0;
  while (i < plain.size() && std::string_view("[(*`#").find(plain[i]) != std::string_view::npos) {
    ++i;
  }
  size_t end = plain.find_first_of(" \t:])*`", i);
  const std::string first = plain.substr(i, end == std::string::npos ? std::string::npos : end - i);
  if (markdown::is_story_id(first)) return true;
  return plain.find(':') != std::string::npos &&
         std::any_of(plain.begin(), plain.end(), [](char c) { return c == '-' || c == '#'; });
}

// A story's description sits under its heading: a heading up to the story's section level would
// end the story or read as a section, and a level-3 heading (written as a section) named like a
// section the file gives a meaning to (Subtasks, Links, a second Description) would be read as
// that section. Acceptance Criteria and Technical Notes are written as the sections they came
// from.
bool clashes_in_story(const nlohmann::json& node, int story_level) {
  const int level = heading_level(node);
  if (level == 0) return false;
  // Level 3 is a section of the composed description; it is written at the story's section
  // level. Any other heading up to that level would end the story or read as a section.
  if (level != 3) return level <= story_level + 1;
  std::string text;
  append_text(node, text);
  switch (markdown::section_role(text)) {
    case markdown::SectionRole::kAcceptanceCriteria:
      return trim_copy(text) != "Acceptance Criteria";
    case markdown::SectionRole::kTechnicalNotes:
      return trim_copy(text) != "Technical Notes";
    case markdown::SectionRole::kOther:
      return structural_words(text);
    default:
      return true;
  }
}

// The epic's description is the free text before the summary table: a heading that reads as a
// story, the summary or the stories' heading would be taken for that, and a thematic break is
// left out of the description.
bool clashes_in_epic(const nlohmann::json& node) {
  if (is_type(node, "rule")) return true;
  const int level = heading_level(node);
  if (level <= 1 || level > 3) return false;
  std::string text;
  append_text(node, text);
  return structural_words(text) || markdown::section_role(text) != markdown::SectionRole::kOther;
}

bool empty_text(const tracker::RichText& t) {
  return t.format == tracker::RichText::Format::kEmpty || trim_copy(t.raw).empty();
}

// The status as the file writes it: the workflow's own name (read back by name or by its
// meaning), or Cancelled for a done issue resolved as dropped, which is how such a workflow says
// cancelled.
std::string status_text(const RemoteIssue& r) {
  if (r.status.name.empty()) return {};
  if (r.status.category == tracker::StatusCategory::kDone &&
      plan::cancel_resolution(r.resolution)) {
    const auto meaning = markdown::parse_status(r.status.name);
    if (!meaning || *meaning == model::StatusMeaning::kDone) return "Cancelled";
  }
  return r.status.name;
}

// Inline markdown inside a table cell: every pipe not already escaped is escaped, code spans'
// too (a table cell reads `\|` as a pipe wherever it stands).
std::string cell_text(const std::string& markdown) {
  std::string out;
  size_t backslashes = 0;
  for (char c : markdown) {
    if (c == '|' && backslashes % 2 == 0) out += '\\';
    backslashes = c == '\\' ? backslashes + 1 : 0;
    out += c;
  }
  return out;
}

// Markdown as a quote, line by line.
std::string as_quote(const std::string& body) {
  std::string out;
  size_t start = 0;
  while (start <= body.size()) {
    const size_t nl = body.find('\n', start);
    const std::string line =
        body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += line.empty() ? ">\n" : "> " + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

class Writer {
 public:
  Writer(const tracker::EpicSnapshot& snapshot, const tracker::TrackerInfo& info,
         const WriteOptions& options, const TextWriter& text, std::vector<Note>& notes)
      : s_(snapshot), info_(info), o_(options), text_(text), notes_(notes) {}

  std::set<std::string> fence_all;            // issues whose descriptions are fenced whole
  std::set<std::string> subtask_description;  // sub-tasks whose description is left out
  std::set<std::string> quiet;                // notes already given (one write of several)

  void note(const std::string& key, const std::string& what) {
    if (quiet.insert(key + "\n" + what).second) notes_.push_back({key, what});
  }

  std::string description(const RemoteIssue& r, int story_level) {
    if (empty_text(r.description)) return {};
    std::function<bool(const nlohmann::json&)> clash = clashes_in_epic;
    if (story_level > 0) {
      clash = [story_level](const nlohmann::json& n) { return clashes_in_story(n, story_level); };
    }
    return trim_copy(text_.markdown(r.description, clash, fence_all.count(r.key) > 0,
                                    story_level > 0 ? story_level + 1 : 3));
  }

  void row(std::string& out, const std::string& name, const std::string& value) {
    out += "| " + name + " | " + value + " |\n";
  }

  // The rows every issue may have: priority, labels, the field table's fields.
  void common_rows(std::string& out, const RemoteIssue& r, bool epic) {
    if (!r.priority_name.empty()) {
      const auto meaning = markdown::parse_priority(r.priority_name);
      if (meaning &&
          markdown::fold(plan::priority_name(*meaning)) == markdown::fold(r.priority_name)) {
        row(out, "Priority", escape_inline(r.priority_name));
      } else {
        note(r.key, "priority '" + r.priority_name +
                        "' is left out: a file names Highest, High, Medium, Low or Lowest");
      }
    }
    if (!r.labels.empty()) {
      std::string labels;
      for (const auto& l : r.labels) labels += (labels.empty() ? "" : ", ") + escape_inline(l);
      row(out, "Labels", labels);
    }
    for (const auto& spec : info_.fields) {
      if (spec.kind == tracker::FieldKind::kUnsupported) continue;
      if (epic ? !spec.on_epic : !spec.on_story) continue;
      auto it = r.fields.find(spec.key);
      if (it == r.fields.end() || it->second.empty()) continue;
      if (spec.kind == tracker::FieldKind::kUser &&
          info_.deployment == tracker::Deployment::kCloud) {
        note(r.key, spec.name +
                        " is left out: Jira Cloud gives the user as an account id, which a file "
                        "cannot name (write the user's e-mail or display name to manage it)");
        continue;
      }
      if (tracker::is_set_kind(spec.kind) &&
          std::any_of(it->second.begin(), it->second.end(),
                      [](const std::string& v) { return v.find(',') != std::string::npos; })) {
        note(r.key, spec.name + " is left out: a value with a comma cannot be written in a list");
        continue;
      }
      std::string value;
      for (const auto& v : it->second) value += (value.empty() ? "" : ", ") + escape_inline(v);
      row(out, escape_inline(spec.name), value);
    }
  }

  std::string epic_block() {
    const RemoteIssue& e = s_.epic;
    std::string out = "# " + escape_inline(e.summary) + "\n\n";
    if (std::string d = description(e, 0); !d.empty()) out += d + "\n\n";
    out += "## Epic Summary\n\n| Field | Value |\n|-------|-------|\n";
    row(out, "Epic Key", e.key);
    if (std::string st = status_text(e); !st.empty()) row(out, "Status", escape_inline(st));
    common_rows(out, e, true);
    out += "\n## User Stories\n";
    return out;
  }

  std::string story_block(const RemoteIssue& r, const std::string& id, int level) {
    const std::string hashes(static_cast<size_t>(level), '#');
    std::string out = hashes + " " + id + ": " + escape_inline(r.summary) + "\n\n";
    out += "| Field | Value |\n|-------|-------|\n";
    row(out, "Issue", r.key);
    if (std::string st = status_text(r); !st.empty()) row(out, "Status", escape_inline(st));
    if (r.points) row(out, "Story Points", exact_number(*r.points));
    if (!r.assignee.empty()) {
      const bool cloud = info_.deployment == tracker::Deployment::kCloud;
      const std::string who =
          cloud && !r.assignee_display.empty() ? r.assignee_display : r.assignee;
      row(out, "Assignee", escape_inline(who));
    }
    common_rows(out, r, false);
    out += "\n";
    if (std::string d = description(r, level); !d.empty()) out += d + "\n\n";
    const std::string sub = hashes + "#";

    std::vector<const RemoteIssue*> subtasks;
    for (const auto& st : s_.subtasks) {
      if (st.parent_key == r.key) subtasks.push_back(&st);
    }
    if (!subtasks.empty()) {
      model::Story story;
      story.id = id;
      bool ids = false;
      for (const auto* st : subtasks) {
        const auto property = tracker::identity_property(*st);
        model::Subtask m;
        m.name = st->summary;
        if (!property.id.empty() && property.id != plan::subtask_identity(story, m)) ids = true;
      }
      // Descriptions first: a table without any has no Description column.
      std::map<std::string, std::string> descriptions;
      for (const auto* st : subtasks) {
        if (empty_text(st->description) || subtask_description.count(st->key)) continue;
        std::string desc = cell_text(trim_copy(text_.markdown(st->description, nullptr, false, 3)));
        if (desc.find('\n') != std::string::npos) {
          subtask_description.insert(st->key);
        } else if (!desc.empty()) {
          descriptions[st->key] = desc;
        }
      }
      const bool described = !descriptions.empty();
      out += sub + " Subtasks\n\n| Subtask |" + std::string(described ? " Description |" : "") +
             " SP | Status | Key |" + std::string(ids ? " ID |" : "") + "\n|---------|" +
             std::string(described ? "-------------|" : "") + "----|--------|-----|" +
             std::string(ids ? "----|" : "") + "\n";
      for (const auto* st : subtasks) {
        const std::string desc = descriptions.count(st->key) ? descriptions[st->key] : "";
        if (subtask_description.count(st->key)) {
          note(st->key,
               "description left out: a sub-task's description is one table cell, and this one "
               "is more than one line of markdown can hold");
        }
        const auto property = tracker::identity_property(*st);
        model::Subtask m;
        m.name = st->summary;
        const bool own_id = !property.id.empty() && property.id != plan::subtask_identity(story, m);
        out += "| " + escape_inline(st->summary) + " | " + (described ? desc + " | " : "") +
               (st->points ? exact_number(*st->points) : "") + " | " +
               escape_inline(status_text(*st)) + " | " + st->key + " |" +
               (ids ? " " + (own_id ? escape_inline(property.id) : std::string()) + " |" : "") +
               "\n";
      }
      out += "\n";
    }
    if (!r.links.empty()) {
      out += sub + " Links\n\n";
      for (const auto& l : r.links) {
        std::string phrase = markdown::fold(l.phrase.empty() ? l.type_name : l.phrase);
        out += "- " + phrase + " " + l.other_key + "\n";
      }
      out += "\n";
    }
    if (o_.comments && !r.comments.empty()) {
      // The comments epicsync posted for a file: the Related Commits comment is the file's
      // commits (not the tracker's to write back), and a file's comment already opens with its
      // author and day, so it is quoted as posted.
      std::map<std::string, std::string> posted;  // comment id → its key in the property
      for (const auto& [key, record] : tracker::identity_property(r).comments) {
        posted[record.id] = key;
      }
      std::string quotes;
      for (const auto& c : r.comments) {
        const auto own = posted.find(c.id);
        if (own != posted.end() && own->second == "commits") continue;
        std::string body = trim_copy(text_.markdown(c.body, nullptr, false, 3));
        if (own == posted.end()) {
          // The author as the file names them: by display name where the tracker gave one. The
          // header is read as written (no escapes), so asterisks, which would end it, go.
          std::string who = c.author_display.empty() ? c.author : c.author_display;
          who.erase(std::remove(who.begin(), who.end(), '*'), who.end());
          std::string head = "**@" + who + "**";
          if (c.created.size() >= 10) head += " (" + c.created.substr(0, 10) + ")";
          body = head + ":\n\n" + body;
        }
        quotes += as_quote(body) + "\n";
      }
      if (!quotes.empty()) out += sub + " Comments\n\n" + quotes;
    }
    return out;
  }

 private:
  const tracker::EpicSnapshot& s_;
  const tracker::TrackerInfo& info_;
  const WriteOptions& o_;
  const TextWriter& text_;
  std::vector<Note>& notes_;
};

// The story id each story is written under: the id epicsync recorded on it for this epic, else
// its key (a key is a story id the format takes, and pins the story to itself).
std::vector<std::pair<std::string, const RemoteIssue*>> story_ids(const tracker::EpicSnapshot& s) {
  std::vector<std::pair<std::string, const RemoteIssue*>> out;
  std::set<std::string> taken;
  for (const auto& r : s.stories) taken.insert(r.key);
  std::set<std::string> used;
  for (const auto& r : s.stories) {
    const auto property = tracker::identity_property(r);
    std::string id = r.key;
    if (!property.id.empty() && markdown::is_story_id(property.id) &&
        (property.epic.empty() || property.epic == s.epic.key) && !used.count(property.id) &&
        (!taken.count(property.id) || property.id == r.key)) {
      id = property.id;
    }
    used.insert(id);
    out.emplace_back(id, &r);
  }
  return out;
}

std::string assemble(Writer& w, const std::vector<std::pair<std::string, const RemoteIssue*>>& ids,
                     int level = 2) {
  std::string text = w.epic_block();
  for (const auto& [id, r] : ids) {
    std::string block = w.story_block(*r, id, level);
    while (!block.empty() && block.back() == '\n') block.pop_back();
    text += "\n" + block + "\n";
  }
  while (text.size() > 1 && text[text.size() - 1] == '\n' && text[text.size() - 2] == '\n') {
    text.pop_back();
  }
  return text;
}

// Reads the file back as a sync would and lists the issues whose description or title does not
// come back as the tracker holds it.
struct Mismatch {
  std::set<std::string> descriptions;
  std::set<std::string> subtask_descriptions;
  std::vector<Note> other;
};

Mismatch check(const std::string& text, const tracker::EpicSnapshot& s,
               const std::vector<std::pair<std::string, const RemoteIssue*>>& ids,
               const WriteOptions& o, const TextWriter& w) {
  Mismatch m;
  const std::string project = s.epic.key.substr(0, s.epic.key.find('-'));
  const auto parsed = markdown::parse_epic(text, {false, project, o.custom_fields});
  for (const auto& d : parsed.diagnostics) {
    if (d.severity == model::Severity::kError) {
      m.other.push_back({s.epic.key, "the file does not read back: line " +
                                         std::to_string(d.pos.line) + ": " + d.message});
    }
  }
  const auto& e = parsed.epic;
  if (e.title != trim_copy(s.epic.summary)) {
    m.other.push_back({s.epic.key, "the summary reads back as '" + e.title +
                                       "' (a title loses emoji and decoration around it)"});
  }
  if (!empty_text(s.epic.description) && !w.same(s.epic.description, e.description)) {
    m.descriptions.insert(s.epic.key);
  }
  std::map<std::string, const model::Story*> by_id;
  for (const auto& st : e.stories) by_id[st.id] = &st;
  for (const auto& [id, r] : ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      m.other.push_back({r->key, "does not read back as story " + id});
      continue;
    }
    const model::Story& story = *it->second;
    if (story.title != trim_copy(r->summary)) {
      m.other.push_back({r->key, "the summary reads back as '" + story.title +
                                     "' (a title loses emoji and decoration around it)"});
    }
    const std::string composed = markdown::compose_description(story);
    if (empty_text(r->description) ? !composed.empty() : !w.same(r->description, composed)) {
      m.descriptions.insert(r->key);
    }
    for (const auto& st : story.subtasks) {
      if (!st.tracker_key) continue;
      const auto remote =
          std::find_if(s.subtasks.begin(), s.subtasks.end(),
                       [&](const RemoteIssue& x) { return x.key == *st.tracker_key; });
      if (remote == s.subtasks.end()) continue;
      if (st.name != trim_copy(remote->summary)) {
        m.other.push_back({remote->key, "the summary reads back as '" + st.name + "'"});
      }
      if (!st.description.empty() && !w.same(remote->description, st.description)) {
        m.subtask_descriptions.insert(remote->key);
      }
    }
  }
  return m;
}

}  // namespace

std::string carried_sections(const model::Story& story, int level, bool comments) {
  const std::string sub(static_cast<size_t>(level + 1), '#');
  std::string out;
  if (!story.commits.empty()) {
    out += "\n" + sub + " Related Commits\n\n| Commit | Message |\n|--------|---------|\n";
    for (const auto& c : story.commits) out += "| `" + c.sha + "` | " + c.message + " |\n";
  }
  if (comments && !story.comments.empty()) {
    out += "\n" + sub + " Comments\n\n";
    for (const auto& c : story.comments) out += as_quote(plan::quoted_comment(c)) + "\n";
    while (out.size() > 1 && out.back() == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  }
  if (!story.attachments.empty()) {
    out += "\n" + sub + " Attachments\n\n";
    for (const auto& a : story.attachments) {
      // A path with blanks or parentheses stays one destination between angle brackets.
      const bool bracket = a.path.find_first_of(" ()<>") != std::string::npos;
      out += "- [" + escape_inline(a.name) + "](" + (bracket ? "<" + a.path + ">" : a.path) + ")\n";
    }
  }
  return out;
}

std::string escape_inline(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    // Letters, digits, blanks and the punctuation that never starts markup stay readable.
    if (is_ascii_punct(c) && std::string_view(",.:;?'\"/()=+-").find(c) == std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  // A line that starts with these would be a list item or a block; escaped, it is text.
  if (!out.empty() && (out[0] == '-' || out[0] == '+' || out[0] == '=')) out.insert(0, "\\");
  return out;
}

std::string exact_number(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return std::to_string(value);
  std::string s(buf, end);
  // A file writes numbers, not exponents.
  if (s.find_first_of("eE") != std::string::npos) {
    auto [e2, ec2] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    if (ec2 == std::errc()) s.assign(buf, e2);
  }
  return s;
}

PulledEpic write_epic(const tracker::EpicSnapshot& snapshot, const tracker::TrackerInfo& info,
                      const WriteOptions& options, const TextWriter& text) {
  PulledEpic out;
  std::vector<Note> notes;
  Writer w(snapshot, info, options, text, notes);
  const auto ids = story_ids(snapshot);
  std::string file = assemble(w, ids);
  Mismatch m = check(file, snapshot, ids, options, text);
  if (!m.descriptions.empty() || !m.subtask_descriptions.empty()) {
    // Written again with those descriptions fenced whole: an `adf` fence reads back unchanged.
    w.fence_all.insert(m.descriptions.begin(), m.descriptions.end());
    w.subtask_description.insert(m.subtask_descriptions.begin(), m.subtask_descriptions.end());
    notes.clear();
    w.quiet.clear();
    file = assemble(w, ids);
    m = check(file, snapshot, ids, options, text);
    for (const auto& key : m.descriptions) {
      notes.push_back({key, "the description does not read back as Jira holds it"});
    }
  }
  for (auto& n : m.other) notes.push_back(std::move(n));
  out.text = std::move(file);
  out.notes = std::move(notes);
  for (const auto& [id, r] : ids) out.stories.emplace_back(id, r->key);
  for (const auto& st : snapshot.subtasks) {
    const bool under = std::any_of(snapshot.stories.begin(), snapshot.stories.end(),
                                   [&](const RemoteIssue& r) { return r.key == st.parent_key; });
    if (under) ++out.subtasks;
  }
  return out;
}

std::string write_story(const tracker::EpicSnapshot& snapshot, const tracker::TrackerInfo& info,
                        const tracker::RemoteIssue& story, const std::string& story_id, int level,
                        const WriteOptions& options, const TextWriter& text,
                        std::vector<Note>& notes) {
  // The story alone in an epic of its own, written and checked as write_epic does.
  tracker::EpicSnapshot one;
  one.epic = snapshot.epic;
  one.epic.description = {};
  one.stories.push_back(story);
  for (const auto& st : snapshot.subtasks) {
    if (st.parent_key == story.key) one.subtasks.push_back(st);
  }
  // The epic's own notes (its priority, its fields) are not this story's: written to a list of
  // their own and dropped.
  std::vector<Note> story_notes;
  Writer w(one, info, options, text, story_notes);
  std::vector<std::pair<std::string, const RemoteIssue*>> ids = {{story_id, &one.stories[0]}};
  const std::string file = assemble(w, ids, level);
  Mismatch m = check(file, one, ids, options, text);
  w.fence_all.insert(m.descriptions.begin(), m.descriptions.end());
  w.subtask_description.insert(m.subtask_descriptions.begin(), m.subtask_descriptions.end());
  for (auto& n : m.other) {
    if (n.key != one.epic.key) notes.push_back(std::move(n));
  }
  story_notes.clear();
  w.quiet.clear();
  std::string block = w.story_block(one.stories[0], story_id, level);
  for (auto& n : story_notes) {
    if (n.key != one.epic.key) notes.push_back(std::move(n));
  }
  while (!block.empty() && block.back() == '\n') block.pop_back();
  return block + "\n";
}

}  // namespace epicsync::pull

#include "epic_parser.h"

#include <algorithm>
#include <map>
#include <optional>

#include "block_stream.h"
#include "description.h"
#include "field_values.h"
#include "source_text.h"
#include "story_sections.h"
#include "utf8_check.h"

namespace epicsync::markdown {
namespace {

using model::SourcePos;

struct FieldLine {
  std::string name;
  std::string value;
  SourcePos pos;
};

struct StoryHeading {
  std::string id;
  std::string title;
};

// "🔧 US-001: Guest checkout" → {US-001, Guest checkout}; words and emoji may precede the id.
std::optional<StoryHeading> match_story_heading(std::string_view text) {
  for (size_t colon = text.find(':'); colon != std::string_view::npos;
       colon = text.find(':', colon + 1)) {
    size_t begin = text.find_last_of(" \t", colon == 0 ? 0 : colon - 1);
    begin = begin == std::string_view::npos || begin >= colon ? 0 : begin + 1;
    std::string_view id = text.substr(begin, colon - begin);
    if (is_story_id(id)) {
      return StoryHeading{std::string(id), std::string(trim(text.substr(colon + 1)))};
    }
  }
  return std::nullopt;
}

// A level 2 or 3 heading that is not a story but was surely meant as one: it starts with a story
// id written another way ("US-001 - Login", "[US-002] Reset") or with the word Story
// ("Story 4: Remember me"). Returns the heading as it should be written, or nullopt.
std::optional<std::string> near_miss_story_heading(const std::string& text) {
  const std::string plain = strip_decoration(text);
  const size_t end = plain.find_first_of(" \t");
  std::string first = plain.substr(0, end);
  std::string rest = end == std::string::npos ? std::string() : plain.substr(end);
  while (!first.empty() && std::string_view("[(*`").find(first.front()) != std::string_view::npos) {
    first.erase(0, 1);
  }
  // "[US-002]" or "US-002:" written without the space before the title.
  size_t close = first.find_first_of("])*`:");
  if (close != std::string::npos) {
    rest = first.substr(close + 1) + rest;
    first.erase(close);
  }
  const auto title = [&rest] {
    // The separator the author put between id and title: "-", "–", "—", ":", "|", ".".
    std::string_view t = rest;
    for (bool cut = true; cut;) {
      cut = false;
      for (std::string_view sep : {" ", "\t", "-", ":", "|", ".", "\xE2\x80\x93", "\xE2\x80\x94"}) {
        if (t.substr(0, sep.size()) == sep) {
          t.remove_prefix(sep.size());
          cut = true;
        }
      }
    }
    return t.empty() ? std::string("Title") : std::string(t);
  };
  if (is_story_id(first)) return first + ": " + title();
  if (folded_name(first) == "story") {
    // "Story 4: Remember me", "Story #4 - …": the word and a number. "Story Map" or a section
    // named "Story Points" is no story meant.
    size_t i = rest.find_first_not_of(" \t#");
    std::string number;
    while (i != std::string::npos && i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      number += rest[i++];
    }
    if (number.empty()) return std::nullopt;
    rest = rest.substr(i);
    return "US-" + std::string(number.size() < 3 ? 3 - number.size() : 0, '0') + number + ": " +
           title();
  }
  return std::nullopt;
}

// How many stories to make room for: the lines that start with "## " or "### ", as story headings
// are written. Only a hint: an indented heading is not counted (the vector then grows as usual),
// and a file of such lines that are not stories reserves at most one Story per 64 bytes.
size_t story_heading_bound(const SourceText& src) {
  const std::string_view text = src.text();
  size_t count = 0;
  for (int line = 1; line <= src.line_count(); ++line) {
    const std::string_view start = text.substr(src.line_start(line), 4);
    count += start.substr(0, 3) == "## " || start == "### ";
  }
  return std::min(count, text.size() / 64);
}

// Runs of consecutive lines taken from the file; blocks that are structure (headings the tool
// consumes, metadata, separators) cut a run so they are not copied into content.
class Runs {
 public:
  void add(int first, int last) {
    if (open_ && !runs_.empty()) {
      runs_.back().second = std::max(runs_.back().second, last);
    } else {
      runs_.emplace_back(first, last);
    }
    open_ = true;
  }
  void cut() { open_ = false; }
  bool empty() const { return runs_.empty(); }
  std::string text(const SourceText& src) const {
    std::string out;
    for (const auto& [first, last] : runs_) {
      std::string piece = src.slice(first, last);
      if (piece.empty()) continue;
      if (!out.empty()) out += "\n\n";
      out += piece;
    }
    return out;
  }

 private:
  std::vector<std::pair<int, int>> runs_;
  bool open_ = false;
};

class EpicBuilder {
 public:
  EpicBuilder(const SourceText& src, std::vector<model::Diagnostic>& diagnostics,
              std::string project, const std::vector<std::string>& custom_fields)
      : src_(src),
        diag_(diagnostics),
        reader_{src, diag_, std::move(project)},
        custom_fields_(custom_fields) {}

  void on_block(const Block& b) {
    if (cmark_node_get_type(b.node) == CMARK_NODE_HEADING) {
      on_heading(b);
    } else if (story_ != nullptr) {
      on_story_block(b);
    } else {
      on_epic_block(b);
    }
  }

  // A Story is large: growing the vector story by story would move each several times and, at
  // the last doubling, hold the old and the new array at once.
  void reserve_stories(size_t count) { epic_.stories.reserve(count); }

  model::Epic finish() {
    close_story();
    epic_.description = epic_runs_.text(src_);
    check_identity();
    if (epic_.stories.empty()) {
      diag_.warning({1, 1}, "no stories found",
                    "a story is a level 2 or 3 heading such as '### US-001: Title'");
    }
    return std::move(epic_);
  }

 private:
  // ---- headings ------------------------------------------------------------------------------
  void on_heading(const Block& b) {
    heading_warned_ = false;
    const int level = cmark_node_get_heading_level(b.node);
    const std::string text = plain_text(b.node);
    if (level == 2 || level == 3) {
      if (auto heading = match_story_heading(text)) {
        start_story(b, level, *heading);
        return;
      }
      if (auto meant = near_miss_story_heading(text)) {
        // Not a story, so it stays text of the epic or of the story above: said (once), not
        // guessed.
        diag_.warning(b.pos(), "heading '" + text + "' looks like a story but is not one",
                      "a story heading is its id, a colon and the title: '" +
                          std::string(static_cast<size_t>(level), '#') + " " + *meant + "'");
        heading_warned_ = true;
      }
    }
    if (story_ != nullptr) {
      if (level == story_level_ + 1) {
        open_section(b, text);
        return;
      }
      if (level > story_level_ + 1) {
        on_story_block(b);
        return;
      }
      // A heading at the story's level or above that is not a story ends the story.
      close_story();
    }
    on_epic_heading(b, level, text);
  }

  void on_epic_heading(const Block& b, int level, const std::string& text) {
    epic_zone_ = Zone::kFree;
    if (level == 1 && !seen_title_ && epic_.stories.empty()) {
      seen_title_ = true;
      epic_.title = strip_decoration(text);
      epic_.title_pos = b.pos();
      epic_runs_.cut();
      return;
    }
    const std::string name = folded_name(text);
    if (name == "epic summary" || name == "epic details" || name == "epic metadata" ||
        name == "summary" || name == "epic") {
      epic_zone_ = Zone::kSummary;
      epic_runs_.cut();
      return;
    }
    if (name == "user stories" || name == "stories") {
      epic_runs_.cut();
      return;
    }
    if (!epic_.stories.empty() && !heading_warned_) {
      diag_.warning(b.pos(),
                    "section '" + text + "' after the stories is part of the epic description");
    }
    epic_runs_.add(b.first_line(), b.last_line());
  }

  // ---- epic level ----------------------------------------------------------------------------
  void on_epic_block(const Block& b) {
    if (cmark_node_get_type(b.node) == CMARK_NODE_THEMATIC_BREAK) {
      epic_runs_.cut();
      return;
    }
    if (epic_zone_ == Zone::kSummary) {
      if (auto fields = metadata_fields(b, /*require_known=*/false)) {
        for (auto& f : *fields) apply_epic_field(f);
        epic_runs_.cut();
        return;
      }
    }
    epic_runs_.add(b.first_line(), b.last_line());
  }

  void apply_epic_field(const FieldLine& f) {
    epic_.metadata.push_back({f.name, f.value, f.pos});
    const std::string name = folded_name(f.name);
    if (name == "epic key" || name == "key" || name == "issue" || name == "jira") {
      if (auto key = parse_tracker_key(f.value)) {
        epic_.key = *key;
        if (reader_.project.empty()) reader_.project = key->substr(0, key->find('-'));
      } else {
        diag_.error(at_value(f.pos, f.value), "Epic Key '" + f.value + "' is not a tracker key",
                    "write it as PROJ-123");
      }
    } else if (name == "status" || name == "state") {
      if (has_content(f.value)) epic_.status = status_value(f.value, at_value(f.pos, f.value));
    } else if (name == "priority" || name == "prio") {
      if (auto m = parse_priority(f.value)) {
        epic_.priority = model::Priority{*m, f.value, f.pos};
      } else {
        bad_priority(f);
      }
    } else if (field_kind(f.name) == FieldKind::kLabels) {
      if (auto labels = parse_labels(f.value)) {
        epic_.labels = *labels;
      } else {
        bad_labels(f);
      }
    } else if (name == "epic name" || name == "name" || name == "title") {
      if (epic_.title.empty()) epic_.title = strip_decoration(f.value);
    } else if (apply_table_field(f, epic_.fields)) {
    } else {
      diag_.warning(f.pos, "unknown epic field '" + f.name + "' is kept but not synced");
    }
  }

  // ---- stories -------------------------------------------------------------------------------
  void start_story(const Block& b, int level, const StoryHeading& heading) {
    close_story();
    epic_runs_.cut();
    epic_zone_ = Zone::kFree;
    if (heading.title.empty()) {
      diag_.error(b.pos(), "story " + heading.id + " has no title",
                  "write the heading as '" + heading.id + ": Title'");
    }
    epic_.stories.emplace_back();
    story_ = &epic_.stories.back();
    story_->id = heading.id;
    story_->title = heading.title;
    story_->heading_level = level;
    story_->pos = b.pos();
    story_level_ = level;
    role_ = Role::kPreamble;
  }

  void close_story() {
    if (story_ == nullptr) return;
    close_section();
    check_limits(*story_);
    story_ = nullptr;
    description_pos_.reset();
  }

  // Jira's limits, found here rather than by a create that fails at execute: a summary takes at
  // most 255 characters, a description (a text field) 32,767. Each error points at the value.
  static constexpr size_t kMaxSummary = 255;
  static constexpr size_t kMaxDescription = 32'767;
  static size_t characters(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  // `pos` moved to where `value` starts on its line (its first 32 bytes found there).
  SourcePos at_value(SourcePos pos, std::string_view value) const {
    const std::string_view line = src_.line(pos.line);
    const size_t from = pos.column > 0 ? static_cast<size_t>(pos.column - 1) : 0;
    const size_t found = line.find(value.substr(0, 32), std::min(from, line.size()));
    if (found != std::string_view::npos) pos.column = static_cast<int>(found) + 1;
    return pos;
  }
  void check_limits(const model::Story& story) {
    if (const size_t n = characters(story.title); n > kMaxSummary) {
      diag_.error(at_value(story.pos, story.title),
                  "story " + story.id + ": the title is " + std::to_string(n) +
                      " characters; Jira's summary takes at most 255",
                  "shorten the title; say the rest in the description");
    }
    for (const auto& st : story.subtasks) {
      if (const size_t n = characters(st.name); n > kMaxSummary) {
        diag_.error(at_value(st.pos, st.name),
                    "sub-task of " + story.id + ": the name is " + std::to_string(n) +
                        " characters; Jira's summary takes at most 255",
                    "shorten the name; say the rest in its description");
      }
    }
    // The bytes bound the characters from above: only a long story is composed and counted.
    size_t bytes = story.description.size() + story.technical_notes.size();
    // compose_description puts each section under its heading with blank lines around it.
    for (const auto& part : story.description_parts) {
      bytes += part.section.markdown.size() + part.section.heading.size() + 16;
    }
    if (bytes <= kMaxDescription) return;
    if (const size_t n = characters(compose_description(story)); n > kMaxDescription) {
      // Where the description begins: its section, else the first part, else the heading.
      const SourcePos where = description_pos_ ? *description_pos_
                              : !story.description_parts.empty()
                                  ? story.description_parts.front().section.pos
                                  : story.pos;
      diag_.error(where,
                  "story " + story.id + ": the description is " + std::to_string(n) +
                      " characters; Jira takes at most 32,767 in a description",
                  "move the long parts (logs, tables of data) to an attachment or a linked page");
    }
  }

  enum class Role { kPreamble, kImplicitDescription, kSection };

  void open_section(const Block& b, const std::string& heading) {
    close_section();
    role_ = Role::kSection;
    section_role_ = section_role(heading);
    section_heading_ = std::string(trim(heading));
    section_pos_ = b.pos();
    section_runs_ = Runs{};
    if (section_role_ == SectionRole::kOther) {
      diag_.warning(b.pos(),
                    "unknown section '" + section_heading_ + "' is kept in the description");
    }
  }

  void close_section() {
    if (story_ == nullptr) return;
    std::string body = section_runs_.text(src_);
    if (role_ == Role::kImplicitDescription) {
      append_description(body);
    } else if (role_ == Role::kSection) {
      switch (section_role_) {
        case SectionRole::kDescription:
          if (!description_pos_) description_pos_ = section_pos_;
          append_description(body);
          break;
        case SectionRole::kAcceptanceCriteria:
          add_part(model::SectionKind::kAcceptanceCriteria, body);
          break;
        case SectionRole::kTechnicalNotes:
          if (!story_->technical_notes.empty() && !body.empty()) story_->technical_notes += "\n\n";
          story_->technical_notes += body;
          add_part(model::SectionKind::kTechnicalNotes, body);
          break;
        case SectionRole::kOther:
          add_part(model::SectionKind::kOther, body);
          break;
        default:
          break;
      }
    }
    section_runs_ = Runs{};
    role_ = Role::kPreamble;
  }

  void append_description(const std::string& body) {
    if (body.empty()) return;
    if (!story_->description.empty()) story_->description += "\n\n";
    story_->description += body;
  }

  void add_part(model::SectionKind kind, const std::string& body) {
    story_->description_parts.push_back({kind, {section_heading_, body, section_pos_}});
  }

  void on_story_block(const Block& b) {
    const auto type = cmark_node_get_type(b.node);
    if (role_ == Role::kPreamble) {
      if (type == CMARK_NODE_THEMATIC_BREAK) return;
      if (auto fields = metadata_fields(b, /*require_known=*/true)) {
        for (auto& f : *fields) apply_story_field(f);
        if (story_->metadata_style == model::MetadataStyle::kNone) {
          story_->metadata_style = is_table(b.node) ? model::MetadataStyle::kTable
                                   : type == CMARK_NODE_BLOCK_QUOTE
                                       ? model::MetadataStyle::kQuote
                                       : model::MetadataStyle::kBoldLines;
        }
        story_->metadata_last_line = b.last_line();
        return;
      }
      role_ = Role::kImplicitDescription;
      if (!description_pos_) description_pos_ = b.pos();
    }
    if (role_ == Role::kImplicitDescription) {
      if (type != CMARK_NODE_THEMATIC_BREAK) section_runs_.add(b.first_line(), b.last_line());
      return;
    }
    // A separator inside a section is content, a trailing one is decoration: it joins the run
    // only if more content follows it.
    if (type == CMARK_NODE_THEMATIC_BREAK) return;
    switch (section_role_) {
      case SectionRole::kDescription:
      case SectionRole::kTechnicalNotes:
      case SectionRole::kOther:
        section_runs_.add(b.first_line(), b.last_line());
        return;
      case SectionRole::kAcceptanceCriteria:
        section_runs_.add(b.first_line(), b.last_line());
        if (type == CMARK_NODE_LIST) reader_.read_criteria(b, story_->acceptance_criteria);
        return;
      case SectionRole::kSubtasks:
        if (is_table(b.node) && reader_.read_subtask_table(b, story_->subtasks)) return;
        if (type == CMARK_NODE_LIST) {
          reader_.read_subtask_list(b, story_->subtasks);
          return;
        }
        break;
      case SectionRole::kCommits:
        if (reader_.read_commits(b, story_->commits)) return;
        break;
      case SectionRole::kComments:
        if (reader_.read_comment(b, story_->comments)) return;
        break;
      case SectionRole::kLinks:
        if (reader_.read_links(b, story_->links)) return;
        break;
      case SectionRole::kAttachments:
        if (reader_.read_attachments(b, story_->attachments)) return;
        break;
    }
    if (type == CMARK_NODE_THEMATIC_BREAK) return;
    diag_.warning(b.pos(),
                  "content in section '" + section_heading_ + "' is not understood and is ignored");
  }

  void apply_story_field(const FieldLine& f) {
    auto& s = *story_;
    switch (field_kind(f.name)) {
      case FieldKind::kPoints:
        if (!has_content(f.value)) return;
        s.points = parse_points(f.value);
        if (!s.points) {
          diag_.error(at_value(f.pos, f.value),
                      f.name + ": '" + f.value + "' is not a number of points",
                      "use a non-negative number such as 3 or 0.5");
        }
        return;
      case FieldKind::kPriority:
        if (!has_content(f.value)) return;
        if (auto m = parse_priority(f.value)) {
          s.priority = model::Priority{*m, f.value, f.pos};
        } else {
          bad_priority(f);
        }
        return;
      case FieldKind::kStatus:
        if (!has_content(f.value)) return;
        s.status = status_value(f.value, at_value(f.pos, f.value));
        return;
      case FieldKind::kAssignee: {
        std::string who = strip_decoration(f.value);
        if (!who.empty()) s.assignee = who;
        return;
      }
      case FieldKind::kLabels:
        if (auto labels = parse_labels(f.value)) {
          s.labels = *labels;
        } else {
          bad_labels(f);
        }
        return;
      case FieldKind::kTrackerKey:
        if (!has_content(f.value)) return;
        if (auto key = parse_tracker_key(f.value)) {
          s.tracker_key = *key;
          s.tracker_key_pos = f.pos;
        } else {
          diag_.error(at_value(f.pos, f.value), "'" + f.value + "' is not a tracker key",
                      "write it as PROJ-124");
        }
        return;
      case FieldKind::kUnknown:
        if (apply_table_field(f, s.fields)) return;
        s.unknown_fields.push_back({f.name, f.value, f.pos});
        diag_.warning(f.pos, "unknown field '" + f.name + "' is kept but not synced",
                      "known fields: Story Points, Priority, Status, Assignee, Labels, Issue, "
                      "Components, Fix Versions, Due Date; a custom field is synced once "
                      "jira.fields maps its name");
        return;
    }
  }

  void bad_labels(const FieldLine& f) {
    diag_.error(at_value(f.pos, f.value), "labels cannot contain blanks: '" + f.value + "'",
                "separate labels with commas; join words with '-'");
  }
  void bad_priority(const FieldLine& f) {
    diag_.error(at_value(f.pos, f.value), "unknown priority '" + f.value + "'",
                "use Critical, High, Medium, Low or Lowest (or P0..P4)");
  }

  // ---- metadata blocks -----------------------------------------------------------------------
  // The three metadata forms: a two-column table, bold labels on their own lines, or those
  // lines in a quote. Under a story a block counts only if it names at least one known field,
  // so a description that starts with a table or a bold word is not taken for metadata.
  std::optional<std::vector<FieldLine>> metadata_fields(const Block& b, bool require_known) {
    std::vector<FieldLine> fields;
    const auto type = cmark_node_get_type(b.node);
    if (is_table(b.node)) {
      auto rows = table_rows(b.node);
      if (rows.empty() || rows[0].size() != 2) return std::nullopt;
      const std::string h0 = folded_name(plain_text(rows[0][0]));
      const std::string h1 = folded_name(plain_text(rows[0][1]));
      const bool generic_header =
          (h0 == "field" || h0 == "name" || h0 == "property" || h0 == "attribute") &&
          (h1 == "value" || h1 == "values" || h1 == "details");
      for (size_t r = generic_header ? 1 : 0; r < rows.size(); ++r) {
        if (rows[r].size() < 2) continue;
        FieldLine f;
        f.name = label_text(plain_text(rows[r][0]));
        f.value = std::string(trim(plain_text(rows[r][1])));
        if (field_kind(f.name) == FieldKind::kTrackerKey || f.value.empty()) {
          // Keep "[PROJ-1](url)" as written so the key can be taken from the link text.
          f.value = reader_.cell_markdown(b, rows[r][1]);
        }
        f.pos = b.pos_of(rows[r][0]);
        f.pos.column = 1;
        if (f.name.empty()) continue;
        fields.push_back(std::move(f));
      }
      if (!generic_header && !names_known(fields)) return std::nullopt;
    } else if (type == CMARK_NODE_PARAGRAPH) {
      if (!bold_label_lines(b, b.node, fields)) return std::nullopt;
    } else if (type == CMARK_NODE_BLOCK_QUOTE) {
      for (cmark_node* child : children(b.node)) {
        if (cmark_node_get_type(child) != CMARK_NODE_PARAGRAPH) return std::nullopt;
        if (!bold_label_lines(b, child, fields)) return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
    if (require_known && !names_known(fields)) return std::nullopt;
    if (fields.empty()) return std::nullopt;
    return fields;
  }

  bool names_known(const std::vector<FieldLine>& fields) const {
    for (const auto& f : fields) {
      if (field_kind(f.name) != FieldKind::kUnknown || !table_field(f.name).empty()) return true;
    }
    return false;
  }

  // The field table's name for a metadata name: a system field (Components, Fix Versions, Due
  // Date) or a custom field of the configuration; "" when it is neither.
  std::string table_field(const std::string& name) const {
    std::string builtin = builtin_extra_field(name);
    if (!builtin.empty()) return builtin;
    const std::string folded = folded_name(name);
    for (const auto& c : custom_fields_) {
      if (folded_name(c) == folded) return c;
    }
    return {};
  }

  // A field of the table: kept with the position of its value. A due date is checked here, where
  // the line is known; the other kinds need the tracker's metadata and are checked by the plan.
  bool apply_table_field(const FieldLine& f, std::vector<model::FieldSetting>& out) {
    const std::string field = table_field(f.name);
    if (field.empty()) return false;
    // "-" (or "—") alone clears the field; any other value loses its decoration ("🚀 Mobile",
    // "**API**"), as every field's value does.
    const std::string_view written = trim(f.value);
    const bool clear = written == "-" || written == "—";
    // A signed number ("-250") keeps its sign: decoration is only around words.
    const bool signed_number = written.size() > 1 && (written[0] == '-' || written[0] == '+') &&
                               ((written[1] >= '0' && written[1] <= '9') || written[1] == '.');
    const std::string value = clear           ? std::string("-")
                              : signed_number ? std::string(written)
                                              : strip_decoration(written);
    if (value.empty()) return true;  // an empty row manages nothing, like the other fields
    const auto pos = at_value(f.pos, f.value);
    if (field == "Due Date" && !clear && !model::is_iso_date(value)) {
      diag_.error(pos, f.name + ": '" + value + "' is not a date",
                  "write it as YYYY-MM-DD (2026-03-31), or - to clear it");
      return true;
    }
    for (const auto& s : out) {
      if (s.field == field) {
        diag_.warning(pos, f.name + " is written twice (also as " + s.name + " on line " +
                               std::to_string(s.pos.line) + "); this one counts");
      }
    }
    std::erase_if(out, [&](const model::FieldSetting& s) { return s.field == field; });
    out.push_back({field, f.name, value, pos});
    return true;
  }

  static std::string label_text(std::string_view s) {
    s = trim(s);
    while (!s.empty() && s.back() == ':') s = trim(s.substr(0, s.size() - 1));
    return std::string(s);
  }

  // Every line of the paragraph is "**Label**: value" (or "**Label:** value").
  bool bold_label_lines(const Block& b, cmark_node* paragraph, std::vector<FieldLine>& out) {
    int line_no = cmark_node_get_start_line(paragraph) + b.line_offset;
    for (const auto& line : inline_lines(paragraph)) {
      if (line.empty() || cmark_node_get_type(line[0]) != CMARK_NODE_STRONG) return false;
      std::string label = plain_text(line[0]);
      std::string rest;
      for (size_t i = 1; i < line.size(); ++i) rest += plain_text(line[i]);
      std::string_view value = trim(rest);
      if (!label.empty() && trim(label).back() == ':') {
        label = label_text(label);
      } else if (!value.empty() && value.front() == ':') {
        value = trim(value.substr(1));
      } else {
        return false;
      }
      std::string text(value);
      if (field_kind(label) == FieldKind::kTrackerKey) {
        // The raw line keeps a link's text, where the key is.
        std::string_view raw = src_.line(line_no);
        auto colon = raw.find(':');
        if (colon != std::string_view::npos) text = std::string(trim(raw.substr(colon + 1)));
        while (!text.empty() && text.front() == '*') text.erase(0, 1);
        text = std::string(trim(text));
      }
      out.push_back({label, text, {line_no, 1}});
      ++line_no;
    }
    return true;
  }

  // ---- whole-file checks ---------------------------------------------------------------------
  void check_identity() {
    std::map<std::string, SourcePos> ids;
    std::map<std::string, SourcePos> keys;
    auto claim_key = [&](const std::string& key, SourcePos pos) {
      auto [it, fresh] = keys.emplace(key, pos);
      if (!fresh) {
        diag_.error(pos,
                    "tracker key " + key + " is pinned twice (also at line " +
                        std::to_string(it->second.line) + ")",
                    "each story and subtask maps to its own issue");
      }
    };
    for (const auto& s : epic_.stories) {
      auto [it, fresh] = ids.emplace(s.id, s.pos);
      if (!fresh) {
        diag_.error(s.pos,
                    "duplicate story id " + s.id + " (first at line " +
                        std::to_string(it->second.line) + ")",
                    "story ids must be unique within the file");
      }
      if (s.tracker_key) claim_key(*s.tracker_key, s.tracker_key_pos);
      for (const auto& st : s.subtasks) {
        if (st.tracker_key) claim_key(*st.tracker_key, st.pos);
      }
    }
  }

  enum class Zone { kFree, kSummary };

  const SourceText& src_;
  model::Epic epic_;
  Diagnostics diag_;
  SectionReader reader_;

  bool seen_title_ = false;
  Zone epic_zone_ = Zone::kFree;
  Runs epic_runs_;

  model::Story* story_ = nullptr;
  int story_level_ = 3;
  Role role_ = Role::kPreamble;
  SectionRole section_role_ = SectionRole::kOther;
  std::string section_heading_;
  bool heading_warned_ = false;
  std::optional<SourcePos> description_pos_;  // where the open story's description begins  // the
                                              // heading being read has had its warning already
  SourcePos section_pos_;
  Runs section_runs_;
  const std::vector<std::string>& custom_fields_;
};

}  // namespace

ParseResult parse_epic(std::string_view text, const ParseOptions& options) {
  ParseResult result;
  Diagnostics diag(result.diagnostics);
  if (auto bad = first_invalid_utf8(text)) {
    diag.error(*bad, "the file is not valid UTF-8", "save it with UTF-8 encoding");
    return result;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // byte order mark
  if (is_blank(text)) {
    diag.error({1, 1}, "the file is empty", "an epic file has at least one story heading");
    return result;
  }
  SourceText src(text);
  CmarkArena arena;
  EpicBuilder builder(src, result.diagnostics, options.project, options.custom_fields);
  builder.reserve_stories(story_heading_bound(src));
  for_each_block(src, arena, [&](const Block& b) { builder.on_block(b); });
  result.epic = builder.finish();
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const model::Diagnostic& a, const model::Diagnostic& b) {
                     return a.pos.line < b.pos.line;
                   });
  if (options.strict) {
    for (auto& d : result.diagnostics) d.severity = model::Severity::kError;
  }
  return result;
}

}  // namespace epicsync::markdown

#include "story_sections.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "field_values.h"

namespace epicsync::markdown {
namespace {

bool one_of(const std::string& folded, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), folded) != names.end();
}

std::string folded_plain(cmark_node* node) {
  return folded_name(plain_text(node));
}

// Splits "Name (2 SP) - description" into its parts; the dash needs blanks around it so that
// hyphenated names stay whole.
struct TaskLine {
  std::string name_markdown;
  std::optional<double> points;
  std::optional<std::string> key;  // a trailing "(PROJ-12)" pins the item to that sub-task
  std::string description;
};

TaskLine split_task_line(std::string_view line, const std::string& project) {
  TaskLine out;
  std::string_view head = line;
  for (std::string_view sep : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    auto at = line.find(sep);
    if (at != std::string_view::npos && at < head.size()) {
      head = line.substr(0, at);
      out.description = std::string(trim(line.substr(at + sep.size())));
    }
  }
  head = trim(head);
  // "(2 SP)" and "(PROJ-12)" at the end of the name, in either order.
  while (!head.empty() && head.back() == ')') {
    auto open = head.rfind('(');
    if (open == std::string_view::npos) break;
    const std::string_view inner = head.substr(open + 1, head.size() - open - 2);
    if (!out.points) {
      if (auto points = parse_points(inner)) {
        out.points = points;
        head = trim(head.substr(0, open));
        continue;
      }
    }
    const std::string_view key = trim(inner);
    if (!out.key && is_tracker_key(key) &&
        (project.empty() || key.substr(0, key.find('-')) == project)) {
      out.key = std::string(key);
      head = trim(head.substr(0, open));
      continue;
    }
    break;
  }
  out.name_markdown = std::string(head);
  return out;
}

std::optional<int> parse_int(std::string_view s) {
  s = trim(s);
  int value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

enum class Column { kNumber, kName, kDescription, kPoints, kStatus, kKey, kId, kUnknown };

Column subtask_column(const std::string& h) {
  if (one_of(h, {"#", "", "no", "num", "nr", "number"})) return Column::kNumber;
  if (one_of(h, {"subtask", "sub task", "task", "name", "title", "summary"})) return Column::kName;
  if (one_of(h, {"description", "details", "notes"})) return Column::kDescription;
  if (one_of(h, {"sp", "points", "story points", "est", "estimate"})) return Column::kPoints;
  if (one_of(h, {"status", "state"})) return Column::kStatus;
  if (one_of(h, {"key", "issue", "jira"})) return Column::kKey;
  if (one_of(h, {"id"})) return Column::kId;
  return Column::kUnknown;
}

}  // namespace

void Diagnostics::error(model::SourcePos pos, std::string message, std::string hint) {
  out_.push_back({model::Severity::kError, pos, std::move(message), std::move(hint)});
}

void Diagnostics::warning(model::SourcePos pos, std::string message, std::string hint) {
  out_.push_back({model::Severity::kWarning, pos, std::move(message), std::move(hint)});
}

SectionRole section_role(std::string_view heading_text) {
  std::string h = folded_name(heading_text);
  if (one_of(h, {"description", "user story", "story"})) return SectionRole::kDescription;
  if (one_of(h, {"acceptance criteria", "acceptance"})) return SectionRole::kAcceptanceCriteria;
  if (one_of(h, {"technical notes", "notes", "tech notes"})) return SectionRole::kTechnicalNotes;
  if (one_of(h, {"subtasks", "sub tasks", "tasks"})) return SectionRole::kSubtasks;
  if (one_of(h, {"related commits", "commits"})) return SectionRole::kCommits;
  if (one_of(h, {"comments"})) return SectionRole::kComments;
  if (one_of(h, {"links", "dependencies", "related issues", "issue links"})) {
    return SectionRole::kLinks;
  }
  if (one_of(h, {"attachments"})) return SectionRole::kAttachments;
  return SectionRole::kOther;
}

std::vector<std::vector<cmark_node*>> table_rows(cmark_node* table) {
  const std::vector<cmark_node*> row_nodes = children(table);
  std::vector<std::vector<cmark_node*>> rows;
  rows.reserve(row_nodes.size());
  for (cmark_node* row : row_nodes) rows.push_back(children(row));
  return rows;
}

std::string SectionReader::paragraph_markdown(const Block& b, cmark_node* paragraph) const {
  const int first = cmark_node_get_start_line(paragraph) + b.line_offset;
  const int last = cmark_node_get_end_line(paragraph) + b.line_offset;
  std::string out;
  for (int line = first; line <= last; ++line) {
    std::string_view text = src.line(line);
    if (line == first) {
      auto col = static_cast<size_t>(cmark_node_get_start_column(paragraph));
      text = col >= 1 && col - 1 <= text.size() ? text.substr(col - 1) : std::string_view{};
    } else {
      // Continuation lines inside a quote or list carry their container's markers.
      text = trim(text);
      while (!text.empty() && text.front() == '>') text = trim(text.substr(1));
    }
    text = trim(text);
    if (text.empty()) continue;
    if (!out.empty()) out += ' ';
    out += text;
  }
  return out;
}

std::string SectionReader::cell_markdown(const Block& b, cmark_node* cell) const {
  return std::string(src.columns(cmark_node_get_start_line(cell) + b.line_offset,
                                 cmark_node_get_start_column(cell),
                                 cmark_node_get_end_column(cell)));
}

model::SourcePos SectionReader::cell_pos(const Block& b, cmark_node* cell) const {
  model::SourcePos pos = b.pos_of(cell);
  std::string_view line = src.line(pos.line);
  while (pos.column >= 1 && static_cast<size_t>(pos.column) <= line.size() &&
         (line[static_cast<size_t>(pos.column - 1)] == ' ' ||
          line[static_cast<size_t>(pos.column - 1)] == '\t')) {
    ++pos.column;
  }
  return pos;
}

void SectionReader::read_criteria(const Block& list, std::vector<model::Criterion>& out) const {
  for (cmark_node* item : children(list.node)) {
    cmark_node* para = cmark_node_first_child(item);
    if (para == nullptr || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) continue;
    out.push_back({paragraph_markdown(list, para), tasklist_checked(item), list.pos_of(item)});
  }
}

bool SectionReader::read_subtask_table(const Block& b, std::vector<model::Subtask>& out) const {
  auto rows = table_rows(b.node);
  if (rows.empty()) return false;
  std::vector<Column> columns;
  bool has_name = false;
  for (cmark_node* cell : rows[0]) {
    std::string h = folded_name(plain_text(cell));
    if (plain_text(cell).find('#') != std::string::npos && h.empty()) h = "#";
    Column c = subtask_column(h);
    if (c == Column::kUnknown) {
      diag.warning(b.pos_of(cell), "unknown subtask column '" + plain_text(cell) + "' is ignored",
                   "columns: #, Subtask, Description, SP, Status, Key, ID");
    }
    has_name = has_name || c == Column::kName;
    columns.push_back(c);
  }
  if (!has_name) {
    diag.error(b.pos(), "subtasks table has no name column",
               "add a column named Subtask, Task, Name, Title or Summary");
    return true;
  }
  // A Subtask is large; growing the vector row by row would move every one several times. Only
  // the first block reserves, so that many small tables still grow the vector geometrically.
  if (out.empty()) out.reserve(rows.size() - 1);
  const auto key_at = std::find(columns.begin(), columns.end(), Column::kKey);
  for (size_t r = 1; r < rows.size(); ++r) {
    model::Subtask st;
    st.table_line = b.pos().line;
    st.table_columns = static_cast<int>(columns.size());
    st.key_column = key_at == columns.end() ? -1 : static_cast<int>(key_at - columns.begin());
    st.pos = {cmark_node_get_start_line(cmark_node_parent(rows[r].empty() ? b.node : rows[r][0])) +
                  b.line_offset,
              1};
    bool row_ok = true;
    for (size_t c = 0; c < rows[r].size() && c < columns.size(); ++c) {
      cmark_node* cell = rows[r][c];
      std::string plain = plain_text(cell);
      if (std::string_view t = trim(plain); t.size() != plain.size()) plain = std::string(t);
      switch (columns[c]) {
        case Column::kNumber:
          if (!plain.empty()) st.number = parse_int(strip_decoration(plain));
          break;
        case Column::kName:
          st.name = std::move(plain);
          break;
        case Column::kDescription:
          st.description = cell_markdown(b, cell);
          break;
        case Column::kPoints:
          if (has_content(plain)) {
            st.points = parse_points(plain);
            if (!st.points) {
              diag.error(cell_pos(b, cell), "subtask points '" + plain + "' is not a number",
                         "use a non-negative number such as 2 or 0.5, or leave the cell empty");
              row_ok = false;
            }
          }
          break;
        case Column::kStatus:
          if (has_content(plain)) {
            st.status = status_value(plain, cell_pos(b, cell));
          }
          break;
        case Column::kKey:
          if (has_content(plain)) {
            st.tracker_key = parse_tracker_key(cell_markdown(b, cell));
            if (!st.tracker_key) {
              diag.error(cell_pos(b, cell), "'" + plain + "' is not a tracker key",
                         "write it as PROJ-124");
              row_ok = false;
            }
          }
          break;
        case Column::kId:
          if (!plain.empty()) st.local_id = std::move(plain);
          break;
        case Column::kUnknown:
          break;
      }
    }
    if (st.name.empty()) {
      diag.error(st.pos, "subtask row has an empty name", "give every row a name");
      row_ok = false;
    }
    if (row_ok) out.push_back(std::move(st));
  }
  return true;
}

void SectionReader::read_subtask_list(const Block& b, std::vector<model::Subtask>& out) const {
  const std::vector<cmark_node*> items = children(b.node);
  if (out.empty()) out.reserve(items.size());  // see read_subtask_table
  for (cmark_node* item : items) {
    cmark_node* para = cmark_node_first_child(item);
    auto pos = b.pos_of(item);
    if (para == nullptr || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
      diag.error(pos, "subtask item has an empty name",
                 "write it as '- [ ] Name (2 SP) - details'");
      continue;
    }
    TaskLine line = split_task_line(paragraph_markdown(b, para), project);
    model::Subtask st;
    st.name = std::string(trim(plain_text_of_markdown(line.name_markdown)));
    st.description = line.description;
    st.points = line.points;
    st.tracker_key = line.key;
    st.pos = pos;
    if (tasklist_checked(item))
      st.status = model::Status{model::StatusMeaning::kDone, "Done", pos, {}};
    if (cmark_node_next(para) != nullptr) {
      diag.warning(b.pos_of(cmark_node_next(para)),
                   "content under a subtask item is not part of the subtask",
                   "put details after ' - ' on the item's line");
    }
    if (st.name.empty()) {
      diag.error(pos, "subtask item has an empty name",
                 "write it as '- [ ] Name (2 SP) - details'");
      continue;
    }
    out.push_back(std::move(st));
  }
}

bool SectionReader::read_commits(const Block& b, std::vector<model::Commit>& out) const {
  if (is_table(b.node)) {
    auto rows = table_rows(b.node);
    int sha_col = -1, msg_col = -1;
    for (size_t c = 0; !rows.empty() && c < rows[0].size(); ++c) {
      std::string h = folded_plain(rows[0][c]);
      if (one_of(h, {"commit", "sha", "hash", "id"})) sha_col = static_cast<int>(c);
      if (one_of(h, {"message", "description", "summary", "title"})) msg_col = static_cast<int>(c);
    }
    if (sha_col < 0) {
      diag.warning(b.pos(), "commits table has no Commit column; it is ignored");
      return true;
    }
    for (size_t r = 1; r < rows.size(); ++r) {
      if (static_cast<size_t>(sha_col) >= rows[r].size()) continue;
      model::Commit commit;
      commit.sha = std::string(trim(plain_text(rows[r][static_cast<size_t>(sha_col)])));
      if (msg_col >= 0 && static_cast<size_t>(msg_col) < rows[r].size()) {
        commit.message = cell_markdown(b, rows[r][static_cast<size_t>(msg_col)]);
      }
      commit.pos = b.pos_of(rows[r][0]);
      commit.pos.column = 1;
      if (!commit.sha.empty()) out.push_back(std::move(commit));
    }
    return true;
  }
  if (cmark_node_get_type(b.node) != CMARK_NODE_LIST) return false;
  for (cmark_node* item : children(b.node)) {
    cmark_node* para = cmark_node_first_child(item);
    if (para == nullptr) continue;
    std::string text = paragraph_markdown(b, para);
    std::string_view rest = text;
    std::string sha;
    if (!rest.empty() && rest.front() == '`') {
      auto close = rest.find('`', 1);
      if (close != std::string_view::npos) {
        sha = std::string(rest.substr(1, close - 1));
        rest = rest.substr(close + 1);
      }
    } else {
      auto space = rest.find(' ');
      sha = std::string(rest.substr(0, space));
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    }
    rest = trim(rest);
    while (!rest.empty() && (rest.front() == '-' || rest.front() == ':'))
      rest = trim(rest.substr(1));
    if (!sha.empty()) out.push_back({sha, std::string(rest), b.pos_of(item)});
  }
  return true;
}

bool SectionReader::read_comment(const Block& b, std::vector<model::Comment>& out) const {
  if (cmark_node_get_type(b.node) != CMARK_NODE_BLOCK_QUOTE) return false;
  std::vector<std::string> lines;
  for (int line = b.first_line(); line <= b.last_line(); ++line) {
    std::string_view text = src.line(line);
    size_t i = 0;
    while (i < text.size() && i < 3 && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '>') {
      text = text.substr(i + 1);
      if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    }
    lines.emplace_back(text);
  }
  model::Comment comment;
  comment.pos = b.pos();
  // The header line "**@dana** (2025-03-02):" names the author and the date.
  std::string_view head = trim(lines.empty() ? std::string_view{} : lines[0]);
  if (head.substr(0, 2) == "**") {
    auto close = head.find("**", 2);
    if (close != std::string_view::npos) {
      std::string_view author = trim(head.substr(2, close - 2));
      std::string_view rest = trim(head.substr(close + 2));
      std::string date;
      if (!rest.empty() && rest.front() == '(') {
        auto end = rest.find(')');
        if (end != std::string_view::npos) {
          date = std::string(trim(rest.substr(1, end - 1)));
          rest = trim(rest.substr(end + 1));
        }
      }
      if (rest.empty() || rest.front() == ':') {
        if (!author.empty() && author.back() == ':') author.remove_suffix(1);
        if (!author.empty() && author.front() == '@') author.remove_prefix(1);
        comment.author = std::string(author);
        comment.date = date;
        rest = rest.empty() ? rest : trim(rest.substr(1));
        lines[0] = std::string(rest);
      }
    }
  }
  std::string body;
  for (const auto& l : lines) {
    if (!body.empty() || !is_blank(l)) body += l + "\n";
  }
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  comment.body = body;
  if (comment.body.empty()) {
    diag.warning(b.pos(), "comment has no text; it is ignored");
    return true;
  }
  out.push_back(std::move(comment));
  return true;
}

bool SectionReader::read_links(const Block& b, std::vector<model::IssueLink>& out) const {
  auto add = [&](std::string type, std::string_view target_text, model::SourcePos pos) {
    auto key = parse_tracker_key(target_text);
    if (!key) {
      diag.error(pos, "link target '" + std::string(trim(target_text)) + "' is not a tracker key",
                 "write links as '- blocks PROJ-7'");
      return;
    }
    type = folded_name(type);
    if (type.empty()) type = "relates to";
    out.push_back({type, *key, pos});
  };
  if (is_table(b.node)) {
    auto rows = table_rows(b.node);
    int type_col = -1, key_col = -1;
    for (size_t c = 0; !rows.empty() && c < rows[0].size(); ++c) {
      std::string h = folded_plain(rows[0][c]);
      if (one_of(h, {"type", "relation", "link type", "link"})) type_col = static_cast<int>(c);
      if (one_of(h, {"issue", "key", "target", "jira"})) key_col = static_cast<int>(c);
    }
    if (key_col < 0) {
      diag.error(b.pos(), "links table has no Issue column", "use columns | Type | Issue |");
      return true;
    }
    for (size_t r = 1; r < rows.size(); ++r) {
      auto& row = rows[r];
      if (static_cast<size_t>(key_col) >= row.size()) continue;
      std::string type = type_col >= 0 && static_cast<size_t>(type_col) < row.size()
                             ? plain_text(row[static_cast<size_t>(type_col)])
                             : std::string();
      add(type, cell_markdown(b, row[static_cast<size_t>(key_col)]),
          cell_pos(b, row[static_cast<size_t>(key_col)]));
    }
    return true;
  }
  if (cmark_node_get_type(b.node) != CMARK_NODE_LIST) return false;
  for (cmark_node* item : children(b.node)) {
    cmark_node* para = cmark_node_first_child(item);
    if (para == nullptr) continue;
    std::string text(trim(plain_text(para)));
    auto space = text.find_last_of(" \t");
    std::string target = space == std::string::npos ? text : text.substr(space + 1);
    std::string type = space == std::string::npos ? std::string() : text.substr(0, space);
    add(type, target, b.pos_of(item));
  }
  return true;
}

bool SectionReader::read_attachments(const Block& b, std::vector<model::Attachment>& out) const {
  if (cmark_node_get_type(b.node) != CMARK_NODE_LIST) return false;
  for (cmark_node* item : children(b.node)) {
    cmark_node* para = cmark_node_first_child(item);
    if (para == nullptr) continue;
    model::Attachment att;
    att.pos = b.pos_of(item);
    cmark_node* first = cmark_node_first_child(para);
    if (first != nullptr && (cmark_node_get_type(first) == CMARK_NODE_LINK ||
                             cmark_node_get_type(first) == CMARK_NODE_IMAGE)) {
      att.name = plain_text(first);
      const char* url = cmark_node_get_url(first);
      att.path = url != nullptr ? url : "";
    } else {
      att.path = std::string(trim(plain_text(para)));
    }
    if (att.name.empty()) {
      auto slash = att.path.find_last_of('/');
      att.name = slash == std::string::npos ? att.path : att.path.substr(slash + 1);
    }
    if (att.path.empty()) {
      diag.warning(att.pos, "attachment item names no file; it is ignored");
      continue;
    }
    out.push_back(std::move(att));
  }
  return true;
}

}  // namespace epicsync::markdown

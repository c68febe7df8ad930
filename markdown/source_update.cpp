#include "source_update.h"

#include <algorithm>
#include <vector>

namespace epicsync::markdown {
namespace {

struct Edit {
  int line = 0;          // 1-based; the edit applies to this line
  bool replace = false;  // replace the line, or insert after it
  std::string text;      // without line ending
};

// Lines with their endings, so untouched lines come back byte for byte.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      lines.push_back(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string_view ending_of(std::string_view line) {
  if (line.size() >= 2 && line.substr(line.size() - 2) == "\r\n") return "\r\n";
  if (!line.empty() && line.back() == '\n') return "\n";
  return "";
}

std::string_view body_of(std::string_view line) {
  return line.substr(0, line.size() - ending_of(line).size());
}

// The line of an existing Issue/Jira/Key field with the key put in place of the old value.
std::string replace_key(std::string_view line, const std::string& old_key, const std::string& key) {
  std::string out(body_of(line));
  const auto at = out.find(old_key);
  if (at == std::string::npos) return out;
  return out.replace(at, old_key.size(), key);
}

// A table row's cells between its pipes, escaped pipes ("\\|") kept inside their cell. The
// leading and trailing pipe are optional in GFM; `open`/`close` say whether the row has them.
struct Row {
  std::string indent;
  bool open = false;
  bool close = false;
  std::vector<std::string> cells;
};

Row split_row(std::string_view line) {
  Row row;
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) row.indent += line[i++];
  std::string_view body = line.substr(i);
  while (!body.empty() && (body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
  if (!body.empty() && body.front() == '|') {
    row.open = true;
    body.remove_prefix(1);
  }
  if (!body.empty() && body.back() == '|' && (body.size() < 2 || body[body.size() - 2] != '\\')) {
    row.close = true;
    body.remove_suffix(1);
  }
  std::string cell;
  for (size_t k = 0; k < body.size(); ++k) {
    if (body[k] == '\\' && k + 1 < body.size()) {
      cell += body[k];
      cell += body[++k];
    } else if (body[k] == '|') {
      row.cells.push_back(std::move(cell));
      cell.clear();
    } else {
      cell += body[k];
    }
  }
  row.cells.push_back(std::move(cell));
  return row;
}

std::string join_row(const Row& row) {
  std::string out = row.indent + (row.open ? "|" : "");
  for (size_t k = 0; k < row.cells.size(); ++k) out += (k == 0 ? "" : "|") + row.cells[k];
  return out + (row.close ? "|" : "");
}

// The row with `value` in cell `column`, empty cells added up to it when the row is short.
std::string with_cell(std::string_view line, int column, const std::string& value) {
  Row row = split_row(body_of(line));
  while (row.cells.size() <= static_cast<size_t>(column)) row.cells.emplace_back(" ");
  row.cells[static_cast<size_t>(column)] = " " + value + " ";
  return join_row(row);
}

// A task-list item's line with " (KEY)" after its name: before the " - " that starts its
// details, else at the end.
std::string with_item_key(std::string_view line, const std::string& key) {
  std::string out(body_of(line));
  size_t at = std::string::npos;
  // Past the indentation, the list marker ("-", "*", "+", "1." or "1)") and a checkbox.
  size_t from = out.find_first_not_of(" \t");
  if (from == std::string::npos) from = out.size();
  if (from < out.size() && (out[from] == '-' || out[from] == '*' || out[from] == '+')) {
    ++from;
  } else {
    while (from < out.size() && out[from] >= '0' && out[from] <= '9') ++from;
    if (from < out.size() && (out[from] == '.' || out[from] == ')')) ++from;
  }
  while (from < out.size() && (out[from] == ' ' || out[from] == '\t')) ++from;
  if (out.compare(from, 1, "[") == 0 && from + 2 < out.size() && out[from + 2] == ']') from += 3;
  for (std::string_view sep : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    at = std::min(at, out.find(sep, from));
  }
  if (at == std::string::npos) {
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    at = out.size();
  }
  return out.insert(at, " (" + key + ")");
}

void subtask_edits(const model::Story& s, const std::string& story_id,
                   const SubtaskKeys& subtask_keys, const std::vector<std::string_view>& lines,
                   std::map<int, std::string>& replaced) {
  auto line_text = [&](int n) -> std::string_view {
    if (auto it = replaced.find(n); it != replaced.end()) return it->second;
    return lines[static_cast<size_t>(n - 1)];
  };
  const int count = static_cast<int>(lines.size());
  std::map<int, int> added_column;  // table header line → the Key column added to it
  for (size_t i = 0; i < s.subtasks.size(); ++i) {
    const model::Subtask& st = s.subtasks[i];
    auto it = subtask_keys.find({story_id, i});
    if (it == subtask_keys.end() || st.tracker_key) continue;
    if (st.pos.line < 1 || st.pos.line > count) continue;
    if (st.table_line == 0) {
      replaced[st.pos.line] = with_item_key(line_text(st.pos.line), it->second);
      continue;
    }
    int column = st.key_column;
    if (column < 0) {
      auto added = added_column.find(st.table_line);
      if (added == added_column.end()) {
        if (st.table_line + 1 > count) continue;
        column = st.table_columns;
        replaced[st.table_line] = with_cell(line_text(st.table_line), column, "Key");
        replaced[st.table_line + 1] = with_cell(line_text(st.table_line + 1), column, "---");
        added = added_column.emplace(st.table_line, column).first;
      }
      column = added->second;
    }
    replaced[st.pos.line] = with_cell(line_text(st.pos.line), column, it->second);
  }
}

}  // namespace

std::string with_tracker_keys(std::string_view text, const model::Epic& epic,
                              const std::map<std::string, std::string>& keys,
                              const SubtaskKeys& subtask_keys) {
  const auto lines = split_lines(text);
  const std::string_view eol = lines.empty() ? "\n" : ending_of(lines.front());
  std::vector<Edit> edits;
  std::map<int, std::string> replaced;
  for (const auto& s : epic.stories) subtask_edits(s, s.id, subtask_keys, lines, replaced);
  for (const auto& [line, body] : replaced) edits.push_back({line, true, body});
  for (const auto& s : epic.stories) {
    auto it = keys.find(s.id);
    if (it == keys.end()) continue;
    const std::string& key = it->second;
    if (s.tracker_key) {
      if (*s.tracker_key != key && s.tracker_key_pos.line > 0 &&
          s.tracker_key_pos.line <= static_cast<int>(lines.size())) {
        edits.push_back({s.tracker_key_pos.line, true,
                         replace_key(lines[static_cast<size_t>(s.tracker_key_pos.line - 1)],
                                     *s.tracker_key, key)});
      }
      continue;
    }
    switch (s.metadata_style) {
      case model::MetadataStyle::kTable:
        edits.push_back({s.metadata_last_line, false, "| **Issue** | " + key + " |"});
        break;
      case model::MetadataStyle::kBoldLines:
        edits.push_back({s.metadata_last_line, false, "**Issue**: " + key});
        break;
      case model::MetadataStyle::kQuote:
        edits.push_back({s.metadata_last_line, false, "> **Issue**: " + key});
        break;
      case model::MetadataStyle::kNone:
        // Right under the heading, as a paragraph of its own (blank lines around it).
        edits.push_back({s.pos.line, false, "\n**Issue**: " + key + "\n"});
        break;
    }
  }
  std::string out;
  out.reserve(text.size() + edits.size() * 32);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    bool replaced = false;
    for (const auto& e : edits) {
      if (e.line == line_no && e.replace) {
        out += e.text;
        out += ending_of(lines[i]);
        replaced = true;
      }
    }
    if (!replaced) out += lines[i];
    for (const auto& e : edits) {
      if (e.line != line_no || e.replace) continue;
      if (ending_of(lines[i]).empty()) out += eol.empty() ? "\n" : std::string(eol);
      std::string inserted = e.text;
      // Keep the file's line endings in what is added.
      if (eol == "\r\n") {
        std::string converted;
        for (char c : inserted) converted += c == '\n' ? std::string("\r\n") : std::string(1, c);
        inserted = converted;
      }
      out += inserted;
      out += eol.empty() ? "\n" : std::string(eol);
    }
  }
  return out;
}

}  // namespace epicsync::markdown

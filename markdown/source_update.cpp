#include "source_update.h"

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

}  // namespace

std::string with_tracker_keys(std::string_view text, const model::Epic& epic,
                              const std::map<std::string, std::string>& keys) {
  const auto lines = split_lines(text);
  const std::string_view eol = lines.empty() ? "\n" : ending_of(lines.front());
  std::vector<Edit> edits;
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

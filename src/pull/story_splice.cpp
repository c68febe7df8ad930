#include "pull/story_splice.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <mutex>
#include <optional>
#include <vector>

namespace epicsync::pull {

namespace {

// The line each top-level heading of its level or above starts on, after `after`.
int next_heading(std::string_view text, int after, int level) {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (const char* name : {"table", "tasklist"}) {
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name));
  }
  cmark_parser_feed(parser, text.data(), text.size());
  cmark_node* doc = cmark_parser_finish(parser);
  int found = 0;
  for (cmark_node* n = cmark_node_first_child(doc); n != nullptr; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) != CMARK_NODE_HEADING) continue;
    const int line = cmark_node_get_start_line(n);
    if (line > after && cmark_node_get_heading_level(n) <= level) {
      found = line;
      break;
    }
  }
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return found;
}

// Where each line starts, lines ended as cmark and the parser end them: LF, CRLF or a lone CR.
std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    if ((text[i] == '\n' || text[i] == '\r') && i + 1 < text.size()) starts.push_back(i + 1);
  }
  return starts;
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> splice_story(std::string_view text, int heading_line,
                                        int next_story_line, int level, std::string_view block) {
  const auto starts = line_starts(text);
  if (heading_line > static_cast<int>(starts.size())) return std::nullopt;
  auto line_at = [&](int l) {
    const size_t s = starts[static_cast<size_t>(l - 1)];
    const size_t e =
        static_cast<size_t>(l) < starts.size() ? starts[static_cast<size_t>(l)] : text.size();
    return text.substr(s, e - s);
  };
  // The block ends its lines as the story's heading line does (the file's last line when the
  // block is appended); a file without line breaks gets LF.
  std::string eol = "\n";
  {
    const std::string_view sample =
        line_at(heading_line > 0 ? heading_line : static_cast<int>(starts.size()));
    if (sample.size() >= 2 && sample.substr(sample.size() - 2) == "\r\n") {
      eol = "\r\n";
    } else if (!sample.empty() && sample.back() == '\r') {
      eol = "\r";
    }
  }
  std::string body;
  for (char c : block) {
    if (c == '\n') {
      body += eol;
    } else {
      body += c;
    }
  }
  if (heading_line <= 0) {
    std::string out(text);
    if (!out.empty() && out.back() != '\n' && out.back() != '\r') out += eol;
    if (!out.empty()) out += eol;
    return out + body;
  }
  const size_t begin = starts[static_cast<size_t>(heading_line - 1)];
  int next = next_heading(text, heading_line, level);
  if (next_story_line > heading_line && (next == 0 || next_story_line < next)) {
    next = next_story_line;
  }
  // The story's last line: before the next heading, without the blank lines that separate it.
  int last = next > 0 ? next - 1 : static_cast<int>(starts.size());
  while (last > heading_line && blank(line_at(last))) --last;
  const size_t end =
      static_cast<size_t>(last) < starts.size() ? starts[static_cast<size_t>(last)] : text.size();
  std::string out(text.substr(0, begin));
  out += body;
  // The replaced story ended without a line break (the end of the file): so does its successor.
  if (end == text.size() && !text.empty() && text.back() != '\n' && text.back() != '\r') {
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  }
  out += text.substr(end);
  return out;
}

}  // namespace epicsync::pull

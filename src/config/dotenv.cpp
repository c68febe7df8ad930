#include "config/dotenv.h"

#include <variant>

namespace epicsync::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_key_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_key_char(char c) {
  return is_key_start(c) || (c >= '0' && c <= '9');
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// After a closing quote only blanks or a comment may follow.
bool only_comment_left(std::string_view rest) {
  rest = trim_left(rest);
  return rest.empty() || rest.front() == '#';
}

struct LineError {
  std::string what;
};

// Returns the value, or why the line is malformed (without quoting it).
std::variant<std::string, LineError> parse_value(std::string_view v) {
  if (v.empty()) return std::string();
  if (v.front() == '\'') {
    size_t end = v.find('\'', 1);
    if (end == std::string_view::npos) return LineError{"unterminated single quote"};
    if (!only_comment_left(v.substr(end + 1))) {
      return LineError{"unexpected text after the closing quote"};
    }
    return std::string(v.substr(1, end - 1));
  }
  if (v.front() == '"') {
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      char c = v[i];
      if (c == '"') {
        if (!only_comment_left(v.substr(i + 1))) {
          return LineError{"unexpected text after the closing quote"};
        }
        return out;
      }
      if (c == '\\' && i + 1 < v.size()) {
        char n = v[i + 1];
        if (n == 'n' || n == '"' || n == '\\') {
          out += n == 'n' ? '\n' : n;
          ++i;
          continue;
        }
      }
      out += c;
    }
    return LineError{"unterminated double quote"};
  }
  // Unquoted: a comment starts at a # preceded by a blank, so tokens may contain '#'.
  size_t hash = std::string_view::npos;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '#' && is_blank(v[i - 1])) {
      hash = i;
      break;
    }
  }
  return std::string(trim_right(v.substr(0, hash)));
}

}  // namespace

Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text,
                                                        const std::string& file) {
  std::map<std::string, std::string> values;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    line = trim_left(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 6) == "export" && line.size() > 6 && is_blank(line[6])) {
      line = trim_left(line.substr(6));
    }
    auto fail = [&](const std::string& what) -> Error {
      return Error{ErrorKind::kUsage, file + ":" + std::to_string(line_no) + ": " + what,
                   "each line must be KEY=VALUE, a # comment or blank"};
    };
    size_t key_end = 0;
    if (line.empty() || !is_key_start(line.front())) return fail("expected KEY=VALUE");
    while (key_end < line.size() && is_key_char(line[key_end])) ++key_end;
    std::string key(line.substr(0, key_end));
    std::string_view rest = trim_left(line.substr(key_end));
    if (rest.empty() || rest.front() != '=') return fail("expected KEY=VALUE");
    auto value = parse_value(trim_left(rest.substr(1)));
    if (auto* err = std::get_if<LineError>(&value)) return fail(err->what + " in the value");
    values[key] = std::move(std::get<std::string>(value));
  }
  return values;
}

}  // namespace epicsync::config

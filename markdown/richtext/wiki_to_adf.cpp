#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/adf_nodes.h"
#include "richtext/wiki.h"

namespace epicsync::richtext {

namespace {

using adf::json;
using adf::MarkSet;

// Where a block lands: a quote holds no headings, rules, tables or task lists; a panel holds
// headings, rules and task lists but no quotes or tables.
enum class Where { kDoc, kQuote, kPanel };

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

void append_utf8(std::string& out, unsigned long code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Decodes an HTML entity at text[i] ('&'); returns its length, 0 when it is none.
size_t entity(std::string_view text, size_t i, std::string& out) {
  // Entities are short; looking further would make a text full of '&' quadratic.
  size_t end = text.substr(i, 12).find(';');
  if (end == std::string_view::npos) return 0;
  end += i;
  std::string_view name = text.substr(i + 1, end - i - 1);
  if (name == "amp") {
    out += '&';
  } else if (name == "lt") {
    out += '<';
  } else if (name == "gt") {
    out += '>';
  } else if (name == "quot") {
    out += '"';
  } else if (name == "nbsp") {
    out += "\xC2\xA0";
  } else if (name.size() >= 2 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    unsigned long code = 0;
    for (char c : digits) {
      int value;
      if (c >= '0' && c <= '9') {
        value = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        value = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        value = c - 'A' + 10;
      } else {
        return 0;
      }
      code = code * (hex ? 16 : 10) + static_cast<unsigned long>(value);
      if (code > 0x10FFFF) code = 0x110000;
    }
    append_utf8(out, code);
  } else {
    return 0;
  }
  return end - i + 1;
}

std::string decode_percent(std::string_view href) {
  std::string out;
  for (size_t i = 0; i < href.size(); ++i) {
    // Only what the writer encodes is decoded, so other escapes in real URLs stay intact.
    if (href[i] == '%' && i + 2 < href.size()) {
      std::string_view code = href.substr(i + 1, 2);
      if (code == "7C") {
        out += '|';
      } else if (code == "5D") {
        out += ']';
      } else if (code == "5B") {
        out += '[';
      } else if (code == "5C") {
        out += '\\';
      } else {
        out += '%';
        continue;
      }
      i += 2;
      continue;
    }
    out += href[i];
  }
  return out;
}

bool is_effect(char c) {
  return c == '*' || c == '_' || c == '-' || c == '+' || c == '^' || c == '~';
}

// Parses inline wiki markup (one paragraph, list item or cell; '\n' is a line break).
class InlineParser {
 public:
  json parse(std::string_view text) {
    json out = json::array();
    inline_text(text, {}, out, 0);
    return out;
  }

 private:
  static constexpr int kMaxDepth = 16;

  static void apply_effect(MarkSet& marks, char effect) {
    switch (effect) {
      case '*':
        marks.strong = true;
        break;
      case '_':
      case '?':
        marks.em = true;
        break;
      case '-':
        marks.strike = true;
        break;
      case '+':
        marks.underline = true;
        break;
      case '^':
        marks.subsup = "sup";
        break;
      case '~':
        marks.subsup = "sub";
        break;
      default:
        break;
    }
  }

  // Where the effect opened at `start` closes: a plain closer must follow a non-space and not be
  // followed by a letter; a braced one ({*}) closes anywhere. Stops at a line break.
  // On failure *stop is where the search ended (a line break or the end): a later opener before
  // that point cannot find a closer either.
  static size_t find_closer(std::string_view text, size_t start, char effect, size_t* length,
                            size_t* stop) {
    *stop = text.size();
    for (size_t j = start; j < text.size(); ++j) {
      char c = text[j];
      if (c == '\n') {
        *stop = j;
        return std::string_view::npos;
      }
      if (c == '\\') {
        ++j;
        continue;
      }
      if (c == '{' && j + 2 < text.size() && text[j + 1] == effect && text[j + 2] == '}' &&
          j > start) {
        *length = 3;
        return j;
      }
      if (c == effect && j > start && !is_space(text[j - 1]) &&
          (j + 1 == text.size() || !is_alnum(static_cast<unsigned char>(text[j + 1])))) {
        *length = 1;
        return j;
      }
    }
    return std::string_view::npos;
  }

  void inline_text(std::string_view text, const MarkSet& marks, json& out, int depth) {
    // Remembers failed closer searches so that text full of unmatched openers stays linear.
    size_t no_closer_before[256] = {};
    std::string buffer;
    auto flush = [&] {
      adf::append_text(out, buffer, marks);
      buffer.clear();
    };
    size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == '\n' || c == '\r') {
        flush();
        if (c == '\n') adf::append_hard_break(out);
        ++i;
        continue;
      }
      if (c == '\\') {
        if (i + 1 < text.size() && text[i + 1] == '\\') {
          flush();
          adf::append_hard_break(out);
          i += 2;
          // "\\" at the end of a line already breaks it.
          if (i < text.size() && text[i] == '\n') ++i;
          continue;
        }
        if (i + 1 < text.size() && text[i + 1] != '\n') {
          // Copy one whole UTF-8 character.
          size_t length = 1;
          unsigned char lead = static_cast<unsigned char>(text[i + 1]);
          if (lead >= 0xF0) {
            length = 4;
          } else if (lead >= 0xE0) {
            length = 3;
          } else if (lead >= 0xC0) {
            length = 2;
          }
          buffer += text.substr(i + 1, length);
          i += 1 + length;
          continue;
        }
        buffer += c;
        ++i;
        continue;
      }
      if (c == '&') {
        size_t used = entity(text, i, buffer);
        if (used > 0) {
          i += used;
          continue;
        }
      }
      if (c == '{' && text.substr(i, 2) == "{{") {
        size_t end = text.find("}}", i + 2);
        while (end != std::string_view::npos && end > 0 && text[end - 1] == '\\' &&
               !(end >= 2 && text[end - 2] == '\\')) {
          end = text.find("}}", end + 1);
        }
        if (end != std::string_view::npos &&
            text.substr(i + 2, end - i - 2).find('\n') == std::string_view::npos) {
          flush();
          MarkSet code = marks;
          code.code = true;
          std::string literal;
          std::string_view body = text.substr(i + 2, end - i - 2);
          for (size_t k = 0; k < body.size(); ++k) {
            if (body[k] == '\\' && k + 1 < body.size()) {
              literal += body[++k];
            } else if (body[k] == '&') {
              size_t used = entity(body, k, literal);
              if (used > 0) {
                k += used - 1;
              } else {
                literal += '&';
              }
            } else {
              literal += body[k];
            }
          }
          adf::append_text(out, literal, code);
          i = end + 2;
          continue;
        }
      }
      if (c == '[' && depth < kMaxDepth) {
        size_t end = i + 1;
        while (end < text.size() && text[end] != ']' && text[end] != '\n') {
          if (text[end] == '\\') ++end;
          ++end;
        }
        if (end < text.size() && text[end] == ']') {
          std::string_view body = text.substr(i + 1, end - i - 1);
          size_t bar = std::string_view::npos;
          for (size_t k = 0; k < body.size(); ++k) {
            if (body[k] == '\\') {
              ++k;
            } else if (body[k] == '|') {
              bar = k;
            }
          }
          if (bar == std::string_view::npos && body.size() > 1 && body[0] == '~') {
            // [~name] (Data Center) or [~accountid:...] (Cloud) mentions a user.
            flush();
            std::string id = decode_percent(body.substr(1));
            out.push_back(json{{"type", "mention"}, {"attrs", {{"id", id}, {"text", "@" + id}}}});
            i = end + 1;
            continue;
          }
          std::string_view label = bar == std::string_view::npos ? body : body.substr(0, bar);
          std::string_view target =
              bar == std::string_view::npos ? body : trim(body.substr(bar + 1));
          if (!target.empty()) {
            flush();
            MarkSet link = marks;
            link.href = decode_percent(target);
            if (bar == std::string_view::npos) {
              adf::append_text(out, *link.href, link);
            } else {
              size_t before = out.size();
              inline_text(label, link, out, depth + 1);
              if (out.size() == before) adf::append_text(out, *link.href, link);
            }
            i = end + 1;
            continue;
          }
        }
      }
      bool braced = c == '{' && i + 2 < text.size() && is_effect(text[i + 1]) && text[i + 2] == '}';
      char effect = braced ? text[i + 1] : c;
      bool double_question = c == '?' && i + 1 < text.size() && text[i + 1] == '?';
      if ((braced || is_effect(c) || double_question) && depth < kMaxDepth) {
        size_t open_length = braced ? 3 : (double_question ? 2 : 1);
        size_t body_start = i + open_length;
        bool can_open = braced || (body_start < text.size() && !is_space(text[body_start]) &&
                                   (i == 0 || !is_alnum(static_cast<unsigned char>(text[i - 1]))));
        if (can_open) {
          size_t close_length = 0;
          size_t close = std::string_view::npos;
          if (double_question) {
            size_t found = text.find("??", body_start);
            if (found != std::string_view::npos && found > body_start &&
                text.substr(body_start, found - body_start).find('\n') == std::string_view::npos) {
              close = found;
              close_length = 2;
            }
          } else {
            unsigned char slot = static_cast<unsigned char>(effect);
            if (body_start >= no_closer_before[slot]) {
              size_t stop = 0;
              close = find_closer(text, body_start, effect, &close_length, &stop);
              if (close == std::string_view::npos) no_closer_before[slot] = stop;
            }
          }
          if (close != std::string_view::npos) {
            flush();
            MarkSet inner = marks;
            apply_effect(inner, double_question ? '?' : effect);
            inline_text(text.substr(body_start, close - body_start), inner, out, depth + 1);
            i = close + close_length;
            continue;
          }
        }
      }
      buffer += c;
      ++i;
    }
    flush();
  }
};

json parse_inline(std::string_view text) {
  return InlineParser().parse(text);
}

struct ListLine {
  std::string prefix;
  std::string text;
};

struct ListEntry {
  char kind = '*';
  std::string text;
  std::vector<ListEntry> children;
};

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

// "* ", "## ", "#* ", "- " start list items.
bool list_line(const std::string& line, ListLine* out) {
  size_t i = 0;
  while (i < line.size() && (line[i] == '*' || line[i] == '#')) ++i;
  if (i == 0 && line.size() >= 2 && line[0] == '-' && line[1] == ' ') {
    if (out) *out = {"*", line.substr(2)};
    return true;
  }
  if (i == 0 || i > 12 || i >= line.size() || line[i] != ' ') return false;
  if (out) *out = {line.substr(0, i), line.substr(i + 1)};
  return true;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool heading_line(const std::string& line, int* level) {
  if (line.size() >= 3 && line[0] == 'h' && line[1] >= '1' && line[1] <= '6' && line[2] == '.') {
    *level = line[1] - '0';
    return true;
  }
  return false;
}

bool rule_line(const std::string& line) {
  return trim(line) == "----";
}

// An opening panel macro at the start of `text`: {panel}, {panel:bgColor=...|title=...}, and
// Confluence's {info}, {note}, {warning}, {tip} that people paste into Jira.
struct PanelTag {
  std::string name;
  std::string params;
  size_t length = 0;
};

struct PanelMacro {
  std::string_view name;
  std::string_view closing;
};
constexpr std::array<PanelMacro, 5> kPanelMacros = {{{"panel", "{panel}"},
                                                     {"info", "{info}"},
                                                     {"note", "{note}"},
                                                     {"warning", "{warning}"},
                                                     {"tip", "{tip}"}}};
// Per panel macro, one past the index of the last line holding its closing tag (0: none).
using ClosingTags = std::array<size_t, kPanelMacros.size()>;

bool panel_tag(std::string_view text, PanelTag* tag) {
  if (text.empty() || text[0] != '{') return false;
  size_t end = 1;
  while (end < text.size() && text[end] >= 'a' && text[end] <= 'z') ++end;
  std::string_view name = text.substr(1, end - 1);
  if (std::none_of(kPanelMacros.begin(), kPanelMacros.end(),
                   [&](const PanelMacro& macro) { return macro.name == name; })) {
    return false;
  }
  if (end >= text.size() || (text[end] != '}' && text[end] != ':')) return false;
  size_t close = text.find('}', end);
  if (close == std::string_view::npos) return false;
  if (tag != nullptr) {
    tag->name = std::string(name);
    tag->params = text[end] == ':' ? std::string(text.substr(end + 1, close - end - 1)) : "";
    tag->length = close + 1;
  }
  return true;
}

bool block_start(const std::string& line) {
  int level;
  std::string_view trimmed = trim(line);
  return trimmed.empty() || list_line(line, nullptr) || heading_line(line, &level) ||
         rule_line(line) || starts_with(trimmed, "{code") || starts_with(trimmed, "{noformat") ||
         starts_with(trimmed, "{quote}") || panel_tag(trimmed, nullptr) ||
         starts_with(line, "bq. ") || starts_with(trimmed, "|");
}

// The lines of a macro's body: `rest` (the text after the opening tag) and the lines from i up
// to the one holding `closing`, which is consumed. {code} and {noformat} bodies inside are
// skipped, so that code text cannot close the macro. Unterminated, it runs to the end (and
// *closed is false).
std::vector<std::string> macro_body(const std::vector<std::string>& lines, size_t& i,
                                    std::string rest, std::string_view closing,
                                    bool* closed = nullptr) {
  if (closed != nullptr) *closed = false;
  std::vector<std::string> body;
  std::string code_closing;
  bool first = true;
  while (first || i < lines.size()) {
    std::string line = first ? std::move(rest) : lines[i++];
    first = false;
    if (!code_closing.empty()) {
      if (line.find(code_closing) != std::string::npos) code_closing.clear();
      body.push_back(std::move(line));
      continue;
    }
    std::string_view trimmed = trim(line);
    if (starts_with(trimmed, "{code") || starts_with(trimmed, "{noformat")) {
      std::string tag_closing = starts_with(trimmed, "{code") ? "{code}" : "{noformat}";
      size_t tag_end = trimmed.find('}');
      if (tag_end != std::string_view::npos &&
          trimmed.substr(tag_end + 1).find(tag_closing) == std::string_view::npos) {
        code_closing = tag_closing;
      }
      body.push_back(std::move(line));
      continue;
    }
    size_t at = line.find(closing);
    if (at != std::string::npos) {
      body.push_back(line.substr(0, at));
      if (closed != nullptr) *closed = true;
      break;
    }
    body.push_back(std::move(line));
  }
  return body;
}

// The panel type for a {panel} colour: the nearest of the colours Jira gives its panels.
std::string panel_type_of_color(std::string_view color) {
  if (!color.empty() && color[0] == '#') color.remove_prefix(1);
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int rgb[3];
  if (color.size() == 6 || color.size() == 3) {
    size_t width = color.size() / 3;
    for (size_t k = 0; k < 3; ++k) {
      int high = hex(color[k * width]);
      int low = hex(color[k * width + width - 1]);
      if (high < 0 || low < 0) return "info";
      rgb[k] = high * 16 + low;
    }
  } else {
    return "info";
  }
  struct Known {
    const char* type;
    int r, g, b;
  };
  static constexpr Known kKnown[] = {{"info", 0xde, 0xeb, 0xff},
                                     {"note", 0xea, 0xe6, 0xff},
                                     {"success", 0xe3, 0xfc, 0xef},
                                     {"warning", 0xff, 0xfa, 0xe6},
                                     {"error", 0xff, 0xeb, 0xe6}};
  const char* best = "info";
  long best_distance = -1;
  for (const Known& known : kKnown) {
    long dr = rgb[0] - known.r;
    long dg = rgb[1] - known.g;
    long db = rgb[2] - known.b;
    long distance = dr * dr + dg * dg + db * db;
    if (best_distance < 0 || distance < best_distance) {
      best_distance = distance;
      best = known.type;
    }
  }
  return best;
}

class BlockParser {
 public:
  json document(std::string_view wiki) {
    json doc{{"type", "doc"}, {"version", 1}, {"content", json::array()}};
    std::vector<std::string> lines = split_lines(wiki);
    size_t i = 0;
    blocks(lines, i, Where::kDoc, doc["content"], false);
    return doc;
  }

 private:
  adf::TaskIds ids_;
  int quote_depth_ = 0;

  static json strong_paragraph(std::string_view text) {
    json content = parse_inline(text);
    for (json& node : content) {
      if (adf::type_of(node) != "text") continue;
      MarkSet marks = adf::marks_of(node);
      if (marks.code) continue;
      marks.strong = true;
      json rebuilt = json::array();
      adf::append_text(rebuilt, adf::text_of(node), marks);
      node = rebuilt[0];
    }
    return adf::paragraph(std::move(content));
  }

  void blocks(const std::vector<std::string>& lines, size_t& i, Where where, json& out,
              bool in_quote_tag) {
    // Where the last closing tag of each panel macro is: a tag with none after it is text, and
    // is known to be so without searching the rest again for every such tag.
    ClosingTags closing_tags{};
    for (size_t k = 0; k < lines.size(); ++k) {
      for (size_t n = 0; n < kPanelMacros.size(); ++n) {
        if (lines[k].find(kPanelMacros[n].closing) != std::string::npos) closing_tags[n] = k + 1;
      }
    }
    while (i < lines.size()) {
      const std::string& line = lines[i];
      std::string_view trimmed = trim(line);
      if (trimmed.empty()) {
        ++i;
        continue;
      }
      if (in_quote_tag && starts_with(trimmed, "{quote}")) {
        ++i;
        return;
      }
      int level = 0;
      if (starts_with(trimmed, "{code") || starts_with(trimmed, "{noformat")) {
        code_block(lines, i, out);
      } else if (starts_with(trimmed, "{quote}")) {
        quote(lines, i, where, out);
      } else if (PanelTag tag;
                 panel_tag(trimmed, &tag) && panel(lines, i, tag, closing_tags, where, out)) {
        // A panel; an unterminated one is text.
      } else if (starts_with(line, "bq. ")) {
        json paragraph = adf::paragraph(parse_inline(line.substr(4)));
        if (where == Where::kDoc) {
          out.push_back(json{{"type", "blockquote"}, {"content", json::array({paragraph})}});
        } else {
          out.push_back(paragraph);
        }
        ++i;
      } else if (heading_line(line, &level)) {
        std::string_view text = trim(std::string_view(line).substr(3));
        if (where == Where::kDoc || where == Where::kPanel) {
          out.push_back(json{
              {"type", "heading"}, {"attrs", {{"level", level}}}, {"content", parse_inline(text)}});
        } else {
          out.push_back(strong_paragraph(text));
        }
        ++i;
      } else if (rule_line(line)) {
        adf::place_rule(out, where == Where::kDoc || where == Where::kPanel);
        ++i;
      } else if (starts_with(trimmed, "|")) {
        table(lines, i, where, out);
      } else if (list_line(line, nullptr)) {
        list(lines, i, where, out);
      } else {
        std::string text;
        while (i < lines.size() && !(text.size() > 0 && block_start(lines[i])) &&
               !(in_quote_tag && starts_with(trim(lines[i]), "{quote}"))) {
          if (!text.empty()) text += "\n";
          text += lines[i];
          ++i;
        }
        out.push_back(adf::paragraph(parse_inline(text)));
      }
    }
  }

  static void code_block(const std::vector<std::string>& lines, size_t& i, json& out) {
    std::string_view first = trim(lines[i]);
    bool noformat = starts_with(first, "{noformat");
    std::string closing = noformat ? "{noformat}" : "{code}";
    size_t tag_end = first.find('}');
    std::string language;
    if (!noformat && tag_end != std::string_view::npos && first.substr(0, 6) == "{code:") {
      std::string_view params = first.substr(6, tag_end - 6);
      std::string_view language_param = params.substr(0, params.find('|'));
      if (language_param.find('=') == std::string_view::npos) language = language_param;
    }
    std::string text;
    bool closed = false;
    std::string_view rest =
        tag_end == std::string_view::npos ? std::string_view() : first.substr(tag_end + 1);
    size_t close_at = rest.find(closing);
    if (close_at != std::string_view::npos) {
      text = rest.substr(0, close_at);
      closed = true;
      ++i;
    } else {
      if (!rest.empty()) text = std::string(rest) + "\n";
      ++i;
      while (i < lines.size()) {
        size_t at = lines[i].find(closing);
        if (at != std::string::npos) {
          text += lines[i].substr(0, at);
          closed = true;
          ++i;
          break;
        }
        text += lines[i] + "\n";
        ++i;
      }
    }
    (void)closed;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    json block{{"type", "codeBlock"}};
    if (!language.empty()) block["attrs"] = {{"language", language}};
    json content = json::array();
    if (!text.empty()) content.push_back(json{{"type", "text"}, {"text", text}});
    block["content"] = std::move(content);
    out.push_back(std::move(block));
  }

  void quote(const std::vector<std::string>& lines, size_t& i, Where where, json& out) {
    // The text after {quote} on the same line belongs to the quote.
    std::string rest(trim(lines[i]).substr(7));
    ++i;
    std::vector<std::string> inner_lines = macro_body(lines, i, std::move(rest), "{quote}");
    json content = json::array();
    size_t j = 0;
    if (quote_depth_ < 8) {
      ++quote_depth_;
      blocks(inner_lines, j, Where::kQuote, content, false);
      --quote_depth_;
    }
    if (where == Where::kDoc) {
      if (content.empty()) content.push_back(adf::empty_paragraph());
      out.push_back(json{{"type", "blockquote"}, {"content", std::move(content)}});
    } else {
      for (json& block : content) out.push_back(std::move(block));
    }
  }

  static std::string param(const std::string& params, std::string_view key) {
    size_t start = 0;
    while (start <= params.size()) {
      size_t end = params.find('|', start);
      std::string_view item = std::string_view(params).substr(
          start, end == std::string::npos ? std::string::npos : end - start);
      size_t equals = item.find('=');
      if (equals != std::string_view::npos) {
        std::string_view name = trim(item.substr(0, equals));
        bool same = name.size() == key.size();
        for (size_t k = 0; same && k < name.size(); ++k) {
          same = (name[k] | 0x20) == (key[k] | 0x20);
        }
        if (same) return std::string(trim(item.substr(equals + 1)));
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return {};
  }

  // {panel:bgColor=...} and {info}/{note}/{warning}/{tip} become panels; a title becomes a bold
  // first paragraph (ADF panels have no title). Inside a quote or panel the content is flattened
  // into the container. Without its closing tag it is no panel (false; nothing is consumed):
  // Jira shows such a tag as text.
  bool panel(const std::vector<std::string>& lines, size_t& i, const PanelTag& tag,
             const ClosingTags& closing_tags, Where where, json& out) {
    std::string rest(trim(lines[i]).substr(tag.length));
    std::string closing = "{" + tag.name + "}";
    size_t macro = 0;
    while (kPanelMacros[macro].name != tag.name) ++macro;
    if (closing_tags[macro] <= i + 1 && rest.find(closing) == std::string::npos) return false;
    size_t next = i + 1;
    bool closed = false;
    std::vector<std::string> inner_lines =
        macro_body(lines, next, std::move(rest), closing, &closed);
    if (!closed) return false;
    i = next;
    std::string type = tag.name;
    if (type == "panel") type = panel_type_of_color(param(tag.params, "bgColor"));
    if (type == "tip") type = "success";
    json content = json::array();
    std::string title = param(tag.params, "title");
    if (!title.empty()) content.push_back(strong_paragraph(title));
    size_t j = 0;
    if (quote_depth_ < 8) {
      ++quote_depth_;
      blocks(inner_lines, j, where == Where::kDoc ? Where::kPanel : where, content, false);
      --quote_depth_;
    }
    if (where == Where::kDoc) {
      if (content.empty()) content.push_back(adf::empty_paragraph());
      out.push_back(json{
          {"type", "panel"}, {"attrs", {{"panelType", type}}}, {"content", std::move(content)}});
    } else {
      for (json& block : content) out.push_back(std::move(block));
    }
    return true;
  }

  static std::vector<std::pair<bool, std::string>> split_cells(const std::string& line) {
    std::vector<std::pair<bool, std::string>> cells;
    size_t i = 0;
    bool header = false;
    std::string current;
    bool open = false;
    int brackets = 0;
    int braces = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\' && i + 1 < line.size()) {
        current += line.substr(i, 2);
        i += 2;
        continue;
      }
      if (c == '[') ++brackets;
      if (c == ']' && brackets > 0) --brackets;
      if (line.compare(i, 2, "{{") == 0) {
        ++braces;
        current += "{{";
        i += 2;
        continue;
      }
      if (line.compare(i, 2, "}}") == 0 && braces > 0) {
        --braces;
        current += "}}";
        i += 2;
        continue;
      }
      if (c == '|' && brackets == 0 && braces == 0) {
        if (open) cells.emplace_back(header, current);
        current.clear();
        open = true;
        header = i + 1 < line.size() && line[i + 1] == '|';
        i += header ? 2 : 1;
        continue;
      }
      current += c;
      ++i;
    }
    if (open && !trim(current).empty()) cells.emplace_back(header, current);
    return cells;
  }

  static void table(const std::vector<std::string>& lines, size_t& i, Where where, json& out) {
    json rows = json::array();
    while (i < lines.size() && starts_with(trim(lines[i]), "|")) {
      json cells = json::array();
      for (auto& [header, text] : split_cells(std::string(trim(lines[i])))) {
        cells.push_back(json{{"type", header ? "tableHeader" : "tableCell"},
                             {"content", json::array({adf::paragraph(parse_inline(trim(text)))})}});
      }
      ++i;
      if (!cells.empty()) rows.push_back(json{{"type", "tableRow"}, {"content", std::move(cells)}});
    }
    adf::place_table_rows(out, std::move(rows), where == Where::kDoc);
  }

  static std::vector<ListEntry> entries(const std::vector<ListLine>& lines, size_t& i,
                                        size_t level) {
    std::vector<ListEntry> items;
    while (i < lines.size() && lines[i].prefix.size() > level) {
      ListEntry entry;
      entry.kind = lines[i].prefix[level];
      if (lines[i].prefix.size() == level + 1) {
        entry.text = lines[i].text;
        ++i;
      }
      entry.children = entries(lines, i, level + 1);
      items.push_back(std::move(entry));
    }
    return items;
  }

  void list(const std::vector<std::string>& lines, size_t& i, Where where, json& out) {
    std::vector<ListLine> list_lines;
    while (i < lines.size()) {
      ListLine line;
      if (list_line(lines[i], &line)) {
        list_lines.push_back(std::move(line));
      } else if (!list_lines.empty() && !block_start(lines[i])) {
        // A continuation line belongs to the item above, after a line break.
        list_lines.back().text += "\n" + lines[i];
      } else {
        break;
      }
      ++i;
    }
    size_t k = 0;
    std::vector<ListEntry> items = entries(list_lines, k, 0);
    convert(items, where, true, out);
  }

  static bool task_text(std::string& text, bool* done) {
    for (const char* icon : {"(/)", "(x)", "( )"}) {
      if (starts_with(text, icon) && (text.size() == 3 || text[3] == ' ')) {
        *done = icon[1] == '/';
        text = text.substr(std::min<size_t>(text.size(), 4));
        return true;
      }
    }
    return false;
  }

  // Consecutive items of one kind (ordered, bullet, task) form one ADF list.
  void convert(const std::vector<ListEntry>& items, Where where, bool top, json& out) {
    size_t i = 0;
    while (i < items.size()) {
      bool done = false;
      std::string probe = items[i].text;
      bool task = items[i].kind != '#' && task_text(probe, &done);
      char kind = items[i].kind == '#' ? '#' : '*';
      json list_items = json::array();
      for (; i < items.size(); ++i) {
        std::string text = items[i].text;
        bool item_done = false;
        bool item_task = items[i].kind != '#' && task_text(text, &item_done);
        char item_kind = items[i].kind == '#' ? '#' : '*';
        if (item_task != task || item_kind != kind) break;
        if (!task) {
          json content = json::array({adf::paragraph(parse_inline(text))});
          convert(items[i].children, where, false, content);
          list_items.push_back(json{{"type", "listItem"}, {"content", std::move(content)}});
        } else if (where == Where::kQuote) {
          json inline_content = json::array();
          adf::append_text(inline_content, item_done ? "[x] " : "[ ] ", {});
          for (const json& node : parse_inline(text)) adf::append_inline(inline_content, node);
          json content = json::array({adf::paragraph(std::move(inline_content))});
          convert(items[i].children, where, false, content);
          list_items.push_back(json{{"type", "listItem"}, {"content", std::move(content)}});
        } else {
          json inline_content = parse_inline(text);
          json nested = json::array();
          json lists = json::array();
          convert(items[i].children, where, false, lists);
          for (json& list_json : lists) {
            if (adf::type_of(list_json) == "taskList") {
              nested.push_back(std::move(list_json));
            } else {
              adf::flatten_block(list_json, inline_content);
            }
          }
          list_items.push_back(json{
              {"type", "taskItem"},
              {"attrs", {{"localId", ids_.next_item()}, {"state", item_done ? "DONE" : "TODO"}}},
              {"content", std::move(inline_content)}});
          for (json& list_json : nested) list_items.push_back(std::move(list_json));
        }
      }
      if (task && where != Where::kQuote) {
        out.push_back(json{{"type", "taskList"},
                           {"attrs", {{"localId", ids_.next_list()}}},
                           {"content", std::move(list_items)}});
      } else if (kind == '#' && !task) {
        out.push_back(json{{"type", "orderedList"}, {"content", std::move(list_items)}});
      } else {
        out.push_back(json{{"type", "bulletList"}, {"content", std::move(list_items)}});
      }
    }
    (void)top;
  }
};

}  // namespace

json wiki_to_adf(std::string_view wiki) {
  return BlockParser().document(adf::valid_utf8(wiki));
}

}  // namespace epicsync::richtext

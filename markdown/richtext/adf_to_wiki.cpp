#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/adf.h"
#include "richtext/adf_nodes.h"
#include "richtext/wiki.h"

namespace epicsync::richtext {

namespace {

using adf::json;

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}
bool is_effect(char c) {
  return c == '*' || c == '_' || c == '-' || c == '+' || c == '^' || c == '~';
}

// Escapes text so that Jira (and wiki_to_adf) show it literally. Effect characters are escaped
// only where they could open or close an effect, so "US-001" and "a - b" stay readable. Jira has
// no escape for a backslash itself ("\\" is a line break), so it becomes an entity.
std::string escape(std::string_view text, bool line_start) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char prev = i > 0 ? text[i - 1] : ' ';
    char next = i + 1 < text.size() ? text[i + 1] : ' ';
    bool at_start = line_start && i == 0;
    if (c == '\n') {
      out += ' ';
      continue;
    }
    if (c == '\\') {
      out += "&#92;";
      continue;
    }
    if (c == '&' && (is_alnum(static_cast<unsigned char>(next)) || next == '#')) {
      out += "&amp;";
      continue;
    }
    bool escape_it = false;
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case '|':
      case '!':
        escape_it = true;
        break;
      case '?':
        escape_it = prev == '?' || next == '?';
        break;
      case '#':
        escape_it = at_start;
        break;
      case '(':
        // "(/)" and "(x)" at the start of a list item mark tasks.
        escape_it = at_start && i + 2 < text.size() && text[i + 2] == ')' &&
                    (next == '/' || next == 'x' || next == ' ');
        break;
      default:
        if (is_effect(c)) {
          // At the end of a text node the next character is the next node's ("~" before a
          // link's "["): it may open an effect whatever follows.
          const bool last = i + 1 == text.size();
          bool opens = !is_alnum(static_cast<unsigned char>(prev)) && (last || !is_space(next));
          bool closes = !is_space(prev) && !is_alnum(static_cast<unsigned char>(next));
          escape_it = opens || closes || at_start;
        }
        break;
    }
    if (escape_it) out += '\\';
    out += c;
  }
  if (line_start && out.size() >= 3 && out[0] == 'h' && out[1] >= '1' && out[1] <= '6' &&
      out[2] == '.') {
    out.insert(2, "\\");
  }
  if (line_start && out.rfind("bq.", 0) == 0) out.insert(2, "\\");
  return out;
}

std::string link_target(std::string_view href) {
  std::string out;
  for (char c : href) {
    if (c == '|') {
      out += "%7C";
    } else if (c == ']') {
      out += "%5D";
    } else if (c == '[') {
      out += "%5B";
    } else if (c == '\\') {
      out += "%5C";
    } else if (c == '\n' || c == ' ') {
      out += c == ' ' ? "%20" : "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

// A mention's id inside [~...]: what would end or split the brackets is percent-encoded as in
// links (wiki_to_adf decodes it); spaces stay, a Data Center username may hold one.
std::string mention_target(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c == ' ') {
      out += c;
    } else {
      out += link_target(std::string_view(&c, 1));
    }
  }
  return out;
}

class InlineWriter {
 public:
  explicit InlineWriter(bool line_start) : line_start_(line_start) {}

  std::string render(const json& content) {
    nodes_ = adf::trim_line_edges(adf::tidy_inline(content));
    for (const json& node : nodes_) {
      bool is_text = adf::type_of(node) == "text";
      marks_.push_back(is_text ? adf::marks_of(node) : adf::MarkSet{});
      text_.push_back(is_text);
    }
    for (index_ = 0; index_ < nodes_.size(); ++index_) node(nodes_[index_]);
    close_to(0);
    return out_;
  }

 private:
  struct Open {
    char kind;  // '*', '_', '-', '+', '^', '~' or 'L' for a link
    std::string href;
    bool braced = false;
  };

  std::string out_;
  bool line_start_;
  json nodes_;
  std::vector<adf::MarkSet> marks_;
  std::vector<bool> text_;
  size_t index_ = 0;
  std::vector<Open> stack_;

  static std::vector<Open> wanted(const adf::MarkSet& marks) {
    std::vector<Open> result;
    if (marks.href) result.push_back({'L', *marks.href});
    if (!marks.code) {
      if (marks.strong) result.push_back({'*', {}});
      if (marks.em) result.push_back({'_', {}});
      if (marks.strike) result.push_back({'-', {}});
      if (marks.underline) result.push_back({'+', {}});
      if (marks.subsup == "sup") result.push_back({'^', {}});
      if (marks.subsup == "sub") result.push_back({'~', {}});
    }
    return result;
  }

  static bool has(const adf::MarkSet& marks, const Open& open) {
    if (marks.code && open.kind != 'L') return false;
    switch (open.kind) {
      case 'L':
        return marks.href && *marks.href == open.href;
      case '*':
        return marks.strong;
      case '_':
        return marks.em;
      case '-':
        return marks.strike;
      case '+':
        return marks.underline;
      case '^':
        return marks.subsup == "sup";
      case '~':
        return marks.subsup == "sub";
      default:
        return false;
    }
  }

  size_t run_end(const Open& open) const {
    size_t i = index_;
    while (i < nodes_.size() && text_[i] && has(marks_[i], open)) ++i;
    return i;
  }

  // An effect next to a letter or digit only works in Jira in its braced form ({*}x{*}).
  bool needs_braces(const Open& open) const {
    bool after_word = !out_.empty() && is_alnum(static_cast<unsigned char>(out_.back()));
    size_t end = run_end(open);
    bool before_word = false;
    if (end < nodes_.size() && adf::type_of(nodes_[end]) == "text") {
      std::string_view next = adf::text_of(nodes_[end]);
      before_word = !next.empty() && is_alnum(static_cast<unsigned char>(next.front()));
    }
    return after_word || before_word;
  }

  void close_to(size_t depth) {
    while (stack_.size() > depth) {
      const Open& open = stack_.back();
      if (open.kind == 'L') {
        out_ += "|" + link_target(open.href) + "]";
      } else if (open.braced) {
        out_ += std::string("{") + open.kind + "}";
      } else {
        out_ += open.kind;
      }
      stack_.pop_back();
    }
  }

  void apply(const adf::MarkSet& marks) {
    std::vector<Open> want = wanted(marks);
    size_t keep = 0;
    while (keep < stack_.size() && has(marks, stack_[keep])) ++keep;
    close_to(keep);
    std::vector<Open> opening;
    for (const Open& open : want) {
      bool is_open = std::any_of(stack_.begin(), stack_.end(), [&](const Open& existing) {
        return existing.kind == open.kind && existing.href == open.href;
      });
      if (!is_open) opening.push_back(open);
    }
    // Longer runs open first so that they enclose shorter ones.
    std::stable_sort(opening.begin(), opening.end(),
                     [&](const Open& a, const Open& b) { return run_end(a) > run_end(b); });
    for (Open open : opening) {
      if (open.kind == 'L') {
        out_ += "[";
      } else {
        open.braced = needs_braces(open);
        out_ += open.braced ? std::string("{") + open.kind + "}" : std::string(1, open.kind);
      }
      stack_.push_back(open);
    }
  }

  void text(std::string_view text, const adf::MarkSet& marks) {
    if (marks.href && text == *marks.href && !marks.code && !marks.strong && !marks.em &&
        !marks.strike && !marks.underline && marks.subsup.empty()) {
      close_to(0);
      out_ += "[" + link_target(*marks.href) + "]";
      line_start_ = false;
      return;
    }
    apply(marks);
    if (marks.code) {
      out_ += "{{" + escape(text, false) + "}}";
    } else {
      out_ += escape(text, line_start_);
    }
    line_start_ = false;
  }

  void node(const json& node) {
    std::string_view type = adf::type_of(node);
    if (type == "text") {
      text(adf::text_of(node), adf::marks_of(node));
    } else if (type == "hardBreak") {
      close_to(0);
      out_ += "\\\\";
      line_start_ = false;
    } else if (type == "emoji") {
      std::string value = adf::string_attr(node, "text");
      text(value.empty() ? adf::string_attr(node, "shortName") : value, {});
    } else if (type == "mention") {
      // [~ID] is a mention in Jira's wiki markup (a username on Data Center, "accountid:..." on
      // Cloud); wiki_to_adf reads it back with the same id. The display text is not in wiki.
      std::string id = adf::string_attr(node, "id");
      if (id.empty()) {
        std::string value = adf::string_attr(node, "text");
        text(value.rfind('@', 0) == 0 ? value : "@" + value, {});
      } else {
        close_to(0);
        out_ += "[~" + mention_target(id) + "]";
        line_start_ = false;
      }
    } else if (type == "inlineCard") {
      std::string url = adf::string_attr(node, "url");
      adf::MarkSet link;
      link.href = url;
      text(url, link);
    } else if (type == "status") {
      text("[" + adf::string_attr(node, "text") + "]", {});
    } else {
      for (const json& child : adf::content_of(node)) this->node(child);
    }
  }
};

std::string render_inline(const json& content, bool line_start = true) {
  return InlineWriter(line_start).render(content);
}

std::string clean_language(const std::string& language) {
  for (char c : language) {
    if (!is_alnum(static_cast<unsigned char>(c)) && c != '+' && c != '#' && c != '-' && c != '_') {
      return {};
    }
  }
  return language;
}

// The background colours of Jira's panels; wiki_to_adf maps a colour to the nearest of them.
// A tip panel has the success panel's colour (the editor offers no tip panel of its own).
std::string panel_color(const std::string& panel_type) {
  if (panel_type == "note") return "#eae6ff";
  if (panel_type == "success" || panel_type == "tip") return "#e3fcef";
  if (panel_type == "warning") return "#fffae6";
  if (panel_type == "error") return "#ffebe6";
  return "#deebff";  // info, custom and unknown types
}

class BlockWriter {
 public:
  std::string blocks(const json& content) {
    std::string out;
    for (const json& node : content) {
      std::string chunk = block(node);
      if (chunk.empty()) continue;
      if (!out.empty()) out += "\n\n";
      out += chunk;
    }
    return out;
  }

 private:
  std::string block(const json& node) {
    std::string_view type = adf::type_of(node);
    if (type == "paragraph") return render_inline(adf::content_of(node));
    if (type == "heading") {
      int level = std::clamp(static_cast<int>(adf::number_attr(node, "level").value_or(1)), 1, 6);
      return "h" + std::to_string(level) + ". " + render_inline(adf::content_of(node), false);
    }
    if (type == "codeBlock") {
      std::string text;
      for (const json& child : adf::content_of(node)) text += adf::text_of(child);
      std::string language = clean_language(adf::string_attr(node, "language"));
      std::string tag = language.empty() ? "{code}" : "{code:" + language + "}";
      return tag + "\n" + (text.empty() ? "" : text + "\n") + "{code}";
    }
    if (type == "blockquote") {
      return "{quote}\n" + blocks(adf::content_of(node)) + "\n{quote}";
    }
    if (type == "panel") {
      // Jira's wiki renderer has {panel} (not Confluence's {info}, {note}, ...); the colour
      // says the type, as Jira Cloud's own converter writes it, and wiki_to_adf reads it back.
      return "{panel:bgColor=" + panel_color(adf::string_attr(node, "panelType")) + "}\n" +
             blocks(adf::content_of(node)) + "\n{panel}";
    }
    if (type == "bulletList" || type == "orderedList" || type == "taskList") {
      std::string out;
      list(node, "", out);
      return out;
    }
    if (type == "rule") return "----";
    if (type == "table") return table(node);
    if (type == "mediaSingle" || type == "mediaGroup") return "[attachment]";
    const json& content = adf::content_of(node);
    bool inline_only =
        !content.empty() && std::all_of(content.begin(), content.end(), [](const json& child) {
          std::string_view t = adf::type_of(child);
          return t == "text" || t == "hardBreak";
        });
    return inline_only ? render_inline(content) : blocks(content);
  }

  // Wiki list items hold one line: the first paragraph is the item, further blocks are joined
  // to it with line breaks, nested lists follow with a longer prefix.
  void list(const json& node, const std::string& prefix, std::string& out) {
    std::string_view type = adf::type_of(node);
    std::string own = prefix + (type == "orderedList" ? "#" : "*");
    for (const json& item : adf::content_of(node)) {
      std::string_view item_type = adf::type_of(item);
      if (item_type == "taskList" || item_type == "bulletList" || item_type == "orderedList") {
        list(item, own, out);
        continue;
      }
      json line = json::array();
      std::vector<const json*> nested;
      if (item_type == "taskItem") {
        bool done = adf::string_attr(item, "state") == "DONE";
        std::string body = render_inline(adf::content_of(item), false);
        if (!out.empty()) out += "\n";
        out += own + " " + (done ? "(/) " : "(x) ") + body;
        continue;
      }
      for (const json& child : adf::content_of(item)) {
        std::string_view child_type = adf::type_of(child);
        if (child_type == "bulletList" || child_type == "orderedList" || child_type == "taskList") {
          nested.push_back(&child);
          continue;
        }
        if (!line.empty()) adf::append_hard_break(line);
        adf::flatten_block(child, line);
      }
      if (!out.empty()) out += "\n";
      out += own + " " + render_inline(line, true);
      for (const json* child : nested) list(*child, own, out);
    }
  }

  static std::string cell(const json& cell) {
    json content = json::array();
    for (const json& block : adf::content_of(cell)) {
      if (!content.empty()) adf::append_hard_break(content);
      adf::flatten_block(block, content);
    }
    std::string text = render_inline(content, false);
    return text.empty() ? " " : text;
  }

  std::string table(const json& node) {
    std::string out;
    for (const json& row : adf::content_of(node)) {
      std::string line;
      std::string last;
      for (const json& c : adf::content_of(row)) {
        last = adf::type_of(c) == "tableHeader" ? "||" : "|";
        line += last + cell(c);
      }
      if (line.empty()) continue;
      line += last;
      if (!out.empty()) out += "\n";
      out += line;
    }
    return out;
  }
};

}  // namespace

std::string adf_to_wiki(const json& doc) {
  std::string out = BlockWriter().blocks(adf::content_of(doc));
  if (!out.empty()) out += "\n";
  return out;
}

std::string markdown_to_wiki(std::string_view markdown) {
  return adf_to_wiki(markdown_to_adf(markdown));
}

}  // namespace epicsync::richtext

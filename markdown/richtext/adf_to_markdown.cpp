#include "richtext/adf_to_markdown.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/adf_nodes.h"

namespace epicsync::richtext {

namespace {

using adf::json;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

enum class Context { kBlock, kHeading, kTable };

// Escapes text so that markdown reads it back as the same characters. Only what could start
// markdown syntax is escaped, to keep the text readable in a diff.
bool starts_with_at(std::string_view text, size_t i, std::string_view what) {
  return text.substr(i, what.size()) == what;
}

// GFM turns bare URLs, www. addresses and e-mail addresses into links; plain text that looks
// like one gets an escape that breaks the pattern so that it stays plain text.
bool breaks_autolink(std::string_view text, size_t i, bool in_link) {
  if (in_link) return false;
  char c = text[i];
  if (c == ':') {
    return starts_with_at(text, i + 1, "//") || (i >= 6 && text.substr(i - 6, 6) == "mailto") ||
           (i >= 4 && text.substr(i - 4, 4) == "xmpp");
  }
  if (c == '.') return i >= 3 && text.substr(i - 3, 3) == "www";
  if (c == '@') {
    return i > 0 && i + 1 < text.size() && (is_alnum(text[i - 1]) || text[i - 1] == '.') &&
           is_alnum(text[i + 1]);
  }
  return false;
}

std::string escape(std::string_view text, bool line_start, Context context, bool in_link) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char prev = i > 0 ? text[i - 1] : '\0';
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    bool at_start = line_start && i == 0;
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '~':
      case '|':
        out += '\\';
        break;
      case '_':
        // Intraword underscores never form emphasis; escaping them would clutter identifiers.
        if (!(is_alnum(prev) && is_alnum(next))) out += '\\';
        break;
      case '&':
        if (is_alnum(next) || next == '#') out += '\\';
        break;
      case '!':
        break;
      case '#':
        if (at_start || context == Context::kHeading) out += '\\';
        break;
      case '>':
      case '-':
      case '+':
      case '=':
        if (at_start) out += '\\';
        break;
      case '.':
      case ')':
        if (line_start) {
          size_t digits = 0;
          while (digits < i && is_digit(text[digits])) ++digits;
          if (digits == i && digits > 0) {
            out += '\\';
            break;
          }
        }
        if (breaks_autolink(text, i, in_link)) out += '\\';
        break;
      default:
        if (breaks_autolink(text, i, in_link)) out += '\\';
        break;
    }
    out += c;
  }
  return out;
}

std::string code_span(std::string_view text, Context context) {
  size_t longest = 0;
  size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  std::string body;
  for (char c : text) {
    // In a table a pipe ends the cell even inside code, unless escaped.
    if (c == '|' && context == Context::kTable) body += '\\';
    body += c == '\n' ? ' ' : c;
  }
  bool all_spaces = body.find_first_not_of(' ') == std::string::npos;
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' ||
                               (!all_spaces && body.front() == ' ' && body.back() == ' '));
  if (pad) body = " " + body + " ";
  return fence + body + fence;
}

bool is_safe_destination(std::string_view href) {
  if (href.empty()) return false;
  for (size_t i = 0; i < href.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(href[i]);
    if (c <= ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '\\' || c == 0x7f) {
      return false;
    }
    if (c == '&') return false;
  }
  return true;
}

std::string destination(std::string_view href) {
  if (is_safe_destination(href)) return std::string(href);
  std::string out = "<";
  for (char c : href) {
    if (c == '\n') {
      out += "%0A";
      continue;
    }
    if (c == '<' || c == '>' || c == '\\' || c == '&') out += '\\';
    out += c;
  }
  return out + ">";
}

bool is_autolink_target(std::string_view href) {
  if (href.empty()) return false;
  for (char c : href) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>') return false;
  }
  size_t colon = href.find(':');
  if (colon == std::string_view::npos || colon < 2 || colon > 32) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = href[i];
    if (!(is_alnum(c) || c == '+' || c == '.' || c == '-')) return false;
  }
  return true;
}

std::string format_date(const json& node) {
  std::string stamp = adf::string_attr(node, "timestamp");
  char* end = nullptr;
  long long millis = std::strtoll(stamp.c_str(), &end, 10);
  if (stamp.empty() || end == nullptr || *end != '\0') return stamp;
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return stamp;
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

// Renders inline content, opening and closing marks as a stack so that spans nest properly.
class InlineWriter {
 public:
  // A table cell is never at the start of a markdown line, so line-start syntax needs no escape.
  explicit InlineWriter(Context context)
      : context_(context), line_start_(context != Context::kTable) {}

  std::string render(const json& content) {
    nodes_ = adf::trim_line_edges(adf::tidy_inline(content));
    marks_.clear();
    for (const json& node : nodes_) {
      marks_.push_back(adf::type_of(node) == "text" ? adf::marks_of(node) : adf::MarkSet{});
      text_.push_back(adf::type_of(node) == "text");
    }
    for (index_ = 0; index_ < nodes_.size(); ++index_) node(nodes_[index_]);
    close_to(0);
    flush_pending();
    return out_;
  }

 private:
  enum class Kind { kLink, kStrong, kEm, kStrike };
  struct Open {
    Kind kind;
    std::string href;
  };

  Context context_;
  std::string out_;
  bool line_start_;
  std::vector<Open> stack_;
  json nodes_;
  std::vector<adf::MarkSet> marks_;
  std::vector<bool> text_;
  size_t index_ = 0;
  // Trailing whitespace of the previous text, written after any delimiter that closes there
  // (a closing delimiter must follow a non-space character).
  std::string pending_;

  static bool has(const adf::MarkSet& marks, const Open& open) {
    switch (open.kind) {
      case Kind::kLink:
        return marks.href && *marks.href == open.href;
      case Kind::kStrong:
        return marks.strong && !marks.code;
      case Kind::kEm:
        return marks.em && !marks.code;
      case Kind::kStrike:
        return marks.strike && !marks.code;
    }
    return false;
  }

  size_t run_length(const Open& open) const {
    size_t length = 0;
    for (size_t i = index_; i < nodes_.size(); ++i) {
      if (!text_[i] || !has(marks_[i], open)) break;
      ++length;
    }
    return length;
  }

  // Marks that go on for longer are opened first, so that they enclose the shorter ones and
  // need not be closed and reopened.
  std::vector<Open> wanted(const adf::MarkSet& marks) const {
    std::vector<Open> result;
    if (marks.href) result.push_back({Kind::kLink, *marks.href});
    if (!marks.code) {
      if (marks.strong) result.push_back({Kind::kStrong, {}});
      if (marks.em) result.push_back({Kind::kEm, {}});
      if (marks.strike) result.push_back({Kind::kStrike, {}});
    }
    std::vector<size_t> lengths;
    for (const Open& open : result) lengths.push_back(run_length(open));
    std::vector<size_t> order(result.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
    std::vector<Open> sorted;
    for (size_t i : order) sorted.push_back(result[i]);
    return sorted;
  }

  void flush_pending() {
    out_ += pending_;
    pending_.clear();
  }

  static const char* delimiter(Kind kind) {
    switch (kind) {
      case Kind::kStrong:
        return "**";
      case Kind::kEm:
        return "*";
      case Kind::kStrike:
        return "~~";
      case Kind::kLink:
        return "[";
    }
    return "";
  }

  void close_to(size_t depth) {
    while (stack_.size() > depth) {
      const Open& open = stack_.back();
      if (open.kind == Kind::kLink) {
        flush_pending();
        out_ += "](" + destination(open.href) + ")";
      } else {
        out_ += delimiter(open.kind);
      }
      stack_.pop_back();
    }
  }

  static bool same(const Open& a, const Open& b) { return a.kind == b.kind && a.href == b.href; }

  // Keeps every open mark that is still wanted, whatever order the node lists its marks in, so
  // that a run of bold text inside italics is not closed and reopened.
  void apply(const std::vector<Open>& want) {
    size_t keep = 0;
    while (keep < stack_.size() && std::any_of(want.begin(), want.end(), [&](const Open& open) {
             return same(open, stack_[keep]);
           })) {
      ++keep;
    }
    close_to(keep);
    flush_pending();
    for (const Open& open : want) {
      bool is_open = std::any_of(stack_.begin(), stack_.end(),
                                 [&](const Open& existing) { return same(existing, open); });
      if (is_open) continue;
      out_ += delimiter(open.kind);
      stack_.push_back(open);
    }
  }

  void text(std::string_view text, const adf::MarkSet& marks) {
    // A link whose text is its own address is written as an autolink.
    if (marks.href && !marks.code && !marks.strong && !marks.em && !marks.strike) {
      const std::string& href = *marks.href;
      bool mail = href.rfind("mailto:", 0) == 0 && text == href.substr(7) &&
                  text.find_first_of(" <>\\") == std::string_view::npos;
      if ((text == href && is_autolink_target(href)) || mail) {
        close_to(0);
        flush_pending();
        out_ += "<" + std::string(text) + ">";
        line_start_ = false;
        return;
      }
    }
    std::vector<Open> want = wanted(marks);
    std::string_view core = text;
    std::string_view trailing;
    if (!marks.code) {
      // Whitespace cannot follow an opening delimiter: it goes before it, and trailing
      // whitespace waits until it is known whether a delimiter closes here.
      bool opens = std::any_of(want.begin(), want.end(), [&](const Open& open) {
        return open.kind != Kind::kLink &&
               std::none_of(stack_.begin(), stack_.end(),
                            [&](const Open& existing) { return same(existing, open); });
      });
      size_t lead = 0;
      while (opens && lead < core.size() && core[lead] == ' ') ++lead;
      if (lead > 0 && lead < core.size()) {
        flush_pending();
        if (want.size() == stack_.size() || stack_.empty())
          out_ += core.substr(0, lead);
        else
          pending_ += core.substr(0, lead);
        core.remove_prefix(lead);
      }
      size_t keep = core.size();
      while (keep > 0 && core[keep - 1] == ' ') --keep;
      if (keep > 0) {
        trailing = core.substr(keep);
        core = core.substr(0, keep);
      }
    }
    apply(want);
    if (marks.code) {
      out_ += code_span(core, context_);
    } else {
      out_ += escape(core, line_start_, context_, marks.href.has_value());
    }
    pending_ += trailing;
    line_start_ = false;
  }

  void hard_break() {
    close_to(0);
    flush_pending();
    switch (context_) {
      case Context::kTable:
        out_ += "<br>";
        break;
      case Context::kHeading:
        out_ += "<br>";
        break;
      case Context::kBlock:
        out_ += "\\\n";
        line_start_ = true;
        break;
    }
  }

  void plain(const std::string& text) { this->text(text, {}); }

  void node(const json& node) {
    std::string_view type = adf::type_of(node);
    if (type == "text") {
      text(adf::text_of(node), adf::marks_of(node));
    } else if (type == "hardBreak") {
      hard_break();
    } else if (type == "emoji") {
      std::string text = adf::string_attr(node, "text");
      plain(text.empty() ? adf::string_attr(node, "shortName") : text);
    } else if (type == "mention") {
      std::string text = adf::string_attr(node, "text");
      if (text.empty()) text = adf::string_attr(node, "id");
      plain(text.rfind('@', 0) == 0 ? text : "@" + text);
    } else if (type == "inlineCard") {
      std::string url = adf::string_attr(node, "url");
      adf::MarkSet link;
      link.href = url;
      text(url, link);
    } else if (type == "status") {
      plain("[" + adf::string_attr(node, "text") + "]");
    } else if (type == "date") {
      plain(format_date(node));
    } else if (type == "placeholder") {
      plain(adf::string_attr(node, "text"));
    } else if (type == "mediaInline") {
      plain("[attachment]");
    } else {
      for (const json& child : adf::content_of(node)) this->node(child);
    }
  }
};

std::string render_inline(const json& content, Context context = Context::kBlock) {
  return InlineWriter(context).render(content);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string indent_rest(const std::string& body, const std::string& first_prefix, size_t indent) {
  std::vector<std::string> lines = split_lines(body);
  std::string out;
  std::string pad(indent, ' ');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      out += lines[i].empty() ? first_prefix.substr(0, first_prefix.find_last_not_of(' ') + 1)
                              : first_prefix + lines[i];
    } else {
      out += "\n";
      if (!lines[i].empty()) out += pad + lines[i];
    }
  }
  return out;
}

class BlockWriter {
 public:
  // Inside a list item a nested list follows its paragraph on the next line, as people write it;
  // only an ordered list not starting at 1 cannot interrupt a paragraph and needs a blank line.
  std::string blocks(const json& content, bool in_item = false) {
    std::string out;
    std::string_view previous;
    bool alternate = false;
    for (const json& node : content) {
      std::string_view type = adf::type_of(node);
      bool is_list = type == "bulletList" || type == "taskList" || type == "orderedList" ||
                     type == "decisionList";
      bool same_family =
          is_list &&
          (previous == type ||
           (type != "orderedList" && previous != "orderedList" && !previous.empty() &&
            (previous == "bulletList" || previous == "taskList" || previous == "decisionList")));
      // Two lists in a row would merge into one in markdown; another marker keeps them apart.
      alternate = same_family ? !alternate : false;
      std::string chunk = block(node, alternate);
      bool tight = in_item && previous == "paragraph" && !out.empty() && is_list &&
                   type != "decisionList" && adf::number_attr(node, "order").value_or(1) == 1 &&
                   chunk.substr(0, chunk.find('\n')).find(' ') != std::string::npos;
      previous = type;
      if (chunk.empty()) continue;
      if (!out.empty()) out += tight ? "\n" : "\n\n";
      out += chunk;
    }
    return out;
  }

 private:
  std::string block(const json& node, bool alternate) {
    std::string_view type = adf::type_of(node);
    if (type == "paragraph") return render_inline(adf::content_of(node));
    if (type == "heading") {
      int level = static_cast<int>(adf::number_attr(node, "level").value_or(1));
      level = std::clamp(level, 1, 6);
      std::string text = render_inline(adf::content_of(node), Context::kHeading);
      return std::string(static_cast<size_t>(level), '#') + (text.empty() ? "" : " " + text);
    }
    if (type == "codeBlock") return code_block(node);
    if (type == "blockquote" || type == "panel") return quote(blocks(adf::content_of(node)));
    if (type == "bulletList") return list(node, false, alternate);
    if (type == "orderedList") return list(node, true, alternate);
    if (type == "taskList" || type == "decisionList") return task_list(node, alternate);
    if (type == "rule") return "---";
    if (type == "table") return table(node);
    if (type == "expand" || type == "nestedExpand") {
      std::string title = adf::string_attr(node, "title");
      std::string body = blocks(adf::content_of(node));
      if (title.empty()) return body;
      json heading = json::array({json{{"type", "text"}, {"text", title}}});
      std::string head = "**" + render_inline(heading) + "**";
      return body.empty() ? head : head + "\n\n" + body;
    }
    if (type == "mediaSingle" || type == "mediaGroup") return "[attachment]";
    if (type == "blockCard" || type == "embedCard") {
      std::string url = adf::string_attr(node, "url");
      return url.empty() ? std::string() : "<" + url + ">";
    }
    if (type == "extension" || type == "bodiedExtension") {
      std::string body = blocks(adf::content_of(node));
      return body.empty() ? "[" + adf::string_attr(node, "extensionKey") + "]" : body;
    }
    // Anything else (layouts, sync blocks, future nodes): its children carry the content.
    const json& content = adf::content_of(node);
    bool inline_only =
        !content.empty() && std::all_of(content.begin(), content.end(), [](const json& child) {
          std::string_view t = adf::type_of(child);
          return t == "text" || t == "hardBreak";
        });
    return inline_only ? render_inline(content) : blocks(content);
  }

  static std::string code_block(const json& node) {
    std::string text;
    for (const json& child : adf::content_of(node)) text += adf::text_of(child);
    size_t longest = 0;
    size_t run = 0;
    for (char c : text) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    std::string language = adf::string_attr(node, "language");
    if (language.find_first_of(" \t\n") != std::string::npos) language.clear();
    char fence_char = '`';
    if (language.find('`') != std::string::npos) {
      // A backtick fence cannot carry a language with a backtick; a tilde fence can.
      fence_char = '~';
      longest = 0;
      run = 0;
      for (char c : text) {
        run = c == '~' ? run + 1 : 0;
        longest = std::max(longest, run);
      }
    }
    std::string fence(std::max<size_t>(3, longest + 1), fence_char);
    std::string out = fence + language + "\n";
    if (!text.empty()) out += text + "\n";
    return out + fence;
  }

  static std::string quote(const std::string& body) {
    std::string out;
    for (const std::string& line : split_lines(body)) {
      if (!out.empty()) out += "\n";
      out += line.empty() ? ">" : "> " + line;
    }
    return out;
  }

  std::string list(const json& node, bool ordered, bool alternate) {
    long long number = static_cast<long long>(adf::number_attr(node, "order").value_or(1));
    if (number < 0 || number > 999999999) number = 1;
    std::string out;
    for (const json& item : adf::content_of(node)) {
      std::string marker;
      if (ordered) {
        marker = std::to_string(number++) + (alternate ? ")" : ".");
      } else {
        marker = alternate ? "*" : "-";
      }
      std::string body = blocks(adf::content_of(item), true);
      // A list right after the marker ("- - x") would hide a task list's checkboxes; the nested
      // list starts on the next line instead.
      for (const json& child : adf::content_of(item)) {
        std::string_view type = adf::type_of(child);
        if (type == "paragraph" && render_inline(adf::content_of(child)).empty()) continue;
        if (type == "bulletList" || type == "orderedList" || type == "taskList") body = "\n" + body;
        break;
      }
      if (!out.empty()) out += "\n";
      out += indent_rest(body, marker + " ", marker.size() + 1);
    }
    return out;
  }

  std::string task_list(const json& node, bool alternate) {
    std::string bullet = alternate ? "*" : "-";
    std::string out;
    for (const json& item : adf::content_of(node)) {
      std::string_view type = adf::type_of(item);
      if (type == "taskList" || type == "decisionList") {
        // A nested task list belongs to the item before it.
        std::string nested = task_list(item, false);
        if (out.empty()) {
          out = bullet + " [ ]";
        }
        out += "\n" + indent_rest(nested, "  ", 2);
        continue;
      }
      bool done = adf::string_attr(item, "state") == "DONE";
      std::string body;
      if (type == "blockTaskItem") {
        body = blocks(adf::content_of(item), true);
      } else {
        body = render_inline(adf::content_of(item));
      }
      std::string prefix = bullet + (done ? " [x] " : " [ ] ");
      if (!out.empty()) out += "\n";
      // Without the space after the box an empty item is not a task item.
      out += body.empty() ? prefix : indent_rest(body, prefix, 2);
    }
    return out;
  }

  static std::string cell_text(const json& cell) {
    json content = json::array();
    bool first = true;
    for (const json& block : adf::content_of(cell)) {
      if (!first) content.push_back(json{{"type", "hardBreak"}});
      first = false;
      flatten(block, content);
    }
    std::string text = render_inline(content, Context::kTable);
    return text.empty() ? " " : text;
  }

  // Table cells hold one line of inline markdown; block content is flattened into it.
  static void flatten(const json& node, json& content) {
    std::string_view type = adf::type_of(node);
    if (type == "text" || type == "hardBreak" || type == "emoji" || type == "mention" ||
        type == "inlineCard" || type == "status" || type == "date") {
      content.push_back(node);
      return;
    }
    bool first = true;
    for (const json& child : adf::content_of(node)) {
      std::string_view child_type = adf::type_of(child);
      bool is_block = child_type != "text" && child_type != "hardBreak" && child_type != "emoji" &&
                      child_type != "mention" && child_type != "inlineCard" &&
                      child_type != "status" && child_type != "date";
      if (is_block && !first) content.push_back(json{{"type", "hardBreak"}});
      if (is_block) first = false;
      flatten(child, content);
    }
  }

  std::string table(const json& node) {
    std::vector<std::vector<std::string>> rows;
    size_t columns = 0;
    for (const json& row : adf::content_of(node)) {
      std::vector<std::string> cells;
      for (const json& cell : adf::content_of(row)) cells.push_back(cell_text(cell));
      columns = std::max(columns, cells.size());
      rows.push_back(std::move(cells));
    }
    if (rows.empty() || columns == 0) return {};
    std::string out;
    auto write_row = [&](std::vector<std::string> cells) {
      cells.resize(columns, " ");
      out += "|";
      for (const std::string& cell : cells) out += " " + cell + " |";
      out += "\n";
    };
    write_row(rows[0]);
    out += "|";
    for (size_t i = 0; i < columns; ++i) out += " --- |";
    for (size_t i = 1; i < rows.size(); ++i) {
      out += "\n";
      write_row(rows[i]);
      out.pop_back();
    }
    if (out.back() == '\n') out.pop_back();
    return out;
  }
};

}  // namespace

std::string adf_to_markdown(const json& doc) {
  std::string out = BlockWriter().blocks(adf::content_of(doc));
  if (!out.empty()) out += "\n";
  return out;
}

}  // namespace epicsync::richtext

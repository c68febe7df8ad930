#include "richtext/adf_to_markdown.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/adf.h"
#include "richtext/adf_nodes.h"
#include "richtext/normalize.h"

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
  InlineWriter(Context context, bool lossless)
      : context_(context), lossless_(lossless), line_start_(context != Context::kTable) {}

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
  bool lossless_;
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

  // [@Display Name](mention:ACCOUNT_ID): markdown_to_adf reads the link back as the mention.
  void mention(const json& node) {
    close_to(0);
    flush_pending();
    out_ += "[" + escape(adf::string_attr(node, "text"), false, context_, true) + "](" +
            destination("mention:" + adf::string_attr(node, "id")) + ")";
    line_start_ = false;
  }

  void node(const json& node) {
    std::string_view type = adf::type_of(node);
    if (type == "text") {
      text(adf::text_of(node), adf::marks_of(node));
    } else if (type == "hardBreak") {
      hard_break();
    } else if (type == "emoji") {
      std::string text = adf::string_attr(node, "text");
      plain(text.empty() ? adf::string_attr(node, "shortName") : text);
    } else if (type == "mention" && lossless_) {
      mention(node);
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

std::string render_inline(const json& content, Context context = Context::kBlock,
                          bool lossless = false) {
  return InlineWriter(context, lossless).render(content);
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

// Two lists in a row would merge into one in markdown; alternating markers (`-`/`*`, `.`/`)`)
// keep them apart. Blocks that render as nothing do not separate lists.
struct ListAlternation {
  std::string_view previous;
  bool alternate = false;

  static bool is_list(std::string_view type) {
    return type == "bulletList" || type == "taskList" || type == "orderedList" ||
           type == "decisionList";
  }

  // Whether a block of `type` takes the other marker. The caller restores a copy taken before
  // when the block renders as nothing, and sets `previous` when it renders as something.
  bool next(std::string_view type) {
    bool same_family =
        is_list(type) &&
        (previous == type ||
         (type != "orderedList" && previous != "orderedList" && !previous.empty() &&
          (previous == "bulletList" || previous == "taskList" || previous == "decisionList")));
    alternate = same_family ? !alternate : false;
    return alternate;
  }
};

class BlockWriter {
 public:
  // In lossless mode mentions and panels take the forms markdown_to_adf reads back as such.
  explicit BlockWriter(bool lossless) : lossless_(lossless) {}

  // Inside a list item a nested list follows its paragraph on the next line, as people write it;
  // only an ordered list not starting at 1 cannot interrupt a paragraph and needs a blank line.
  std::string blocks(const json& content, bool in_item = false) {
    std::string out;
    ListAlternation run;
    for (const json& node : content) {
      std::string_view type = adf::type_of(node);
      ListAlternation before = run;
      std::string chunk = block(node, run.next(type));
      if (chunk.empty()) {
        run = before;
        continue;
      }
      bool tight = in_item && run.previous == "paragraph" && !out.empty() &&
                   ListAlternation::is_list(type) && type != "decisionList" &&
                   adf::number_attr(node, "order").value_or(1) == 1 &&
                   chunk.substr(0, chunk.find('\n')).find(' ') != std::string::npos;
      run.previous = type;
      if (!out.empty()) out += tight ? "\n" : "\n\n";
      out += chunk;
    }
    return out;
  }

  std::string block(const json& node, bool alternate) {
    std::string_view type = adf::type_of(node);
    if (type == "paragraph") return inline_markdown(adf::content_of(node));
    if (type == "heading") {
      int level = static_cast<int>(adf::number_attr(node, "level").value_or(1));
      level = std::clamp(level, 1, 6);
      std::string text = inline_markdown(adf::content_of(node), Context::kHeading);
      return std::string(static_cast<size_t>(level), '#') + (text.empty() ? "" : " " + text);
    }
    if (type == "codeBlock") return code_block(node);
    if (type == "panel" && lossless_) return alert(node);
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
      std::string head = "**" + inline_markdown(heading) + "**";
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
    return inline_only ? inline_markdown(content) : blocks(content);
  }

 private:
  bool lossless_;

  std::string inline_markdown(const json& content, Context context = Context::kBlock) const {
    return render_inline(content, context, lossless_);
  }

  // A panel as a GitHub alert: "> [!INFO]" on a line of its own, then the blocks quoted.
  std::string alert(const json& node) {
    std::string panel_type = adf::string_attr(node, "panelType");
    std::string body = blocks(adf::content_of(node));
    std::string marker;
    for (const char* known : {"info", "note", "tip", "warning", "error", "success"}) {
      if (panel_type != known) continue;
      for (char c : panel_type) marker += static_cast<char>(c - 'a' + 'A');
    }
    // Other panel types (custom) have no marker that reads back as them: a plain quote, which
    // the lossless check replaces with the fence.
    if (marker.empty()) return quote(body);
    std::string out = "> [!" + marker + "]";
    if (body.empty()) return out;
    // A paragraph continues the marker's line as GitHub writes alerts; anything else starts
    // after an empty quoted line, so that it cannot be read as part of the marker's paragraph.
    bool paragraph_first = false;
    for (const json& child : adf::content_of(node)) {
      if (adf::type_of(child) == "paragraph" && inline_markdown(adf::content_of(child)).empty()) {
        continue;
      }
      paragraph_first = adf::type_of(child) == "paragraph";
      break;
    }
    return out + (paragraph_first ? "\n" : "\n>\n") + quote(body);
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
        if (type == "paragraph" && inline_markdown(adf::content_of(child)).empty()) continue;
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
        body = inline_markdown(adf::content_of(item));
      }
      std::string prefix = bullet + (done ? " [x] " : " [ ] ");
      if (!out.empty()) out += "\n";
      // Without the space after the box an empty item is not a task item.
      out += body.empty() ? prefix : indent_rest(body, prefix, 2);
    }
    return out;
  }

  std::string cell_text(const json& cell) const {
    json content = json::array();
    bool first = true;
    for (const json& block : adf::content_of(cell)) {
      if (!first) content.push_back(json{{"type", "hardBreak"}});
      first = false;
      flatten(block, content);
    }
    std::string text = inline_markdown(content, Context::kTable);
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

// JSON for people: "type" first, then "attrs", "text", "marks", "content" and the rest; an
// object or array that fits on its line stays on one line, anything longer is spread over lines
// indented by two spaces. Any layout reads back the same, so only the diffs are concerned.
class JsonLayout {
 public:
  static std::string write(const json& value) {
    std::string out;
    JsonLayout().value(value, 0, 0, out);
    return out;
  }

 private:
  static constexpr size_t kWidth = 100;

  static std::vector<std::pair<std::string_view, const json*>> members(const json& object) {
    std::vector<std::pair<std::string_view, const json*>> out;
    for (const char* key : {"type", "attrs", "text", "marks", "content"}) {
      auto it = object.find(key);
      if (it != object.end()) out.emplace_back(key, &*it);
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::string& key = it.key();
      if (key == "type" || key == "attrs" || key == "text" || key == "marks" || key == "content") {
        continue;
      }
      out.emplace_back(key, &it.value());
    }
    return out;
  }

  static std::string scalar(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // A string as JSON; plain ASCII (keys, most text) without the detour through a json value.
  static void quoted(std::string_view text, std::string& out) {
    for (char c : text) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
        out += scalar(json(std::string(text)));
        return;
      }
    }
    out += '"';
    out += text;
    out += '"';
  }

  static void scalar(const json& value, std::string& out) {
    if (value.is_string()) {
      quoted(value.get_ref<const std::string&>(), out);
    } else {
      out += scalar(value);
    }
  }

  // Appends the value on one line; gives up (false) once the line is longer than `limit`, so
  // that trying every level of a large tree stays linear.
  static bool one_line(const json& value, std::string& out, size_t limit) {
    if (value.is_object()) {
      out += "{";
      bool first = true;
      for (const auto& [key, member] : members(value)) {
        if (!first) out += ", ";
        first = false;
        quoted(key, out);
        out += ": ";
        if (out.size() > limit || !one_line(*member, out, limit)) return false;
      }
      out += "}";
    } else if (value.is_array()) {
      out += "[";
      bool first = true;
      for (const json& item : value) {
        if (!first) out += ", ";
        first = false;
        if (out.size() > limit || !one_line(item, out, limit)) return false;
      }
      out += "]";
    } else {
      scalar(value, out);
    }
    return out.size() <= limit;
  }

  void value(const json& value, size_t indent, size_t column, std::string& out) {
    if (!value.is_structured() || value.empty()) {
      scalar(value, out);
      return;
    }
    std::string flat;
    if (column < kWidth && one_line(value, flat, kWidth - column)) {
      out += flat;
      return;
    }
    std::string pad(indent + 2, ' ');
    if (value.is_object()) {
      out += "{";
      bool first = true;
      for (const auto& [key, member] : members(value)) {
        out += first ? "\n" : ",\n";
        first = false;
        std::string head = pad;
        quoted(key, head);
        head += ": ";
        out += head;
        this->value(*member, indent + 2, head.size(), out);
      }
      out += "\n" + std::string(indent, ' ') + "}";
    } else {
      out += "[";
      bool first = true;
      for (const json& item : value) {
        out += first ? "\n" : ",\n";
        first = false;
        out += pad;
        this->value(item, indent + 2, pad.size(), out);
      }
      out += "\n" + std::string(indent, ' ') + "]";
    }
  }
};

// The fallback form: the block's JSON in a code fence with the info string `adf`, which
// markdown_to_adf reads back as the node itself.
std::string adf_fence(const json& node) {
  std::string text = JsonLayout::write(node);
  size_t longest = 0;
  size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  return fence + "adf\n" + text + "\n" + fence;
}

json doc_of(json content) {
  return json{{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
}

bool has_other_attrs(const json& node, std::initializer_list<std::string_view> allowed) {
  const json& attrs = adf::attrs_of(node);
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) return true;
  }
  return false;
}

// A GFM table: a header row of header cells, the other rows plain cells, as many in every row,
// each one paragraph, no spans or colours, the default layout.
bool is_markdown_table(const json& table) {
  const json& attrs = adf::attrs_of(table);
  if (attrs.value("isNumberColumnEnabled", false) == true ||
      (attrs.contains("layout") && attrs["layout"] != "default" && attrs["layout"] != "center") ||
      (attrs.contains("displayMode") && attrs["displayMode"] != "default")) {
    return false;
  }
  size_t columns = 0;
  bool header = true;
  for (const json& row : adf::content_of(table)) {
    const json& cells = adf::content_of(row);
    if (header) columns = cells.size();
    if (cells.size() != columns) return false;
    for (const json& cell : cells) {
      if (adf::type_of(cell) != (header ? "tableHeader" : "tableCell")) return false;
      if (has_other_attrs(cell, {"colwidth", "localId", "colspan", "rowspan"}) ||
          adf::number_attr(cell, "colspan").value_or(1) != 1 ||
          adf::number_attr(cell, "rowspan").value_or(1) != 1) {
        return false;
      }
      // Empty paragraphs are no content; more than one paragraph would be joined by a break.
      size_t paragraphs = 0;
      for (const json& block : adf::content_of(cell)) {
        if (adf::type_of(block) != "paragraph") return false;
        if (!adf::content_of(block).empty()) ++paragraphs;
      }
      if (paragraphs > 1) return false;
    }
    header = false;
  }
  return true;
}

bool holds_task_list(const json& node) {
  for (const json& child : adf::content_of(node)) {
    if (adf::type_of(child) == "taskList" || holds_task_list(child)) return true;
  }
  return false;
}

// False when the node holds something that no readable markdown comes back as: a node or mark
// that markdown_to_adf never produces outside an `adf` fence (emoji, status, media, underline,
// ...), a table GFM cannot draw, a code language with a space, a custom panel, a task list in a
// panel or quote (GitHub reads no task lists in quotes). Only saves the check: what passes here is
// still checked by reading it back.
bool may_have_readable_form(const json& node) {
  std::string_view type = adf::type_of(node);
  if (type == "table" && !is_markdown_table(node)) return false;
  if (type == "codeBlock" &&
      adf::string_attr(node, "language").find_first_of(" \t\n") != std::string::npos) {
    return false;
  }
  if (type == "panel") {
    std::string panel_type = adf::string_attr(node, "panelType");
    if (panel_type == "custom" || has_other_attrs(node, {"panelType", "localId"})) return false;
  }
  if ((type == "panel" || type == "blockquote") && holds_task_list(node)) return false;
  static constexpr std::string_view kReadable[] = {
      "paragraph",  "heading", "text",       "hardBreak",   "mention",     "codeBlock",
      "blockquote", "panel",   "bulletList", "orderedList", "listItem",    "taskList",
      "taskItem",   "rule",    "table",      "tableRow",    "tableHeader", "tableCell"};
  if (std::find(std::begin(kReadable), std::end(kReadable), type) == std::end(kReadable)) {
    return false;
  }
  auto marks = node.find("marks");
  if (marks != node.end() && marks->is_array()) {
    for (const json& mark : *marks) {
      std::string_view mark_type = adf::type_of(mark);
      if (mark_type != "strong" && mark_type != "em" && mark_type != "strike" &&
          mark_type != "code" && mark_type != "link") {
        return false;
      }
    }
  }
  for (const json& child : adf::content_of(node)) {
    if (child.is_object() && !may_have_readable_form(child)) return false;
  }
  return true;
}

// Writes the top level of a document block by block. In lossless mode every block is checked by
// reading it back, alone and next to its neighbours, and is fenced when it does not come back
// with the same canonical form; the whole document is checked last.
class TopLevelWriter {
 public:
  TopLevelWriter(const json& doc, const AdfToMarkdownOptions& options)
      : doc_(doc), options_(options) {
    for (const json& node : adf::content_of(doc)) {
      if (!node.is_object()) continue;  // not content; the canonical form skips it too
      nodes_.push_back(&node);
      fenced_.push_back((options.fence_top_level && options.fence_top_level(node)) ||
                        (options.lossless && !may_have_readable_form(node)));
    }
    expected_.resize(nodes_.size());
    checked_.resize(nodes_.size());
  }

  std::string write() {
    render(false);
    if (!options_.lossless) return joined();
    std::string expected = canonical_text(doc_);
    // Most documents come back whole at the first try; only when they do not is every block
    // checked on its own.
    std::string markdown = joined();
    if (canonical_text(markdown_to_adf(markdown)) == expected) return markdown;
    render(true);
    // Each round fences at least one more block; few rounds are ever needed.
    for (int round = 0; round < 8; ++round) {
      markdown = joined();
      if (canonical_text(markdown_to_adf(markdown)) == expected) return markdown;
      if (!fence_at_failing_boundaries()) break;
      render(true);
    }
    // Blocks that only go wrong together with blocks further away: fence them all.
    fenced_.assign(nodes_.size(), true);
    render(false);
    return joined();
  }

 private:
  const json& doc_;
  const AdfToMarkdownOptions& options_;
  std::vector<const json*> nodes_;
  std::vector<bool> fenced_;
  std::vector<std::string> chunks_;
  // Per block: its canonical form alone, and the last rendering checked with its verdict.
  std::vector<std::string> expected_;
  std::vector<std::pair<std::string, bool>> checked_;

  bool reads_back_alone(size_t i, const std::string& chunk) {
    if (checked_[i].first == chunk && !chunk.empty()) return checked_[i].second;
    if (expected_[i].empty()) expected_[i] = canonical_text(doc_of(json::array({*nodes_[i]})));
    bool same = canonical_text(markdown_to_adf(chunk)) == expected_[i];
    checked_[i] = {chunk, same};
    return same;
  }

  // Renders every block, fencing those that are to be fenced and, with `check`, those that do
  // not read back on their own.
  void render(bool check) {
    BlockWriter writer(options_.lossless);
    ListAlternation run;
    chunks_.assign(nodes_.size(), std::string());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const json& node = *nodes_[i];
      if (!fenced_[i]) {
        std::string_view type = adf::type_of(node);
        ListAlternation before = run;
        std::string chunk = writer.block(node, run.next(type));
        if (!check || reads_back_alone(i, chunk)) {
          if (chunk.empty()) {
            run = before;
          } else {
            run.previous = type;
          }
          chunks_[i] = std::move(chunk);
          continue;
        }
        fenced_[i] = true;
      }
      chunks_[i] = adf_fence(node);
      run = ListAlternation{"codeBlock", false};
    }
  }

  std::string joined() const {
    std::string out;
    for (const std::string& chunk : chunks_) {
      if (chunk.empty()) continue;
      if (!out.empty()) out += "\n\n";
      out += chunk;
    }
    if (!out.empty()) out += "\n";
    return out;
  }

  // Finds neighbouring blocks that read back differently together than apart (two lists that
  // merge, a paragraph that continues into the next block, ...) and fences one of each pair.
  bool fence_at_failing_boundaries() {
    bool changed = false;
    size_t previous = nodes_.size();
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (chunks_[i].empty()) continue;
      if (previous != nodes_.size() && !(fenced_[previous] && fenced_[i])) {
        json pair = json::array();
        for (size_t k = previous; k <= i; ++k) pair.push_back(*nodes_[k]);
        std::string markdown = chunks_[previous] + "\n\n" + chunks_[i] + "\n";
        if (canonical_text(markdown_to_adf(markdown)) != canonical_text(doc_of(std::move(pair)))) {
          fenced_[fenced_[i] ? previous : i] = true;
          changed = true;
        }
      }
      previous = i;
    }
    return changed;
  }
};

}  // namespace

std::string adf_to_markdown(const json& doc) {
  std::string out = BlockWriter(false).blocks(adf::content_of(doc));
  if (!out.empty()) out += "\n";
  return out;
}

std::string adf_to_markdown(const json& doc, const AdfToMarkdownOptions& options) {
  if (!options.lossless && !options.fence_top_level) return adf_to_markdown(doc);
  return TopLevelWriter(doc, options).write();
}

}  // namespace epicsync::richtext

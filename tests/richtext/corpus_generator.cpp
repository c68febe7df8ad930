#include "corpus_generator.h"

#include <array>
#include <string_view>

namespace epicsync::richtext::testing {

namespace {

// splitmix64: tiny, fast and identical everywhere (std distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[static_cast<size_t>(below(static_cast<int>(N)))];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 40> kWords = {
    "checkout", "guest",       "payment",    "session", "cart", "email",   "order",      "token",
    "US-001",   "PROJ-42",     "snake_case", "don't",   "50%",  "a*b",     "1.",         "#tag",
    "[x]",      "|pipe|",      "<tag>",      "&amp;",   "😀",    "Ünïcödé", "foo.bar",    "(paren)",
    "~tilde~",  "back\\slash", "x_y_z",      "C++",     "e.g.", "->",      "2024-01-02", "+1",
    "=",        "!bang",       "under_",     "_lead",   "🚀",    "é",       "a&b",        "`tick`"};

constexpr std::array<std::string_view, 6> kPlainWords = {"alpha", "beta",    "gamma",
                                                         "delta", "epsilon", "zeta"};

constexpr std::array<std::string_view, 6> kUrls = {"https://example.com",
                                                   "https://example.com/a_b?x=1&y=2",
                                                   "http://jira.local/browse/PROJ-1",
                                                   "https://example.com/(paren)",
                                                   "mailto:dev@example.com",
                                                   "https://example.com/path#frag"};

constexpr std::array<std::string_view, 5> kLanguages = {"", "cpp", "python", "json", "bash"};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  std::string document() {
    std::string out;
    int blocks = 1 + random_.below(6);
    for (int i = 0; i < blocks; ++i) {
      if (!out.empty()) out += "\n";
      out += block(0, "");
    }
    return out;
  }

 private:
  Random random_;

  std::string word() { return std::string(random_.pick(kWords)); }

  std::string plain_words(int max) {
    std::string out;
    int count = 1 + random_.below(max);
    for (int i = 0; i < count; ++i) {
      if (i) out += ' ';
      std::string w = word();
      // Words carry markdown punctuation; escape it so that it stays text.
      for (char c : w) {
        if (c == '*' || c == '_' || c == '[' || c == ']' || c == '|' || c == '<' || c == '`' ||
            c == '\\' || c == '~' || c == '&' || c == '#' || c == '!') {
          out += '\\';
        }
        out += c;
      }
    }
    return out;
  }

  std::string code_text() {
    constexpr std::array<std::string_view, 6> kCode = {"x",      "a|b",  "CartSession::attach()",
                                                       "`tick`", "a  b", "**not bold**"};
    std::string text(random_.pick(kCode));
    if (text.find('`') != std::string::npos) return "`` " + text + " ``";
    return "`" + text + "`";
  }

  std::string span(int depth) {
    switch (random_.below(depth > 1 ? 6 : 12)) {
      // Delimiters always touch words: markdown cannot tell "~~**" apart from literal text.
      case 0:
        return "**" + padded_span(depth) + "**";
      case 1:
        return "*" + padded_span(depth) + "*";
      case 2:
        return "~~" + padded_span(depth) + "~~";
      case 3:
        return code_text();
      case 4: {
        std::string url(random_.pick(kUrls));
        if (url.find('(') != std::string::npos) url = "<" + url + ">";
        return "[" + (random_.chance(30) ? code_text() : plain_words(3)) + "](" + url + ")";
      }
      case 5:
        return plain_words(3);
      case 6:
        return std::string(random_.chance(50) ? "https://example.org/page" : "www.example.org");
      case 7:
        return "![" + plain_words(2) + "](images/shot.png)";
      case 8:
        return "[**" + plain_words(2) + "**](https://example.com/b)";
      case 9:
        return random_.chance(50) ? "<kbd>x</kbd>" : "a<br>b";
      default:
        return plain_words(4);
    }
  }

  std::string padded_span(int depth) {
    if (random_.chance(50)) return plain_words(3);
    return std::string(random_.pick(kPlainWords)) + " " + span(depth + 1) + " " +
           std::string(random_.pick(kPlainWords));
  }

  std::string inline_text(bool allow_breaks) {
    std::string out;
    int spans = 1 + random_.below(5);
    for (int i = 0; i < spans; ++i) {
      if (i) {
        int sep = random_.below(10);
        if (allow_breaks && sep == 0) {
          out += "\\\n";
        } else if (allow_breaks && sep == 1) {
          out += "\n";
        } else {
          out += " ";
        }
      }
      out += span(0);
    }
    return out;
  }

  std::string indent(const std::string& text, const std::string& pad) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
      if (line_start && c != '\n') out += pad;
      out += c;
      line_start = c == '\n';
    }
    return out;
  }

  std::string list(int depth, bool tasks, bool ordered) {
    std::string out;
    int items = 1 + random_.below(4);
    int start = ordered ? (random_.chance(20) ? 3 : 1) : 0;
    for (int i = 0; i < items; ++i) {
      std::string marker = ordered ? std::to_string(start + i) + ". " : "- ";
      bool task = tasks && (random_.chance(85) || i == 0);
      if (task) marker += random_.chance(50) ? "[x] " : "[ ] ";
      std::string body = inline_text(true);
      std::string rest;
      if (depth < 3 && random_.chance(35)) {
        int kind = random_.below(8);
        if (kind <= 2) {
          rest = list(depth + 1, kind == 0 || tasks, kind == 2);
        } else if (kind == 3) {
          rest = "\n" + code_block();
        } else if (kind == 4) {
          rest = "\n" + inline_text(false) + "\n";
        } else if (kind == 5) {
          rest = "\n> " + inline_text(false) + "\n";
        } else if (kind == 6) {
          rest = "\n### " + plain_words(3) + "\n";
        } else {
          rest = "\n" + table();
        }
      }
      std::string pad(marker.size() - (task ? 4 : 0), ' ');
      out += marker + indent(body, pad).substr(pad.size()) + "\n";
      if (!rest.empty()) out += indent(rest, pad);
    }
    return out;
  }

  std::string code_block() {
    std::string language(random_.pick(kLanguages));
    std::string body = random_.chance(30) ? "" : "int main() {\n  return 0; // `x` * _y_\n}\n";
    if (random_.chance(20)) body += "```\n";
    std::string fence = body.find("```") != std::string::npos ? "````" : "```";
    return fence + language + "\n" + body + fence + "\n";
  }

  std::string table() {
    int columns = 1 + random_.below(4);
    int rows = random_.below(4);
    std::string out = "|";
    for (int c = 0; c < columns; ++c) out += " " + plain_words(2) + " |";
    out += "\n|";
    for (int c = 0; c < columns; ++c) {
      constexpr std::array<std::string_view, 4> kAlign = {"---", ":--", ":-:", "--:"};
      out += std::string(random_.pick(kAlign)) + "|";
    }
    out += "\n";
    for (int r = 0; r < rows; ++r) {
      out += "|";
      for (int c = 0; c < columns; ++c) {
        out += random_.chance(15) ? " |" : " " + inline_text(false) + " |";
      }
      out += "\n";
    }
    return out;
  }

  std::string quote(int depth) {
    std::string body;
    int blocks = 1 + random_.below(3);
    for (int i = 0; i < blocks; ++i) {
      if (i) body += "\n";
      body += depth < 2 ? block(depth + 1, "quote") : inline_text(true) + "\n";
    }
    std::string out;
    bool line_start = true;
    for (char c : body) {
      if (line_start) out += c == '\n' ? ">" : "> ";
      out += c;
      line_start = c == '\n';
    }
    return out;
  }

  std::string block(int depth, std::string_view where) {
    switch (random_.below(13)) {
      case 0:
        return std::string(static_cast<size_t>(1 + random_.below(6)), '#') + " " +
               inline_text(false) + "\n";
      case 1:
        return list(depth, false, false);
      case 2:
        return list(depth, false, true);
      case 3:
        return list(depth, true, false);
      case 4:
        return code_block();
      case 5:
        return depth < 3 ? quote(depth) : inline_text(true) + "\n";
      case 6:
        return table();
      case 7:
        return where == "quote" ? "***\n" : "---\n";
      case 8:
        return "<div>\n<b>raw</b>\n</div>\n";
      case 9: {
        // Mixed list: tasks and plain items in one markdown list.
        return "- [ ] " + plain_words(3) + "\n- " + plain_words(3) + "\n- [x] " + plain_words(2) +
               "\n";
      }
      default:
        return inline_text(true) + "\n";
    }
  }
};

using nlohmann::json;

// Text that markdown and wiki markup would read as syntax, next to ordinary words.
constexpr std::array<std::string_view, 36> kAdfWords = {"checkout",
                                                        "guest",
                                                        "payment",
                                                        "US-001",
                                                        "a*b",
                                                        "_lead",
                                                        "snake_case",
                                                        "[x]",
                                                        "|pipe|",
                                                        "<tag>",
                                                        "&amp;",
                                                        "😀",
                                                        "Ünïcödé",
                                                        "#tag",
                                                        "1.",
                                                        "- dash",
                                                        "+1",
                                                        "`tick`",
                                                        "back\\slash",
                                                        "~tilde~",
                                                        "{curly}",
                                                        "!bang!",
                                                        "??cite??",
                                                        "h1.",
                                                        "(/)",
                                                        "[~user]",
                                                        "> quote",
                                                        "www.example.org",
                                                        "https://e.com/x",
                                                        "dev@example.com",
                                                        "**not**",
                                                        "[!INFO]",
                                                        "---",
                                                        "```",
                                                        "mention:x",
                                                        "^sup^"};

constexpr std::array<std::string_view, 5> kHrefs = {
    "https://example.com", "https://example.com/a_b?x=1&y=2", "http://jira.local/browse/PROJ-1",
    "https://example.com/(paren)", "mailto:dev@example.com"};

constexpr std::array<std::string_view, 10> kAdfLanguages = {
    "", "cpp", "python", "c++", "objective-c", "a b", "a`b", "adf", "json", "{x}"};

constexpr std::array<std::string_view, 4> kAccounts = {
    "5b10ac8d82e05b22cc7d4ef5", "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", "jsmith",
    "accountid:712020:abc"};

constexpr std::array<std::string_view, 4> kNames = {"@Dana Scully", "@jsmith", "Fox [M]",
                                                    "@Walter *S*"};

class AdfGenerator {
 public:
  explicit AdfGenerator(std::uint64_t seed) : random_(seed) {}

  json document() {
    json content = json::array();
    int blocks = 1 + random_.below(6);
    for (int i = 0; i < blocks; ++i) content.push_back(top_block());
    return json{{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
  }

 private:
  Random random_;
  int ids_ = 0;

  std::string local_id() { return "id-" + std::to_string(++ids_); }

  std::string words(int max) {
    std::string out;
    int count = 1 + random_.below(max);
    for (int i = 0; i < count; ++i) {
      if (i) out += random_.chance(5) ? "  " : " ";
      out += random_.chance(60) ? std::string(random_.pick(kPlainWords))
                                : std::string(random_.pick(kAdfWords));
    }
    return out;
  }

  // Marks as the schema allows them: code goes with link only; colour, underline and subsup go
  // with everything but code.
  json marks() {
    json out = json::array();
    if (random_.chance(55)) return out;
    if (random_.chance(15)) {
      out.push_back(json{{"type", "code"}});
      if (random_.chance(30)) {
        out.push_back(
            json{{"type", "link"}, {"attrs", {{"href", std::string(random_.pick(kHrefs))}}}});
      }
      return out;
    }
    if (random_.chance(35)) out.push_back(json{{"type", "strong"}});
    if (random_.chance(30)) out.push_back(json{{"type", "em"}});
    if (random_.chance(15)) out.push_back(json{{"type", "strike"}});
    // Markdown has no underline, colour or sub/superscript: rarer, as in real descriptions.
    if (random_.chance(6)) out.push_back(json{{"type", "underline"}});
    if (random_.chance(4)) {
      out.push_back(json{{"type", "textColor"}, {"attrs", {{"color", "#ff5630"}}}});
    }
    if (random_.chance(4)) {
      out.push_back(
          json{{"type", "subsup"}, {"attrs", {{"type", random_.chance(50) ? "sub" : "sup"}}}});
    }
    if (random_.chance(25)) {
      json attrs{{"href", std::string(random_.pick(kHrefs))}};
      if (random_.chance(20)) attrs["title"] = "a title";
      out.push_back(json{{"type", "link"}, {"attrs", std::move(attrs)}});
    }
    return out;
  }

  json text() {
    // Mostly with a space before the next node, as text runs; sometimes glued to it.
    std::string value = words(4) + (random_.chance(60) ? " " : "");
    json marks_json = marks();
    json node{{"type", "text"}, {"text", value}};
    if (!marks_json.empty()) node["marks"] = std::move(marks_json);
    return node;
  }

  json inline_node(bool allow_break) {
    switch (random_.below(20)) {
      case 0:
        if (allow_break) return json{{"type", "hardBreak"}};
        return text();
      case 1: {
        json attrs{{"id", std::string(random_.pick(kAccounts))}};
        if (random_.chance(90)) attrs["text"] = std::string(random_.pick(kNames));
        if (random_.chance(50)) attrs["accessLevel"] = "";
        return json{{"type", "mention"}, {"attrs", std::move(attrs)}};
      }
      case 2:
        return json{{"type", "emoji"},
                    {"attrs", {{"shortName", ":smile:"}, {"id", "1f604"}, {"text", "😄"}}}};
      case 3:
        return json{
            {"type", "status"},
            {"attrs", {{"text", "IN PROGRESS"}, {"color", "blue"}, {"localId", local_id()}}}};
      case 4:
        return json{{"type", "date"}, {"attrs", {{"timestamp", "1700000000000"}}}};
      case 5:
        return json{{"type", "inlineCard"}, {"attrs", {{"url", "https://e.com/browse/PROJ-7"}}}};
      default:
        return text();
    }
  }

  // Mostly plain text: the special nodes are spread thin so that most blocks have a readable
  // form, as most of a real description does.
  json inline_content(bool allow_break, int max = 5) {
    json content = json::array();
    int count = random_.below(max + 1);
    bool special = random_.chance(30);
    for (int i = 0; i < count; ++i) {
      json node = special ? inline_node(allow_break) : text();
      if (!special && allow_break && random_.chance(10)) node = json{{"type", "hardBreak"}};
      content.push_back(std::move(node));
    }
    return content;
  }

  json paragraph(bool allow_break = true) {
    json node{{"type", "paragraph"}};
    if (random_.chance(3)) return node;  // no content at all
    node["content"] = inline_content(allow_break);
    if (random_.chance(5)) node["attrs"] = {{"localId", local_id()}};
    return node;
  }

  json heading() {
    return json{{"type", "heading"},
                {"attrs", {{"level", 1 + random_.below(6)}}},
                {"content", inline_content(random_.chance(20), 3)}};
  }

  json code_block() {
    json node{{"type", "codeBlock"}};
    std::string language(random_.pick(kAdfLanguages));
    if (!language.empty() || random_.chance(20)) node["attrs"] = {{"language", language}};
    constexpr std::array<std::string_view, 7> kCode = {"int main() {\n  return 0; // `x` * _y_\n}",
                                                       "```\nfenced\n```",
                                                       "{\"type\": \"rule\"}",
                                                       "  indented\n\ttab",
                                                       "{code}\n{panel}\n{quote}",
                                                       "x\n",
                                                       ""};
    std::string code(random_.pick(kCode));
    json content = json::array();
    if (!code.empty()) content.push_back(json{{"type", "text"}, {"text", code}});
    node["content"] = std::move(content);
    return node;
  }

  json list_item(int depth) {
    json content = json::array();
    content.push_back(random_.chance(90) ? paragraph() : code_block());
    if (depth < 3 && random_.chance(35)) {
      switch (random_.below(5)) {
        case 0:
          content.push_back(bullet_list(depth + 1));
          break;
        case 1:
          content.push_back(ordered_list(depth + 1));
          break;
        case 2:
          content.push_back(task_list(depth + 1));
          break;
        case 3:
          content.push_back(code_block());
          break;
        default:
          content.push_back(paragraph());
          break;
      }
    }
    return json{{"type", "listItem"}, {"content", std::move(content)}};
  }

  json bullet_list(int depth) {
    json items = json::array();
    int count = 1 + random_.below(3);
    for (int i = 0; i < count; ++i) items.push_back(list_item(depth));
    return json{{"type", "bulletList"}, {"content", std::move(items)}};
  }

  json ordered_list(int depth) {
    json items = json::array();
    int count = 1 + random_.below(3);
    for (int i = 0; i < count; ++i) items.push_back(list_item(depth));
    json node{{"type", "orderedList"}, {"content", std::move(items)}};
    constexpr std::array<int, 5> kStarts = {0, 1, 2, 7, 10};
    if (random_.chance(40)) node["attrs"] = {{"order", random_.pick(kStarts)}};
    return node;
  }

  json task_list(int depth) {
    json items = json::array();
    int count = 1 + random_.below(3);
    for (int i = 0; i < count; ++i) {
      items.push_back(json{
          {"type", "taskItem"},
          {"attrs", {{"localId", local_id()}, {"state", random_.chance(50) ? "DONE" : "TODO"}}},
          {"content", inline_content(random_.chance(20), 3)}});
      if (depth < 3 && random_.chance(15)) items.push_back(task_list(depth + 1));
    }
    return json{{"type", "taskList"}, {"attrs", {{"localId", local_id()}}}, {"content", items}};
  }

  json quote() {
    json content = json::array();
    int count = 1 + random_.below(3);
    for (int i = 0; i < count; ++i) {
      switch (random_.below(5)) {
        case 0:
          content.push_back(bullet_list(1));
          break;
        case 1:
          content.push_back(ordered_list(1));
          break;
        case 2:
          content.push_back(code_block());
          break;
        default:
          content.push_back(paragraph());
          break;
      }
    }
    return json{{"type", "blockquote"}, {"content", std::move(content)}};
  }

  json panel() {
    constexpr std::array<std::string_view, 7> kTypes = {"info",  "note",    "warning", "success",
                                                        "error", "success", "tip"};
    json attrs{{"panelType", std::string(random_.pick(kTypes))}};
    if (random_.chance(5)) {
      attrs = {{"panelType", "custom"}, {"panelColor", "#abcdef"}, {"panelIcon", ":star:"}};
    }
    json content = json::array();
    int count = 1 + random_.below(3);
    for (int i = 0; i < count; ++i) {
      switch (random_.below(9)) {
        case 0:
          content.push_back(bullet_list(1));
          break;
        case 1:
          content.push_back(ordered_list(1));
          break;
        case 2:
          content.push_back(task_list(1));
          break;
        case 3:
          content.push_back(code_block());
          break;
        case 4:
          content.push_back(heading());
          break;
        case 5:
          content.push_back(json{{"type", "rule"}});
          break;
        default:
          content.push_back(paragraph());
          break;
      }
    }
    return json{{"type", "panel"}, {"attrs", std::move(attrs)}, {"content", std::move(content)}};
  }

  json cell(bool header) {
    json content = json::array();
    switch (random_.below(12)) {
      case 0:
        content.push_back(heading());
        break;
      case 1:
        content.push_back(bullet_list(2));
        break;
      case 2:
        content.push_back(paragraph(false));
        content.push_back(paragraph(false));
        break;
      case 3:
        content.push_back(code_block());
        break;
      default:
        content.push_back(paragraph(random_.chance(15)));
        break;
    }
    json node{{"type", header ? "tableHeader" : "tableCell"}, {"content", std::move(content)}};
    int kind = random_.below(10);
    if (kind == 0) {
      node["attrs"] = {{"colspan", 2}};
    } else if (kind == 1) {
      node["attrs"] = {{"colwidth", json::array({120})}, {"colspan", 1}, {"rowspan", 1}};
    } else if (kind == 2) {
      node["attrs"] = {{"background", "#deebff"}};
    }
    return node;
  }

  json table() {
    int columns = 1 + random_.below(3);
    int rows = 1 + random_.below(3);
    bool header_row = random_.chance(75);
    json rows_json = json::array();
    for (int r = 0; r < rows; ++r) {
      json cells = json::array();
      for (int c = 0; c < columns; ++c) {
        bool header = (r == 0 && header_row) || (random_.chance(8));
        cells.push_back(cell(header));
      }
      rows_json.push_back(json{{"type", "tableRow"}, {"content", std::move(cells)}});
    }
    json node{{"type", "table"}, {"content", std::move(rows_json)}};
    int attrs = random_.below(4);
    if (attrs == 0) {
      node["attrs"] = {
          {"isNumberColumnEnabled", false}, {"layout", "default"}, {"localId", local_id()}};
    } else if (attrs == 1) {
      node["attrs"] = {{"isNumberColumnEnabled", random_.chance(50)}, {"layout", "wide"}};
    }
    return node;
  }

  json expand() {
    json content = json::array({paragraph()});
    if (random_.chance(40)) content.push_back(bullet_list(1));
    json node{{"type", "expand"}, {"content", std::move(content)}};
    if (random_.chance(80)) node["attrs"] = {{"title", words(3)}};
    return node;
  }

  json media_single() {
    json media{{"type", "media"},
               {"attrs",
                {{"type", "file"},
                 {"id", "6e7c7f2c-dd7a-499c-bceb-6f32bfbf30b5"},
                 {"collection", "jira-10001"},
                 {"width", 640},
                 {"height", 480}}}};
    return json{{"type", "mediaSingle"},
                {"attrs", {{"layout", "center"}}},
                {"content", json::array({std::move(media)})}};
  }

  json top_block() {
    switch (random_.below(22)) {
      case 0:
      case 1:
        return heading();
      case 2:
      case 3:
        return bullet_list(0);
      case 4:
      case 5:
        return ordered_list(0);
      case 6:
        return task_list(0);
      case 7:
      case 8:
        return code_block();
      case 9:
        return quote();
      case 10:
        return json{{"type", "rule"}};
      case 11:
      case 12:
        return table();
      case 13:
      case 14:
        return panel();
      case 15:
        return expand();
      case 16:
        return media_single();
      default:
        return paragraph();
    }
  }
};
}  // namespace

std::string generate_markdown_document(std::uint64_t seed) {
  return Generator(seed).document();
}

json generate_adf_document(std::uint64_t seed) {
  return AdfGenerator(seed).document();
}

std::vector<json> generate_adf_corpus(std::uint64_t seed, int count) {
  std::vector<json> docs;
  docs.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    docs.push_back(generate_adf_document(seed * 1000003ULL + static_cast<std::uint64_t>(i)));
  }
  return docs;
}

std::vector<std::string> generate_markdown_corpus(std::uint64_t seed, int count) {
  std::vector<std::string> docs;
  docs.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    docs.push_back(generate_markdown_document(seed * 1000003ULL + static_cast<std::uint64_t>(i)));
  }
  return docs;
}

}  // namespace epicsync::richtext::testing

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

}  // namespace

std::string generate_markdown_document(std::uint64_t seed) {
  return Generator(seed).document();
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

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "richtext/adf.h"
#include "richtext/adf_nodes.h"

namespace epicsync::richtext {

namespace {

using adf::json;
using adf::MarkSet;

// Where a block lands decides which ADF nodes it may become: the schema lets a listItem hold
// only paragraphs, lists and code blocks, a blockquote not even task lists, and a panel no quotes
// or tables (but headings, rules and task lists).
enum class Where { kDoc, kListItem, kQuote, kPanel };

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};

bool has_extension(cmark_node* node, const char* name) {
  const char* type = cmark_node_get_type_string(node);
  return type != nullptr && std::strcmp(type, name) == 0;
}

bool is_task_item(cmark_node* item) {
  return cmark_node_get_type(item) == CMARK_NODE_ITEM && has_extension(item, "tasklist");
}

std::string literal(cmark_node* node) {
  const char* text = cmark_node_get_literal(node);
  return text == nullptr ? std::string() : std::string(text);
}

bool is_br_tag(const std::string& html) {
  std::string lower;
  for (char c : html) {
    if (c != ' ' && c != '/') lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return lower == "<br>";
}

// The text of a link's label as written, without its formatting (a mention has no marks).
void label_text(cmark_node* parent, std::string& out) {
  for (cmark_node* child = cmark_node_first_child(parent); child != nullptr;
       child = cmark_node_next(child)) {
    cmark_node_type type = cmark_node_get_type(child);
    if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
      out += ' ';
    } else if (cmark_node_first_child(child) != nullptr) {
      label_text(child, out);
    } else {
      out += literal(child);
    }
  }
}

// The GitHub alert marker that turns a quote into a panel ("> [!INFO]" on a line of its own).
// GitHub's TIP, IMPORTANT and CAUTION are read as the ADF panels of the same colour; the writer
// only uses the names that map to themselves.
std::string panel_type_of_marker(std::string_view marker) {
  struct Alert {
    std::string_view marker;
    const char* type;
  };
  static constexpr Alert kAlerts[] = {{"[!INFO]", "info"},      {"[!NOTE]", "note"},
                                      {"[!TIP]", "tip"},        {"[!WARNING]", "warning"},
                                      {"[!ERROR]", "error"},    {"[!SUCCESS]", "success"},
                                      {"[!IMPORTANT]", "note"}, {"[!CAUTION]", "error"}};
  for (const Alert& alert : kAlerts) {
    if (alert.marker == marker) return alert.type;
  }
  return {};
}

// When the quote opens with an alert marker line, removes the marker (and the line break after
// it) from the tree and returns the panel type; otherwise leaves the quote as it is.
std::string take_panel_marker(cmark_node* quote) {
  cmark_node* paragraph = cmark_node_first_child(quote);
  if (paragraph == nullptr || cmark_node_get_type(paragraph) != CMARK_NODE_PARAGRAPH) return {};
  std::string marker;
  cmark_node* child = cmark_node_first_child(paragraph);
  for (; child != nullptr && cmark_node_get_type(child) == CMARK_NODE_TEXT;
       child = cmark_node_next(child)) {
    marker += literal(child);
    if (marker.size() > 16) return {};
  }
  if (child != nullptr && cmark_node_get_type(child) != CMARK_NODE_SOFTBREAK &&
      cmark_node_get_type(child) != CMARK_NODE_LINEBREAK) {
    return {};
  }
  std::string type = panel_type_of_marker(marker);
  if (type.empty()) return {};
  cmark_node* stop = child == nullptr ? nullptr : cmark_node_next(child);
  cmark_node* node = cmark_node_first_child(paragraph);
  while (node != stop) {
    cmark_node* next = cmark_node_next(node);
    cmark_node_free(node);
    node = next;
  }
  if (cmark_node_first_child(paragraph) == nullptr) cmark_node_free(paragraph);
  return type;
}

// Which block nodes an `adf` fence may stand for where it appears: anything block-like at the top
// of the document, what the schema allows inside list items, quotes and panels.
bool fence_node_allowed(std::string_view type, Where where) {
  auto one_of = [&](std::initializer_list<std::string_view> types) {
    for (std::string_view allowed : types) {
      if (type == allowed) return true;
    }
    return false;
  };
  switch (where) {
    case Where::kDoc:
      return !type.empty() && !adf::is_inline_type(type) &&
             !one_of({"doc", "listItem", "taskItem", "blockTaskItem", "decisionItem", "tableRow",
                      "tableCell", "tableHeader", "media", "caption", "layoutColumn"});
    case Where::kListItem:
      return one_of({"paragraph", "bulletList", "orderedList", "taskList", "codeBlock",
                     "mediaSingle", "extension"});
    case Where::kQuote:
      return one_of({"paragraph", "bulletList", "orderedList", "codeBlock", "mediaSingle",
                     "mediaGroup", "extension"});
    case Where::kPanel:
      return one_of({"paragraph", "heading", "bulletList", "orderedList", "taskList", "codeBlock",
                     "rule", "blockCard", "mediaGroup", "mediaSingle", "decisionList",
                     "extension"});
  }
  return false;
}

// JSON nested deeper than this is not taken from an `adf` fence: the converters recurse over
// the tree. Real documents stay far below it.
constexpr int kMaxFenceDepth = 256;

bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// A fenced code block with the info string `adf` holding the JSON of an ADF block node is that
// node, verbatim (the lossless form of adf_to_markdown); anything else stays a code block.
std::optional<json> fenced_adf_node(cmark_node* code, Where where) {
  const char* info = cmark_node_get_fence_info(code);
  if (info == nullptr || std::strcmp(info, "adf") != 0) return std::nullopt;
  std::string text = literal(code);
  if (!nesting_within(text, kMaxFenceDepth)) return std::nullopt;
  json node = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!node.is_object()) return std::nullopt;
  auto type = node.find("type");
  if (type == node.end() || !type->is_string()) return std::nullopt;
  if (!fence_node_allowed(type->get_ref<const std::string&>(), where)) return std::nullopt;
  return node;
}

// Raw HTML is kept as visible text, one line per hardBreak.
void append_lines(json& content, std::string text, const MarkSet& marks) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    if (start != 0) adf::append_hard_break(content);
    adf::append_text(content, std::string_view(text).substr(start, end - start), marks);
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

// Beyond this nesting depth a subtree is kept as plain text: pathological inputs (thousands of
// nested quotes or emphasis) must not exhaust the stack.
constexpr int kMaxDepth = 48;

std::string plain_text(cmark_node* root) {
  std::string text;
  cmark_iter* iter = cmark_iter_new(root);
  cmark_event_type event;
  while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (event != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    const char* literal = cmark_node_get_literal(node);
    if (literal != nullptr) {
      if (!text.empty() && cmark_node_get_type(node) == CMARK_NODE_TEXT &&
          cmark_node_get_type(cmark_node_parent(node)) == CMARK_NODE_PARAGRAPH &&
          cmark_node_previous(node) == nullptr) {
        text += ' ';
      }
      text += literal;
    } else if (cmark_node_get_type(node) == CMARK_NODE_SOFTBREAK ||
               cmark_node_get_type(node) == CMARK_NODE_LINEBREAK) {
      text += ' ';
    }
  }
  cmark_iter_free(iter);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Counts nesting for the guard above.
class DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return depth_ > kMaxDepth; }

 private:
  int& depth_;
};

class Converter {
 public:
  json document(cmark_node* root) {
    json doc{{"type", "doc"}, {"version", 1}, {"content", json::array()}};
    blocks_of(root, Where::kDoc, doc["content"]);
    return doc;
  }

 private:
  adf::TaskIds ids_;
  int depth_ = 0;

  void inlines_of(cmark_node* parent, const MarkSet& marks, json& out) {
    for (cmark_node* child = cmark_node_first_child(parent); child != nullptr;
         child = cmark_node_next(child)) {
      inline_node(child, marks, out);
    }
  }

  void inline_node(cmark_node* node, const MarkSet& marks, json& out) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) {
      adf::append_text(out, plain_text(node), marks);
      return;
    }
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
        adf::append_text(out, literal(node), marks);
        return;
      // Epic files are written line by line ("**As a** …", "**I want** …"), and the author
      // expects those lines to stay lines in Jira, so a newline is a line break there.
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        adf::append_hard_break(out);
        return;
      case CMARK_NODE_CODE: {
        MarkSet code = marks;
        code.code = true;
        adf::append_text(out, literal(node), code);
        return;
      }
      case CMARK_NODE_HTML_INLINE: {
        std::string html = literal(node);
        if (is_br_tag(html)) {
          adf::append_hard_break(out);
        } else {
          append_lines(out, html, marks);
        }
        return;
      }
      case CMARK_NODE_EMPH: {
        MarkSet inner = marks;
        inner.em = true;
        inlines_of(node, inner, out);
        return;
      }
      case CMARK_NODE_STRONG: {
        MarkSet inner = marks;
        inner.strong = true;
        inlines_of(node, inner, out);
        return;
      }
      case CMARK_NODE_LINK:
        if (const char* url = cmark_node_get_url(node);
            url != nullptr && std::strncmp(url, "mention:", 8) == 0) {
          // The lossless form of a mention: [@Display Name](mention:ACCOUNT_ID).
          std::string label;
          label_text(node, label);
          json attrs{{"id", std::string(url + 8)}};
          if (!label.empty()) attrs["text"] = std::move(label);
          out.push_back(json{{"type", "mention"}, {"attrs", std::move(attrs)}});
          return;
        }
        [[fallthrough]];
      case CMARK_NODE_IMAGE: {
        // An image would need an upload to become ADF media; it becomes a link to its source,
        // labelled with its alt text (or the source when there is none).
        const char* url = cmark_node_get_url(node);
        MarkSet inner = marks;
        if (url != nullptr && *url != '\0') inner.href = url;
        size_t before = out.size();
        std::string previous_text =
            before == 0 ? std::string() : std::string(adf::text_of(out.back()));
        inlines_of(node, inner, out);
        bool added = out.size() != before ||
                     (before != 0 && std::string(adf::text_of(out.back())) != previous_text);
        if (!added && inner.href) adf::append_text(out, *inner.href, inner);
        return;
      }
      default:
        if (has_extension(node, "strikethrough")) {
          MarkSet inner = marks;
          inner.strike = true;
          inlines_of(node, inner, out);
          return;
        }
        if (cmark_node_first_child(node) != nullptr) {
          inlines_of(node, marks, out);
        } else {
          adf::append_text(out, literal(node), marks);
        }
        return;
    }
  }

  json inline_content(cmark_node* parent, const MarkSet& marks = {}) {
    json content = json::array();
    inlines_of(parent, marks, content);
    return content;
  }

  void blocks_of(cmark_node* parent, Where where, json& out) {
    for (cmark_node* child = cmark_node_first_child(parent); child != nullptr;
         child = cmark_node_next(child)) {
      block(child, where, out);
    }
  }

  void block(cmark_node* node, Where where, json& out) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) {
      json content = json::array();
      adf::append_text(content, plain_text(node), {});
      out.push_back(adf::paragraph(std::move(content)));
      return;
    }
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_PARAGRAPH:
        out.push_back(adf::paragraph(inline_content(node)));
        return;
      case CMARK_NODE_HEADING:
        if (where == Where::kDoc || where == Where::kPanel) {
          out.push_back(json{{"type", "heading"},
                             {"attrs", {{"level", cmark_node_get_heading_level(node)}}},
                             {"content", inline_content(node)}});
        } else {
          // No headings inside lists or quotes: a bold paragraph keeps the emphasis.
          MarkSet strong;
          strong.strong = true;
          out.push_back(adf::paragraph(inline_content(node, strong)));
        }
        return;
      case CMARK_NODE_CODE_BLOCK:
        if (std::optional<json> fenced = fenced_adf_node(node, where)) {
          out.push_back(std::move(*fenced));
        } else {
          out.push_back(code_block(node));
        }
        return;
      case CMARK_NODE_HTML_BLOCK: {
        json content = json::array();
        append_lines(content, literal(node), {});
        out.push_back(adf::paragraph(std::move(content)));
        return;
      }
      case CMARK_NODE_THEMATIC_BREAK:
        adf::place_rule(out, where == Where::kDoc || where == Where::kPanel);
        return;
      case CMARK_NODE_BLOCK_QUOTE:
        if (where == Where::kDoc) {
          std::string panel_type = take_panel_marker(node);
          if (!panel_type.empty()) {
            json content = json::array();
            blocks_of(node, Where::kPanel, content);
            if (content.empty()) content.push_back(adf::empty_paragraph());
            out.push_back(json{{"type", "panel"},
                               {"attrs", {{"panelType", panel_type}}},
                               {"content", std::move(content)}});
            return;
          }
          json content = json::array();
          blocks_of(node, Where::kQuote, content);
          if (content.empty()) content.push_back(adf::empty_paragraph());
          out.push_back(json{{"type", "blockquote"}, {"content", std::move(content)}});
        } else {
          // A quote inside a list item, a quote or a panel is flattened into its container.
          blocks_of(node, where, out);
        }
        return;
      case CMARK_NODE_LIST:
        list(node, where, out);
        return;
      default:
        break;
    }
    if (has_extension(node, "table")) {
      table(node, where, out);
      return;
    }
    blocks_of(node, where, out);
  }

  json code_block(cmark_node* node) {
    json result{{"type", "codeBlock"}};
    const char* info = cmark_node_get_fence_info(node);
    std::string language = info == nullptr ? std::string() : std::string(info);
    size_t space = language.find_first_of(" \t");
    if (space != std::string::npos) language.resize(space);
    if (!language.empty()) result["attrs"] = {{"language", language}};
    std::string text = literal(node);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    json content = json::array();
    if (!text.empty()) content.push_back(json{{"type", "text"}, {"text", text}});
    result["content"] = std::move(content);
    return result;
  }

  // A markdown list may mix task items and ordinary items; ADF keeps them in separate lists, so
  // the list is split into runs of one kind.
  void list(cmark_node* node, Where where, json& out) {
    bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(node);
    cmark_node* item = cmark_node_first_child(node);
    while (item != nullptr) {
      bool task = is_task_item(item);
      json items = json::array();
      int run_start = number;
      for (; item != nullptr && is_task_item(item) == task; item = cmark_node_next(item)) {
        ++number;
        if (!task) {
          items.push_back(list_item(item));
        } else if (where == Where::kQuote) {
          items.push_back(task_as_list_item(item));
        } else {
          task_item(item, items);
        }
      }
      if (task && where != Where::kQuote) {
        out.push_back(task_list(std::move(items)));
      } else if (ordered && !task) {
        json list_node{{"type", "orderedList"}, {"content", std::move(items)}};
        if (run_start != 1) list_node["attrs"] = {{"order", run_start}};
        out.push_back(std::move(list_node));
      } else {
        out.push_back(json{{"type", "bulletList"}, {"content", std::move(items)}});
      }
    }
  }

  json task_list(json items) {
    // The id is taken after the items so that ids stay in document order of completion; either
    // order is deterministic, this one keeps nested lists numbered before their parent.
    return json{{"type", "taskList"},
                {"attrs", {{"localId", ids_.next_list()}}},
                {"content", std::move(items)}};
  }

  json list_item(cmark_node* item) {
    json content = json::array();
    blocks_of(item, Where::kListItem, content);
    // The editor requires a list item to open with a paragraph (or code); an item that starts
    // with a nested list gets an empty one.
    if (content.empty() || (adf::type_of(content.front()) != "paragraph" &&
                            adf::type_of(content.front()) != "codeBlock")) {
      content.insert(content.begin(), adf::empty_paragraph());
    }
    return json{{"type", "listItem"}, {"content", std::move(content)}};
  }

  // Quotes cannot hold task lists: the item keeps its state as a "[x] " text prefix.
  json task_as_list_item(cmark_node* item) {
    json item_json = list_item(item);
    json& first = item_json["content"][0];
    json prefixed = json::array();
    bool checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
    adf::append_text(prefixed, checked ? "[x] " : "[ ] ", {});
    if (adf::type_of(first) == "paragraph") {
      for (const json& node : adf::content_of(first)) adf::append_inline(prefixed, node);
      first["content"] = std::move(prefixed);
    } else {
      item_json["content"].insert(item_json["content"].begin(), adf::paragraph(prefixed));
    }
    return item_json;
  }

  // taskItem content is inline only: the first paragraph is the task; further blocks are
  // flattened into it after line breaks, and nested task lists follow it as a nested taskList.
  void task_item(cmark_node* item, json& items) {
    bool checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
    json content = json::array();
    json nested = json::array();
    for (cmark_node* child = cmark_node_first_child(item); child != nullptr;
         child = cmark_node_next(child)) {
      if (cmark_node_get_type(child) == CMARK_NODE_LIST) {
        json lists = json::array();
        list(child, Where::kListItem, lists);
        for (json& list_json : lists) {
          if (adf::type_of(list_json) == "taskList") {
            nested.push_back(std::move(list_json));
          } else {
            adf::flatten_block(list_json, content);
          }
        }
        continue;
      }
      if (!content.empty()) adf::append_hard_break(content);
      flatten_block(child, content);
    }
    json task{{"type", "taskItem"},
              {"attrs", {{"localId", ids_.next_item()}, {"state", checked ? "DONE" : "TODO"}}},
              {"content", std::move(content)}};
    items.push_back(std::move(task));
    for (json& list_json : nested) items.push_back(std::move(list_json));
  }

  void flatten_block(cmark_node* node, json& content) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_HEADING:
        inlines_of(node, {}, content);
        return;
      case CMARK_NODE_CODE_BLOCK: {
        MarkSet code;
        code.code = true;
        append_lines(content, literal(node), code);
        return;
      }
      case CMARK_NODE_HTML_BLOCK:
        append_lines(content, literal(node), {});
        return;
      case CMARK_NODE_THEMATIC_BREAK:
        adf::append_text(content, "---", {});
        return;
      default:
        break;
    }
    json blocks = json::array();
    block(node, Where::kListItem, blocks);
    bool first = true;
    for (const json& block_json : blocks) {
      if (!first) adf::append_hard_break(content);
      first = false;
      adf::flatten_block(block_json, content);
    }
  }

  void table(cmark_node* node, Where where, json& out) {
    json rows = json::array();
    for (cmark_node* row = cmark_node_first_child(node); row != nullptr;
         row = cmark_node_next(row)) {
      bool header = cmark_gfm_extensions_get_table_row_is_header(row) != 0;
      json cells = json::array();
      for (cmark_node* cell = cmark_node_first_child(row); cell != nullptr;
           cell = cmark_node_next(cell)) {
        cells.push_back(json{{"type", header ? "tableHeader" : "tableCell"},
                             {"content", json::array({adf::paragraph(inline_content(cell))})}});
      }
      if (cells.empty()) continue;
      rows.push_back(json{{"type", "tableRow"}, {"content", std::move(cells)}});
    }
    adf::place_table_rows(out, std::move(rows), where == Where::kDoc);
  }
};

}  // namespace

json markdown_to_adf(std::string_view markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  std::unique_ptr<cmark_parser, ParserDeleter> parser(
      cmark_parser_new(CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_UNSAFE));
  for (const char* name : {"table", "tasklist", "strikethrough", "autolink"}) {
    cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
    if (extension != nullptr) cmark_parser_attach_syntax_extension(parser.get(), extension);
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> root(cmark_parser_finish(parser.get()));
  return Converter().document(root.get());
}

}  // namespace epicsync::richtext

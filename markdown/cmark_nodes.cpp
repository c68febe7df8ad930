#include "cmark_nodes.h"

#include <cmark-gfm-core-extensions.h>

namespace epicsync::markdown {

bool is_type(cmark_node* node, std::string_view type_name) {
  const char* t = cmark_node_get_type_string(node);
  return t != nullptr && type_name == t;
}

bool is_table(cmark_node* node) {
  return is_type(node, "table");
}
bool is_tasklist_item(cmark_node* node) {
  return is_type(node, "tasklist");
}
bool tasklist_checked(cmark_node* node) {
  return is_tasklist_item(node) && cmark_gfm_extensions_get_tasklist_item_checked(node);
}

namespace {

void append_plain(cmark_node* node, std::string& out) {
  switch (cmark_node_get_type(node)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE: {
      const char* literal = cmark_node_get_literal(node);
      if (literal != nullptr) out += literal;
      return;
    }
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      out += ' ';
      return;
    default:
      break;
  }
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) {
    append_plain(c, out);
  }
}

}  // namespace

std::string plain_text(cmark_node* node) {
  std::string out;
  append_plain(node, out);
  return out;
}

std::vector<std::vector<cmark_node*>> inline_lines(cmark_node* node) {
  std::vector<std::vector<cmark_node*>> lines(1);
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) {
    auto type = cmark_node_get_type(c);
    if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
      lines.emplace_back();
    } else {
      lines.back().push_back(c);
    }
  }
  return lines;
}

std::vector<cmark_node*> children(cmark_node* node) {
  // Counting first costs a walk over a short list; growing the vector costs allocations.
  size_t count = 0;
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) ++count;
  std::vector<cmark_node*> out;
  out.reserve(count);
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) {
    out.push_back(c);
  }
  return out;
}

}  // namespace epicsync::markdown

namespace epicsync::markdown {

std::string plain_text_of_markdown(std::string_view inline_markdown) {
  // Without any character that can start inline markup, the text is already plain; most names
  // are like that, and a parser per name would dominate the parse of a large epic.
  if (inline_markdown.find_first_of("*_`[]<>\\&!~|") == std::string_view::npos) {
    return std::string(inline_markdown);
  }
  cmark_node* doc = cmark_parse_document(inline_markdown.data(), inline_markdown.size(), 0);
  std::string out;
  for (cmark_node* c = cmark_node_first_child(doc); c != nullptr; c = cmark_node_next(c)) {
    if (!out.empty()) out += ' ';
    out += plain_text(c);
  }
  cmark_node_free(doc);
  return out;
}

}  // namespace epicsync::markdown

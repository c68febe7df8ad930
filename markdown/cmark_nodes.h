#pragma once

#include <cmark-gfm.h>

#include <string>
#include <string_view>
#include <vector>

#include "model/source_pos.h"

namespace epicsync::markdown {

// A top-level block together with the line offset of the chunk it was parsed in, so positions
// can be given in whole-file lines.
struct Block {
  cmark_node* node = nullptr;
  int line_offset = 0;
  // cmark-gfm occasionally leaves a block (a table) without a position; the block stream then
  // places it between its neighbours. These are whole-file lines.
  int first = 0;
  int last = 0;

  model::SourcePos pos() const {
    if (cmark_node_get_start_line(node) == 0) return {first, 1};
    return pos_of(node);
  }
  model::SourcePos pos_of(cmark_node* n) const {
    if (cmark_node_get_start_line(n) == 0) return {first, 1};
    return {cmark_node_get_start_line(n) + line_offset, cmark_node_get_start_column(n)};
  }
  int first_line() const { return first; }
  int last_line() const { return last; }
};

// cmark-gfm's extension node types are registered at run time, so they are told apart by name.
bool is_type(cmark_node* node, std::string_view type_name);
bool is_table(cmark_node* node);
bool is_tasklist_item(cmark_node* node);
bool tasklist_checked(cmark_node* node);

// Text a person reads: emphasis markers dropped, code kept as its content, breaks as spaces.
std::string plain_text(cmark_node* node);
// The inline children of `node` split into lines at soft and hard breaks.
std::vector<std::vector<cmark_node*>> inline_lines(cmark_node* node);
std::vector<cmark_node*> children(cmark_node* node);

}  // namespace epicsync::markdown

namespace epicsync::markdown {
// The plain text of a fragment of inline markdown ("**Guest** form" → "Guest form").
std::string plain_text_of_markdown(std::string_view inline_markdown);
}  // namespace epicsync::markdown

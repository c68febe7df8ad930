#pragma once

// Building blocks shared by the converters that produce ADF (from markdown and from wiki), and
// defensive accessors for the ones that read ADF coming from a tracker.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace epicsync::richtext::adf {

using json = nlohmann::json;

// The inline formatting in effect at a point of the text. ADF allows `code` only together with
// `link`, so the other effects are dropped on code text when the marks are built.
struct MarkSet {
  bool strong = false;
  bool em = false;
  bool strike = false;
  bool underline = false;
  bool code = false;
  std::string subsup;  // "sub", "sup" or empty
  std::optional<std::string> href;

  json to_json() const;
};

// Appends a text node, merging it into the previous node when the marks are equal so that a
// text is never split where the source happened to split it. Empty text is not appended (ADF
// text nodes must not be empty).
void append_text(json& content, std::string_view text, const MarkSet& marks);
void append_hard_break(json& content);
// Appends any inline node; a text node merges into a preceding text node with the same marks.
void append_inline(json& content, const json& node);

json paragraph(json content);
// Table rows where they may stand: a table at the top of the document; inside a list or quote,
// where ADF allows no table, one paragraph per row with the cells joined by " | ".
void place_table_rows(json& out, json rows, bool top_level);
json empty_paragraph();
// A horizontal rule where it may stand: a rule at the top of the document; inside a list or
// quote, where ADF allows none, a paragraph "---".
void place_rule(json& out, bool top_level);

// The task localIds are positional so that converting the same text twice gives equal bytes.
struct TaskIds {
  int lists = 0;
  int items = 0;
  std::string next_list() { return "list-" + std::to_string(++lists); }
  std::string next_item() { return "task-" + std::to_string(++items); }
};

// The text with every invalid UTF-8 sequence replaced by U+FFFD (JSON strings must be UTF-8).
std::string valid_utf8(std::string_view text);

// Inline node types (text, hardBreak, mention, emoji, status, date, inlineCard, ...).
bool is_inline_type(std::string_view type);

// Accessors that never throw on a value of the wrong shape.
std::string_view type_of(const json& node);
const json& content_of(const json& node);  // an empty array when absent or not an array
const json& attrs_of(const json& node);    // an empty object when absent or not an object
std::string string_attr(const json& node, const char* name);
std::optional<double> number_attr(const json& node, const char* name);
std::string_view text_of(const json& node);
// The marks of a text node as a MarkSet (unknown marks are ignored).
MarkSet marks_of(const json& node);

}  // namespace epicsync::richtext::adf

namespace epicsync::richtext::adf {

// Inline content in a form every writer can render faithfully and every comparison can rely
// on: no empty text nodes, adjacent text nodes with the same marks merged, and whitespace at the
// edges of a strong/em/strike/underline run moved outside the mark (markdown cannot put a
// delimiter next to a space, and bold spaces look like plain ones).
json tidy_inline(const json& content);
json tidy_inline(json&& content);

// Whitespace at the start or end of a line is invisible in every renderer and markdown cannot
// express it, so it is trimmed, as are line breaks at the edges of a block.
json trim_line_edges(json content);

// Appends a converted block to inline content, for containers that only hold inline nodes
// (task items, wiki list items, table cells in markdown): lists become "• " / "1. " / "[x] "
// lines, code becomes code-marked lines, separated by hardBreaks.
void flatten_block(const json& block, json& content);

// Marks sorted by type (then attributes) so that their order never matters.
json sorted_marks(const json& marks);

}  // namespace epicsync::richtext::adf

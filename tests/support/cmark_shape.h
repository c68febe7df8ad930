#pragma once

// The top-level block structure of a document as cmark-gfm parses it whole, with the same
// extensions as the epic parser: what the chunked block stream must reproduce.

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <string_view>
#include <tuple>
#include <vector>

namespace epicsync::testing {

// (node type, first line, last line) of each top-level block.
using BlockShape = std::vector<std::tuple<int, int, int>>;

inline BlockShape whole_document_shape(std::string_view text) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (const char* name : {"table", "tasklist"}) {
    cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(name));
  }
  cmark_parser_feed(p, text.data(), text.size());
  cmark_node* doc = cmark_parser_finish(p);
  BlockShape out;
  for (cmark_node* c = cmark_node_first_child(doc); c != nullptr; c = cmark_node_next(c)) {
    out.emplace_back(cmark_node_get_type(c), cmark_node_get_start_line(c),
                     cmark_node_get_end_line(c));
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  return out;
}

// Whether the chunked stream has the whole document's structure. cmark-gfm sometimes leaves an
// extension node (a table) without a position, line 0, in a whole-document parse; there only
// the node type can be compared. Everything else must be equal.
inline bool same_shape(const BlockShape& chunked, const BlockShape& whole) {
  if (chunked.size() != whole.size()) return false;
  for (size_t i = 0; i < whole.size(); ++i) {
    const auto& [type, first, last] = whole[i];
    if (std::get<0>(chunked[i]) != type) return false;
    if (first == 0 && last == 0) continue;
    if (chunked[i] != whole[i]) return false;
  }
  return true;
}

}  // namespace epicsync::testing

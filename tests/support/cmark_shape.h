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

}  // namespace epicsync::testing

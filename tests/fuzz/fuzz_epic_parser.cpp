// Feeds arbitrary bytes to the epic parser. Beyond "no crash, leak or UB" it checks two
// properties that a wrong parser would break quietly:
//  - every diagnostic points inside the file;
//  - the chunked block stream agrees with a whole-document cmark parse.
#include <cmark-gfm-core-extensions.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

#include "block_stream.h"
#include "epic_parser.h"

namespace {

using Shape = std::vector<std::tuple<int, int, int>>;

Shape whole(std::string_view text) {
  cmark_parser* p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (const char* name : {"table", "tasklist"}) {
    cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(name));
  }
  cmark_parser_feed(p, text.data(), text.size());
  cmark_node* doc = cmark_parser_finish(p);
  Shape out;
  for (cmark_node* c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
    out.emplace_back(cmark_node_get_type(c), cmark_node_get_start_line(c),
                     cmark_node_get_end_line(c));
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = epicsync::markdown::parse_epic(text);
  int lines = 1;
  for (char c : text) lines += c == '\n' || c == '\r';
  for (const auto& d : result.diagnostics) {
    if (d.pos.line < 1 || d.pos.line > lines || d.message.empty()) std::abort();
  }

  cmark_gfm_core_extensions_ensure_registered();
  epicsync::markdown::CmarkArena arena;
  Shape chunked;
  epicsync::markdown::for_each_block(
      epicsync::markdown::SourceText(text), arena, [&](const epicsync::markdown::Block& b) {
        chunked.emplace_back(cmark_node_get_type(b.node), b.first_line(), b.last_line());
      });
  if (chunked != whole(text)) std::abort();
  return 0;
}

// Feeds arbitrary bytes to the epic parser. Beyond "no crash, leak or UB" it checks two
// properties that a wrong parser would break quietly:
//  - every diagnostic points inside the file;
//  - the chunked block stream agrees with a whole-document cmark parse.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

#include "block_stream.h"
#include "epic_parser.h"
#include "support/cmark_shape.h"

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
  epicsync::testing::BlockShape chunked;
  // Cut at every confirmed heading (min_chunk 0): inputs are short, and every boundary is one
  // more chance for the chunking to go wrong.
  epicsync::markdown::for_each_block(
      epicsync::markdown::SourceText(text), arena,
      [&](const epicsync::markdown::Block& b) {
        chunked.emplace_back(cmark_node_get_type(b.node), b.first_line(), b.last_line());
      },
      0);
  if (!epicsync::testing::same_shape(chunked, epicsync::testing::whole_document_shape(text))) {
    std::abort();
  }
  return 0;
}

#pragma once

#include <functional>
#include <string_view>

#include "cmark_arena.h"
#include "cmark_nodes.h"
#include "source_text.h"

namespace epicsync::markdown {

// Feeds every top-level block of a document to `visit`, in order, parsing the document in chunks
// so that only one chunk's syntax tree is alive at a time.
//
// A chunk ends with a line that starts with #, ## or ### and that cmark itself parses as a
// top-level heading. CommonMark decides a line's block structure from the lines before it only,
// so the blocks up to such a heading parse the same alone as in the whole document, and the
// heading leaves no block open, so the next chunk starts on the line after it. The one
// whole-document dependency, link reference definitions, is handled by not chunking at all when
// the text could contain one.
void for_each_block(const SourceText& src, CmarkArena& arena,
                    const std::function<void(const Block&)>& visit);

}  // namespace epicsync::markdown

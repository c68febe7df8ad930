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
//
// A chunk is at least `min_chunk` bytes long (the last one excepted): every chunk pays for a
// parser and its extensions, which below 16 KiB outweighs the parse, while above it the chunk's
// tree no longer fits in the faster caches. Tests pass 0 to cut at every heading.
inline constexpr size_t kMinChunkBytes = 16 * 1024;
void for_each_block(const SourceText& src, CmarkArena& arena,
                    const std::function<void(const Block&)>& visit,
                    size_t min_chunk = kMinChunkBytes);

}  // namespace epicsync::markdown

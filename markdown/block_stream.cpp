#include "block_stream.h"

#include <cmark-gfm-core-extensions.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace epicsync::markdown {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

struct Candidate {
  size_t offset;  // first byte of the line
  size_t end;     // one past the line's end, line ending included
  int line;       // 1-based
};

bool heading_like(std::string_view text, size_t at) {
  size_t hashes = 0;
  while (at + hashes < text.size() && text[at + hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 3) return false;
  if (at + hashes == text.size()) return true;
  char next = text[at + hashes];
  return next == ' ' || next == '\t' || next == '\n' || next == '\r';
}

std::vector<Candidate> find_candidates(const SourceText& src) {
  std::vector<Candidate> out;
  const std::string_view text = src.text();
  for (int line = 2; line <= src.line_count(); ++line) {
    const size_t start = src.line_start(line);
    if (text[start] != '#' || !heading_like(text, start)) continue;
    const size_t end = line < src.line_count() ? src.line_start(line + 1) : text.size();
    out.push_back({start, end, line});
  }
  return out;
}

class ChunkParser {
 public:
  explicit ChunkParser(CmarkArena& arena) : arena_(arena) {
    static std::once_flag once;
    std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
  }
  ~ChunkParser() { release(); }

  cmark_node* parse(std::string_view chunk) {
    release();
    parser_ = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, arena_.mem());
    for (const char* name : {"table", "tasklist"}) {
      cmark_parser_attach_syntax_extension(parser_, cmark_find_syntax_extension(name));
    }
    cmark_parser_feed(parser_, chunk.data(), chunk.size());
    doc_ = cmark_parser_finish(parser_);
    return doc_;
  }

  void release() {
    if (arena_.owns_memory()) {
      arena_.reset();
    } else {
      if (doc_ != nullptr) cmark_node_free(doc_);
      if (parser_ != nullptr) cmark_parser_free(parser_);
    }
    doc_ = nullptr;
    parser_ = nullptr;
  }

 private:
  CmarkArena& arena_;
  cmark_parser* parser_ = nullptr;
  cmark_node* doc_ = nullptr;
};

// `chunk_last` is the chunk's last line in the whole file.
void visit_children(cmark_node* doc, int line_offset, int chunk_last, cmark_node* stop,
                    const std::function<void(const Block&)>& visit) {
  int previous_last = line_offset;
  for (cmark_node* c = cmark_node_first_child(doc); c != nullptr && c != stop;
       c = cmark_node_next(c)) {
    Block b{c, line_offset, cmark_node_get_start_line(c) + line_offset,
            cmark_node_get_end_line(c) + line_offset};
    if (cmark_node_get_start_line(c) == 0) {
      // No position from cmark: it lies after the previous block and before the next one.
      cmark_node* next = cmark_node_next(c);
      const int next_first = next != nullptr && next != stop && cmark_node_get_start_line(next) > 0
                                 ? cmark_node_get_start_line(next) + line_offset
                                 : chunk_last + 1;
      b.first = previous_last + 1;
      b.last = std::max(b.first, next_first - 1);
    }
    previous_last = b.last;
    visit(b);
  }
}

}  // namespace

void for_each_block(const SourceText& src, CmarkArena& arena,
                    const std::function<void(const Block&)>& visit, size_t min_chunk) {
  const std::string_view text = src.text();
  ChunkParser parser(arena);
  // "]:" is in every link reference definition; without one anywhere, chunks are independent.
  const bool may_have_references = text.find("]:") != std::string_view::npos;
  std::vector<Candidate> candidates;
  if (!may_have_references) candidates = find_candidates(src);

  size_t start = 0;
  int start_line = 1;
  size_t next = 0;
  while (next < candidates.size()) {
    if (candidates[next].end - start < min_chunk && next + 1 < candidates.size()) {
      ++next;
      continue;
    }
    const Candidate& cand = candidates[next];
    cmark_node* doc = parser.parse(text.substr(start, cand.end - start));
    const int offset = start_line - 1;
    cmark_node* last = cmark_node_last_child(doc);
    if (last != nullptr && cmark_node_get_type(last) == CMARK_NODE_HEADING &&
        cmark_node_get_start_line(last) + offset == cand.line) {
      if (text.substr(cand.end, 3) == kByteOrderMark) {
        // cmark skips a byte order mark at the start of a document, but not after a heading
        // line: start the next chunk at the heading, so that the mark stays mid-document.
        visit_children(doc, offset, cand.line - 1, last, visit);
        start = cand.offset;
        start_line = cand.line;
      } else {
        // A top-level heading closes every block before it and leaves none open, so the next
        // line parses the same at the start of a document. The heading is visited from this
        // tree and the next chunk starts after it: no byte is parsed twice.
        visit_children(doc, offset, cand.line, nullptr, visit);
        start = cand.end;
        start_line = cand.line + 1;
      }
      ++next;
      continue;
    }
    // The line is inside a fenced code or HTML block. Look twice as far ahead next time, so a
    // long block full of heading-like lines costs O(n log n), not O(n^2).
    const size_t reach = cand.offset + (cand.offset - start);
    while (next < candidates.size() && candidates[next].offset <= reach) ++next;
  }
  cmark_node* doc = parser.parse(text.substr(start));
  visit_children(doc, start_line - 1, src.line_count(), nullptr, visit);
  parser.release();
}

}  // namespace epicsync::markdown

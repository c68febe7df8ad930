#include <gtest/gtest.h>

#include <random>

#include <fstream>

#include "block_stream.h"
#include "epic_parser.h"
#include "support/cmark_shape.h"

namespace epicsync::markdown {
namespace {

using testing::BlockShape;

// min_chunk 0 cuts at every heading cmark confirms, so that short documents exercise the chunk
// boundaries that a long file has; small values make it skip some headings as well.
BlockShape chunked(std::string_view text, size_t min_chunk = 0) {
  CmarkArena arena;
  BlockShape out;
  for_each_block(
      SourceText(text), arena,
      [&](const Block& b) {
        out.emplace_back(cmark_node_get_type(b.node), b.first_line(), b.last_line());
      },
      min_chunk);
  return out;
}

BlockShape whole(std::string_view text) {
  return testing::whole_document_shape(text);
}

TEST(BlockStream, MatchesAWholeDocumentParseOnTrickyInput) {
  const std::vector<std::string> docs = {
      "# T\n\n## A\ntext\n### B\n",
      "```\n## inside\n### inside\n```\n## after\n",
      "~~~~\n## a\n```\n## b\n~~~~\n### c\n",
      "<div>\n## html\n</div>\n\n## out\n",
      "<!--\n## comment\n-->\n## out\n",
      "| a | b |\n|---|---|\n| 1 | 2 |\n## h\n| c |\n",
      "- item\n  ```\n## in list?\n  ```\n## x\n",
      "> quote\n## not in quote\n",
      "para\n## heading\n---\n",
      "Setext\n===\n## atx\n",
      "##\n###\n#\n",
      "line\r\n## crlf\r\n```\r\n## in\r\n```\r\n## out\r\n",
      "    ## indented code\n## real\n",
      "```\nnever closed\n## a\n## b\n### c\n",
      "<pre>\n## a\n\n## b\n</pre>\n## c\n",
      "<script>\n## a\n</script>\n## b\n",
      "# T\n## a\n\xEF\xBB\xBF## b\n## c\n\xEF\xBB\xBFtext\n",
      "# T\n## a\n\xEF\xBB\xBF\n---\n## b",
      "## a\n---\n## b\n===\n### c",
      "## a\r## b\r\n    code\n## c\r",
  };
  for (const auto& d : docs) {
    for (size_t min_chunk : {0, 8, 20}) {
      EXPECT_TRUE(testing::same_shape(chunked(d, min_chunk), whole(d))) << min_chunk << ": " << d;
    }
  }
}

TEST(BlockStream, MatchesAWholeDocumentParseOnRandomDocuments) {
  const std::vector<std::string> pieces = {
      "## H2\n",      "### US-1: t\n", "# H1\n",      "```\n",       "~~~\n",
      "<div>\n",      "</div>\n",      "\n",          "text\n",      "- item\n",
      "  - nested\n", "> quote\n",     "| a | b |\n", "|---|---|\n", "---\n",
      "    code\n",   "<!--\n",        "-->\n",       "1. one\n",    "***\n",
      "===\n",
  };
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string d;
    const int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) d += pieces[rng() % pieces.size()];
    const size_t min_chunk = round % 3 == 0 ? 0 : rng() % 64;
    ASSERT_TRUE(testing::same_shape(chunked(d, min_chunk), whole(d))) << min_chunk << ": " << d;
  }
}

// Found by the fuzzer: cmark-gfm gives this table no position in a whole-document parse.
TEST(BlockStream, ATableCmarkLeavesWithoutAPositionStillMatches) {
  std::ifstream in(std::string(FUZZ_CORPUS_DIR) + "/table-without-position.md", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  ASSERT_FALSE(text.empty());
  EXPECT_TRUE(testing::same_shape(chunked(text), whole(text)));
}

// Found by the fuzzer: a diagnostic about such a table pointed at line 0.
TEST(BlockStream, BlocksWithoutAPositionGetOneBetweenTheirNeighbours) {
  std::ifstream in(std::string(FUZZ_CORPUS_DIR) + "/unpositioned-table-in-subtasks.md",
                   std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  ASSERT_FALSE(text.empty());
  auto r = parse_epic(text);
  ASSERT_FALSE(r.diagnostics.empty());
  for (const auto& d : r.diagnostics) EXPECT_GE(d.pos.line, 1) << d.message;
  CmarkArena arena;
  int previous = 0;
  for_each_block(SourceText(text), arena, [&](const Block& b) {
    EXPECT_GT(b.first_line(), previous);
    EXPECT_GE(b.last_line(), b.first_line());
    previous = b.last_line();
  });
}

}  // namespace
}  // namespace epicsync::markdown

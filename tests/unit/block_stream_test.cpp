#include <gtest/gtest.h>

#include <random>

#include "block_stream.h"
#include "support/cmark_shape.h"

namespace epicsync::markdown {
namespace {

using testing::BlockShape;

BlockShape chunked(std::string_view text) {
  CmarkArena arena;
  BlockShape out;
  for_each_block(SourceText(text), arena, [&](const Block& b) {
    out.emplace_back(cmark_node_get_type(b.node), b.first_line(), b.last_line());
  });
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
  };
  for (const auto& d : docs) EXPECT_EQ(chunked(d), whole(d)) << d;
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
    ASSERT_EQ(chunked(d), whole(d)) << d;
  }
}

}  // namespace
}  // namespace epicsync::markdown

// markdown -> ADF -> markdown -> ADF must be a fixed point in canonical form for everything the
// generator produces, and the wiki writer and reader must agree the same way.

#include <gtest/gtest.h>

#include <string>

#include "corpus_generator.h"
#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"
#include "richtext/wiki_to_markdown.h"

namespace epicsync::richtext {
namespace {

// Sanitizer builds run unoptimised and many times slower; they check memory safety, for which a
// smaller sample suffices.
constexpr int kDocs = 2000 / RICHTEXT_CORPUS_DIVISOR;

TEST(RoundTrip, GeneratorIsDeterministic) {
  EXPECT_EQ(testing::generate_markdown_corpus(5, 20), testing::generate_markdown_corpus(5, 20));
  EXPECT_NE(testing::generate_markdown_document(1), testing::generate_markdown_document(2));
}

TEST(RoundTrip, MarkdownAdfMarkdownIsAFixedPoint) {
  int failures = 0;
  for (const std::string& markdown : testing::generate_markdown_corpus(11, kDocs)) {
    nlohmann::json first = markdown_to_adf(markdown);
    std::string written = adf_to_markdown(first);
    nlohmann::json second = markdown_to_adf(written);
    if (canonical_text(first) != canonical_text(second) && ++failures <= 3) {
      ADD_FAILURE() << "not a fixed point:\n--- source\n"
                    << markdown << "--- written\n"
                    << written << "--- first\n"
                    << canonical_text(first) << "\n--- second\n"
                    << canonical_text(second);
    }
    // The written markdown is itself stable: writing it again changes nothing.
    if (failures == 0) {
      EXPECT_EQ(adf_to_markdown(second), written) << markdown;
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(RoundTrip, SameMarkdownGivesSameBytes) {
  for (const std::string& markdown : testing::generate_markdown_corpus(13, 200)) {
    EXPECT_EQ(markdown_to_adf(markdown).dump(), markdown_to_adf(markdown).dump());
  }
}

TEST(RoundTrip, WikiWriterAndReaderAreAFixedPoint) {
  int failures = 0;
  for (const std::string& markdown : testing::generate_markdown_corpus(17, kDocs)) {
    std::string wiki = markdown_to_wiki(markdown);
    nlohmann::json first = wiki_to_adf(wiki);
    std::string rewritten = adf_to_wiki(first);
    nlohmann::json second = wiki_to_adf(rewritten);
    if (canonical_text(first) != canonical_text(second) && ++failures <= 3) {
      ADD_FAILURE() << "not a fixed point:\n--- source\n"
                    << markdown << "--- wiki\n"
                    << wiki << "--- rewritten\n"
                    << rewritten;
    }
    if (failures == 0 && markdown.size() % 8 == 0) {
      EXPECT_TRUE(same_wiki_content(wiki, markdown)) << markdown;
    }
  }
  EXPECT_EQ(failures, 0);
}

// For content that wiki markup can express exactly, markdown and wiki read back identically.
TEST(RoundTrip, WikiPreservesWhatItCanExpress) {
  const char* cases[] = {
      "# Title\n\nPlain *em* **strong** ~~strike~~ `code` [link](https://e.com/x).",
      "- a\n- b\n  - c\n    1. d",
      "- [x] done\n- [ ] todo\n  - [x] nested",
      "| H1 | H2 |\n|---|---|\n| **b** | `c` |\n|  | x |",
      "```python\nprint('hi')\n```",
      "> quoted text\n>\n> - item",
      "---",
      "line\\\nbreak",
      "Special: \\* \\_ \\[x\\] \\| \\{ } ! ?? \\\\ & &amp; -- (/) (x) US-001 a - b h1. bq.",
      "in**tra**word and snake_case_name",
      "🚀 emoji and Ünïcödé",
  };
  for (const char* markdown : cases) {
    std::string wiki = markdown_to_wiki(markdown);
    EXPECT_EQ(canonical_text(wiki_to_adf(wiki)), canonical_text_of_markdown(markdown))
        << markdown << "\n--- wiki\n"
        << wiki;
  }
}

TEST(RoundTrip, WikiToMarkdownIsReadable) {
  EXPECT_EQ(wiki_to_markdown("h2. Notes\n\n* (/) done\n* (x) open\n\n{code:js}\nx()\n{code}"),
            "## Notes\n\n- [x] done\n- [ ] open\n\n```js\nx()\n```\n");
}

}  // namespace
}  // namespace epicsync::richtext

#include <gtest/gtest.h>

#include "richtext/adf.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"
#include "richtext/wiki_to_markdown.h"
#include "test_helpers.h"

namespace epicsync::richtext {
namespace {

using testing::parse;

TEST(MarkdownToWiki, Headings) {
  EXPECT_EQ(markdown_to_wiki("# One\n\n###### Six"), "h1. One\n\nh6. Six\n");
}

TEST(MarkdownToWiki, Marks) {
  EXPECT_EQ(markdown_to_wiki("**b** *i* ~~s~~ `c`"), "*b* _i_ -s- {{c}}\n");
}

TEST(MarkdownToWiki, IntrawordMarksUseBraces) {
  EXPECT_EQ(markdown_to_wiki("in**tra**word"), "in{*}tra{*}word\n");
}

TEST(MarkdownToWiki, Links) {
  EXPECT_EQ(markdown_to_wiki("[text](https://e.com/a|b) <https://e.com>"),
            "[text|https://e.com/a%7Cb] [https://e.com]\n");
  EXPECT_EQ(markdown_to_wiki("[`code`](https://e.com)"), "[{{code}}|https://e.com]\n");
}

TEST(MarkdownToWiki, Lists) {
  EXPECT_EQ(markdown_to_wiki("- a\n  - b\n    1. c\n- d"), "* a\n** b\n**# c\n* d\n");
  EXPECT_EQ(markdown_to_wiki("1. a\n2. b"), "# a\n# b\n");
}

TEST(MarkdownToWiki, TaskListsUseIcons) {
  EXPECT_EQ(markdown_to_wiki("- [x] done\n- [ ] open\n  - [ ] sub"),
            "* (/) done\n* (x) open\n** (x) sub\n");
}

TEST(MarkdownToWiki, ExtraBlocksInListItemsJoinWithBreaks) {
  EXPECT_EQ(markdown_to_wiki("- a\n\n  b"), "* a\\\\b\n");
}

TEST(MarkdownToWiki, CodeBlocks) {
  EXPECT_EQ(markdown_to_wiki("```cpp\nint x;\n```"), "{code:cpp}\nint x;\n{code}\n");
  EXPECT_EQ(markdown_to_wiki("```\nx\n```"), "{code}\nx\n{code}\n");
  EXPECT_EQ(markdown_to_wiki("```c{x}\nx\n```"), "{code}\nx\n{code}\n");
}

TEST(MarkdownToWiki, QuoteRuleTable) {
  EXPECT_EQ(markdown_to_wiki("> q\n\n---\n\n| a | b |\n|---|---|\n| 1 |  |"),
            "{quote}\nq\n{quote}\n\n----\n\n||a||b||\n|1| |\n");
}

TEST(MarkdownToWiki, HardBreaks) {
  EXPECT_EQ(markdown_to_wiki("a\\\nb"), "a\\\\b\n");
}

TEST(MarkdownToWiki, EscapesSpecialCharacters) {
  EXPECT_EQ(markdown_to_wiki("a \\* b {x} [y] |z| !i! c\\\\d -e- US-001 a - b"),
            "a * b \\{x\\} \\[y\\] \\|z\\| \\!i\\! c&#92;d \\-e\\- US-001 a - b\n");
  EXPECT_EQ(markdown_to_wiki("\\# not a list"), "\\# not a list\n");
  EXPECT_EQ(markdown_to_wiki("h1. text"), "h1\\. text\n");
}

TEST(MarkdownToWiki, EmojiStayText) {
  EXPECT_EQ(markdown_to_wiki("🚀 done"), "🚀 done\n");
}

TEST(WikiToAdf, Basics) {
  EXPECT_EQ(wiki_to_adf("h2. Title")["content"][0],
            parse(R"({"type":"heading","attrs":{"level":2},"content":[
                       {"type":"text","text":"Title"}]})"));
  EXPECT_EQ(wiki_to_adf("*b* _i_ -s- +u+ {{c}}")["content"][0]["content"],
            parse(R"([{"type":"text","text":"b","marks":[{"type":"strong"}]},
                      {"type":"text","text":" "},
                      {"type":"text","text":"i","marks":[{"type":"em"}]},
                      {"type":"text","text":" "},
                      {"type":"text","text":"s","marks":[{"type":"strike"}]},
                      {"type":"text","text":" "},
                      {"type":"text","text":"u","marks":[{"type":"underline"}]},
                      {"type":"text","text":" "},
                      {"type":"text","text":"c","marks":[{"type":"code"}]}])"));
}

TEST(WikiToAdf, EffectsNeedWordBoundaries) {
  EXPECT_EQ(wiki_to_adf("a*b*c and x-y-z")["content"][0]["content"],
            parse(R"([{"type":"text","text":"a*b*c and x-y-z"}])"));
}

TEST(WikiToAdf, NewlineInParagraphIsALineBreak) {
  EXPECT_EQ(wiki_to_adf("a\nb")["content"][0]["content"][1], parse(R"({"type":"hardBreak"})"));
}

TEST(WikiToAdf, LinksAndEntities) {
  nlohmann::json content =
      wiki_to_adf("[label|https://e.com] [https://f.com] &#92; &amp;")["content"][0]["content"];
  EXPECT_EQ(content[0]["marks"][0]["attrs"]["href"], "https://e.com");
  EXPECT_EQ(content[2]["text"], "https://f.com");
  EXPECT_EQ(content[3]["text"], " \\ &");
}

TEST(WikiToAdf, TaskListsFromIcons) {
  nlohmann::json list = wiki_to_adf("* (/) a\n* (x) b\n* ( ) c")["content"][0];
  EXPECT_EQ(list["type"], "taskList");
  EXPECT_EQ(list["content"][0]["attrs"]["state"], "DONE");
  EXPECT_EQ(list["content"][1]["attrs"]["state"], "TODO");
  EXPECT_EQ(list["content"][2]["attrs"]["state"], "TODO");
}

TEST(WikiToAdf, MixedPrefixes) {
  nlohmann::json list = wiki_to_adf("# a\n#* b\n- c")["content"];
  EXPECT_EQ(list[0]["type"], "orderedList");
  EXPECT_EQ(list[0]["content"][0]["content"][1]["type"], "bulletList");
  EXPECT_EQ(list[1]["type"], "bulletList");
}

TEST(WikiToAdf, CodeNoformatQuoteTable) {
  nlohmann::json content = wiki_to_adf(
      "{code:title=A.java|borderStyle=solid}\nx\n{code}\n{noformat}\ny\n{noformat}\n"
      "{quote}\nq\n{quote}\nbq. short\n||h||\n|c|")["content"];
  EXPECT_EQ(content[0], parse(R"({"type":"codeBlock","content":[{"type":"text","text":"x"}]})"));
  EXPECT_EQ(content[1]["content"][0]["text"], "y");
  EXPECT_EQ(content[2]["type"], "blockquote");
  EXPECT_EQ(content[3]["type"], "blockquote");
  EXPECT_EQ(content[4]["content"][0]["content"][0]["type"], "tableHeader");
  EXPECT_EQ(content[4]["content"][1]["content"][0]["type"], "tableCell");
}

TEST(WikiToAdf, UnterminatedConstructsAreText) {
  EXPECT_NO_THROW(wiki_to_adf("{code}\nnever closed"));
  EXPECT_EQ(wiki_to_adf("[not a link")["content"][0]["content"][0]["text"], "[not a link");
  EXPECT_EQ(wiki_to_adf("*open")["content"][0]["content"][0]["text"], "*open");
}

TEST(WikiToMarkdown, Readable) {
  EXPECT_EQ(wiki_to_markdown("h1. T\n\n*bold* and [link|https://e.com]\n\n* a\n** b"),
            "# T\n\n**bold** and [link](https://e.com)\n\n- a\n  - b\n");
}

}  // namespace
}  // namespace epicsync::richtext

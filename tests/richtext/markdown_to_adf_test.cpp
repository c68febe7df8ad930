#include <gtest/gtest.h>

#include "richtext/adf.h"
#include "test_helpers.h"

namespace epicsync::richtext {
namespace {

using testing::blocks;
using testing::parse;

TEST(MarkdownToAdf, EmptyInputIsAnEmptyDocument) {
  EXPECT_EQ(markdown_to_adf(""), parse(R"({"type":"doc","version":1,"content":[]})"));
}

TEST(MarkdownToAdf, Paragraph) {
  EXPECT_EQ(blocks("Hello world"),
            parse(R"([{"type":"paragraph","content":[{"type":"text","text":"Hello world"}]}])"));
}

TEST(MarkdownToAdf, SoftBreakKeepsTheLine) {
  EXPECT_EQ(blocks("**As a** user\n**I want** x")[0]["content"],
            parse(R"([{"type":"text","text":"As a","marks":[{"type":"strong"}]},
                      {"type":"text","text":" user"},{"type":"hardBreak"},
                      {"type":"text","text":"I want","marks":[{"type":"strong"}]},
                      {"type":"text","text":" x"}])"));
}

TEST(MarkdownToAdf, HardBreaks) {
  nlohmann::json expected = parse(
      R"([{"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"},
          {"type":"hardBreak"},{"type":"text","text":"c"}])");
  EXPECT_EQ(blocks("a\\\nb  \nc")[0]["content"], expected);
}

TEST(MarkdownToAdf, BrTagIsAHardBreak) {
  EXPECT_EQ(blocks("a<br/>b")[0]["content"][1], parse(R"({"type":"hardBreak"})"));
}

TEST(MarkdownToAdf, HeadingLevels) {
  for (int level = 1; level <= 6; ++level) {
    std::string markdown = std::string(static_cast<size_t>(level), '#') + " Title";
    nlohmann::json heading = blocks(markdown)[0];
    EXPECT_EQ(heading["type"], "heading");
    EXPECT_EQ(heading["attrs"]["level"], level);
    EXPECT_EQ(heading["content"][0]["text"], "Title");
  }
  EXPECT_EQ(blocks("Title\n=====")[0]["attrs"]["level"], 1);
}

TEST(MarkdownToAdf, Marks) {
  nlohmann::json content = blocks("**b** *i* ~~s~~ `c`")[0]["content"];
  EXPECT_EQ(content[0], parse(R"({"type":"text","text":"b","marks":[{"type":"strong"}]})"));
  EXPECT_EQ(content[2], parse(R"({"type":"text","text":"i","marks":[{"type":"em"}]})"));
  EXPECT_EQ(content[4], parse(R"({"type":"text","text":"s","marks":[{"type":"strike"}]})"));
  EXPECT_EQ(content[6], parse(R"({"type":"text","text":"c","marks":[{"type":"code"}]})"));
}

TEST(MarkdownToAdf, NestedMarksCombine) {
  nlohmann::json content = blocks("***both***")[0]["content"];
  EXPECT_EQ(content,
            parse(R"([{"type":"text","text":"both","marks":[{"type":"strong"},{"type":"em"}]}])"));
}

TEST(MarkdownToAdf, CodeDropsMarksAdfForbidsButKeepsLinks) {
  nlohmann::json content = blocks("**a `c` b** [`x`](https://e.com)")[0]["content"];
  EXPECT_EQ(content[1], parse(R"({"type":"text","text":"c","marks":[{"type":"code"}]})"));
  EXPECT_EQ(content[4], parse(R"({"type":"text","text":"x","marks":[{"type":"code"},
                                  {"type":"link","attrs":{"href":"https://e.com"}}]})"));
}

TEST(MarkdownToAdf, Links) {
  EXPECT_EQ(blocks("[site](https://e.com/a?b=1)")[0]["content"],
            parse(R"([{"type":"text","text":"site",
                       "marks":[{"type":"link","attrs":{"href":"https://e.com/a?b=1"}}]}])"));
}

TEST(MarkdownToAdf, AutolinksBecomeLinks) {
  nlohmann::json content = blocks("see https://e.com and www.e.com")[0]["content"];
  EXPECT_EQ(content[1]["marks"][0]["attrs"]["href"], "https://e.com");
  EXPECT_EQ(content[3]["text"], "www.e.com");
  EXPECT_EQ(content[3]["marks"][0]["attrs"]["href"], "http://www.e.com");
}

TEST(MarkdownToAdf, LinkWithoutDestinationIsText) {
  EXPECT_EQ(blocks("[a]()")[0]["content"], parse(R"([{"type":"text","text":"a"}])"));
}

TEST(MarkdownToAdf, ImageBecomesLinkLabelledWithAltText) {
  EXPECT_EQ(blocks("![shot](img/a.png)")[0]["content"], parse(R"([{"type":"text","text":"shot",
                       "marks":[{"type":"link","attrs":{"href":"img/a.png"}}]}])"));
  EXPECT_EQ(blocks("![](img/a.png)")[0]["content"][0]["text"], "img/a.png");
}

TEST(MarkdownToAdf, EmojiStayText) {
  EXPECT_EQ(blocks("ship it 🚀 :tada:")[0]["content"][0]["text"], "ship it 🚀 :tada:");
}

TEST(MarkdownToAdf, InvalidUtf8IsReplaced) {
  nlohmann::json content = blocks("bad \xff byte")[0]["content"];
  EXPECT_EQ(content[0]["text"], "bad \xEF\xBF\xBD byte");
}

TEST(MarkdownToAdf, BulletAndOrderedLists) {
  EXPECT_EQ(blocks("- a\n- b"), parse(R"([{"type":"bulletList","content":[
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}
    ]}])"));
  nlohmann::json ordered = blocks("3. c\n4. d")[0];
  EXPECT_EQ(ordered["type"], "orderedList");
  EXPECT_EQ(ordered["attrs"]["order"], 3);
  EXPECT_FALSE(blocks("1. c")[0].contains("attrs"));
}

TEST(MarkdownToAdf, NestedLists) {
  nlohmann::json item = blocks("- a\n  1. b\n     - c")[0]["content"][0];
  EXPECT_EQ(item["content"][1]["type"], "orderedList");
  EXPECT_EQ(item["content"][1]["content"][0]["content"][1]["type"], "bulletList");
}

TEST(MarkdownToAdf, ItemStartingWithAListGetsAnEmptyParagraph) {
  nlohmann::json item = blocks("- - a")[0]["content"][0];
  EXPECT_EQ(item["content"][0], parse(R"({"type":"paragraph","content":[]})"));
  EXPECT_EQ(item["content"][1]["type"], "bulletList");
}

TEST(MarkdownToAdf, EmptyItemHoldsAnEmptyParagraph) {
  EXPECT_EQ(blocks("-\n- b")[0]["content"][0]["content"],
            parse(R"([{"type":"paragraph","content":[]}])"));
}

TEST(MarkdownToAdf, TaskListWithState) {
  EXPECT_EQ(blocks("- [x] done\n- [ ] todo"), parse(R"([{"type":"taskList",
      "attrs":{"localId":"list-1"},"content":[
      {"type":"taskItem","attrs":{"localId":"task-1","state":"DONE"},
       "content":[{"type":"text","text":"done"}]},
      {"type":"taskItem","attrs":{"localId":"task-2","state":"TODO"},
       "content":[{"type":"text","text":"todo"}]}]}])"));
}

TEST(MarkdownToAdf, NestedTaskListFollowsItsItem) {
  nlohmann::json list = blocks("- [ ] a\n  - [x] b")[0];
  EXPECT_EQ(list["content"][0]["type"], "taskItem");
  EXPECT_EQ(list["content"][1]["type"], "taskList");
  EXPECT_EQ(list["content"][1]["content"][0]["attrs"]["state"], "DONE");
}

TEST(MarkdownToAdf, TaskListInsideBulletList) {
  nlohmann::json item = blocks("- a\n  - [ ] b")[0]["content"][0];
  EXPECT_EQ(item["content"][1]["type"], "taskList");
}

TEST(MarkdownToAdf, MixedListSplitsIntoRuns) {
  nlohmann::json content = blocks("- [ ] a\n- b\n- [x] c");
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content[0]["type"], "taskList");
  EXPECT_EQ(content[1]["type"], "bulletList");
  EXPECT_EQ(content[2]["type"], "taskList");
}

TEST(MarkdownToAdf, OrderedRunsKeepNumbering) {
  nlohmann::json content = blocks("1. [ ] a\n2. b\n3. c");
  EXPECT_EQ(content[1]["type"], "orderedList");
  EXPECT_EQ(content[1]["attrs"]["order"], 2);
}

TEST(MarkdownToAdf, TaskItemBlocksAreFlattenedInline) {
  nlohmann::json item = blocks("- [ ] a\n\n  more\n  - plain")[0]["content"][0];
  EXPECT_EQ(item["content"], parse(R"([{"type":"text","text":"a"},{"type":"hardBreak"},
      {"type":"text","text":"more"},{"type":"hardBreak"},{"type":"text","text":"• plain"}])"));
}

TEST(MarkdownToAdf, LocalIdsAreDeterministic) {
  std::string markdown = "- [ ] a\n  - [ ] b\n\n- [x] c";
  EXPECT_EQ(markdown_to_adf(markdown).dump(), markdown_to_adf(markdown).dump());
}

TEST(MarkdownToAdf, CodeBlockWithLanguage) {
  EXPECT_EQ(blocks("```cpp title\nint x;\n```"),
            parse(R"([{"type":"codeBlock","attrs":{"language":"cpp"},
                       "content":[{"type":"text","text":"int x;"}]}])"));
  EXPECT_EQ(blocks("    indented\n"),
            parse(R"([{"type":"codeBlock","content":[{"type":"text","text":"indented"}]}])"));
  EXPECT_EQ(blocks("```\n```"), parse(R"([{"type":"codeBlock","content":[]}])"));
}

TEST(MarkdownToAdf, BlockQuote) {
  EXPECT_EQ(blocks("> quoted\n> - item"), parse(R"([{"type":"blockquote","content":[
      {"type":"paragraph","content":[{"type":"text","text":"quoted"}]},
      {"type":"bulletList","content":[{"type":"listItem","content":[
        {"type":"paragraph","content":[{"type":"text","text":"item"}]}]}]}]}])"));
  EXPECT_EQ(blocks(">"), parse(R"([{"type":"blockquote","content":[
      {"type":"paragraph","content":[]}]}])"));
}

TEST(MarkdownToAdf, HeadingInQuoteBecomesBoldParagraph) {
  EXPECT_EQ(blocks("> # Title")[0]["content"][0], parse(R"({"type":"paragraph","content":[
                       {"type":"text","text":"Title","marks":[{"type":"strong"}]}]})"));
}

TEST(MarkdownToAdf, NestedQuoteIsFlattened) {
  EXPECT_EQ(blocks("> a\n>\n> > b")[0]["content"][1]["content"][0]["text"], "b");
}

TEST(MarkdownToAdf, RuleInsideListBecomesText) {
  EXPECT_EQ(blocks("- a\n\n  ***")[0]["content"][0]["content"][1],
            parse(R"({"type":"paragraph","content":[{"type":"text","text":"---"}]})"));
  EXPECT_EQ(blocks("---"), parse(R"([{"type":"rule"}])"));
}

TEST(MarkdownToAdf, Table) {
  EXPECT_EQ(blocks("| H | **I** |\n|---|:-:|\n| `c` |  |"), parse(R"([{"type":"table","content":[
      {"type":"tableRow","content":[
        {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"H"}]}]},
        {"type":"tableHeader","content":[{"type":"paragraph","content":[
          {"type":"text","text":"I","marks":[{"type":"strong"}]}]}]}]},
      {"type":"tableRow","content":[
        {"type":"tableCell","content":[{"type":"paragraph","content":[
          {"type":"text","text":"c","marks":[{"type":"code"}]}]}]},
        {"type":"tableCell","content":[{"type":"paragraph","content":[]}]}]}]}])"));
}

TEST(MarkdownToAdf, TableInListBecomesRowParagraphs) {
  nlohmann::json item = blocks("- a\n\n  | x | y |\n  |---|---|\n  | 1 | 2 |")[0]["content"][0];
  EXPECT_EQ(item["content"][1]["content"][0]["text"], "x | y");
  EXPECT_EQ(item["content"][2]["content"][0]["text"], "1 | 2");
}

TEST(MarkdownToAdf, HtmlIsKeptAsText) {
  EXPECT_EQ(blocks("<div>\nhi\n</div>"), parse(R"([{"type":"paragraph","content":[
      {"type":"text","text":"<div>"},{"type":"hardBreak"},{"type":"text","text":"hi"},
      {"type":"hardBreak"},{"type":"text","text":"</div>"}]}])"));
  EXPECT_EQ(blocks("a <kbd>x</kbd>")[0]["content"],
            parse(R"([{"type":"text","text":"a <kbd>x</kbd>"}])"));
}

TEST(MarkdownToAdf, TaskListInQuoteKeepsStateAsText) {
  // cmark-gfm does not recognise task items inside quotes, so GitHub shows "[ ]" there too.
  nlohmann::json item = blocks("> - [x] a")[0]["content"][0]["content"][0];
  EXPECT_EQ(item["content"][0]["content"][0]["text"], "[x] a");
}

}  // namespace
}  // namespace epicsync::richtext

#include <gtest/gtest.h>

#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "test_helpers.h"

namespace epicsync::richtext {
namespace {

using testing::doc;
using testing::parse;

std::string md(std::string_view content_json) {
  return adf_to_markdown(doc(parse(content_json)));
}

// Markdown written in the canonical style comes back unchanged.
void expect_same_markdown(const std::string& markdown) {
  EXPECT_EQ(adf_to_markdown(markdown_to_adf(markdown)), markdown);
}

TEST(AdfToMarkdown, EmptyAndMalformedInput) {
  EXPECT_EQ(adf_to_markdown(nlohmann::json()), "");
  EXPECT_EQ(adf_to_markdown(parse(R"({"type":"doc","content":"nope"})")), "");
  EXPECT_EQ(adf_to_markdown(parse(R"([1,2,3])")), "");
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[{"type":"text"}, 7, {"text":"x"}]}])"), "");
  // Wrongly typed fields deep inside containers that get flattened.
  EXPECT_NO_THROW(md(R"([{"type":"table","content":[{"type":"tableRow","content":[
      {"type":"tableCell","content":[{"type":"paragraph","content":[
        {"type":"text","text":5},{"type":"text","text":"a"},{"type":"text","text":null}]}]}]}]},
      {"type":"taskList","content":[{"type":"taskItem","attrs":{"state":7},"content":[
        {"type":"text","text":[1]},{"type":"text","text":"b","marks":"bad"}]}]},
      {"type":"heading","attrs":{"level":"x"},"content":{}}])"));
}

TEST(AdfToMarkdown, ParagraphsAndHeadings) {
  expect_same_markdown("# Title\n\nSome text.\n\n###### Small\n");
}

TEST(AdfToMarkdown, Marks) {
  expect_same_markdown("**bold** *italic* ~~gone~~ `code` [link](https://e.com)\n");
  expect_same_markdown("***both*** [**bold link**](https://e.com) [`code link`](https://e.com)\n");
}

TEST(AdfToMarkdown, AutolinksStayShort) {
  expect_same_markdown("see <https://e.com/a_b> and <dev@example.com>\n");
}

TEST(AdfToMarkdown, WhitespaceMovesOutsideDelimiters) {
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[
      {"type":"text","text":"a "},{"type":"text","text":" bold ","marks":[{"type":"strong"}]},
      {"type":"text","text":"b"}]}])"),
            "a  **bold** b\n");
}

TEST(AdfToMarkdown, EscapesMarkdownSyntaxInText) {
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[{"type":"text",
      "text":"# not a heading *x* [y] a_b _c `d` <e> |f| 1. g https://h.example"}]}])"),
            "\\# not a heading \\*x\\* \\[y\\] a_b \\_c \\`d\\` \\<e> \\|f\\| 1. g "
            "https\\://h.example\n");
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[{"type":"text","text":"1. item"}]}])"),
            "1\\. item\n");
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[{"type":"text","text":"- item"}]}])"),
            "\\- item\n");
}

TEST(AdfToMarkdown, CodeSpansWithBackticks) {
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[
      {"type":"text","text":"a`b","marks":[{"type":"code"}]}]}])"),
            "``a`b``\n");
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[
      {"type":"text","text":"`x`","marks":[{"type":"code"}]}]}])"),
            "`` `x` ``\n");
}

TEST(AdfToMarkdown, HardBreaks) {
  expect_same_markdown("one\\\ntwo\n");
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[{"type":"text","text":"a"},
      {"type":"hardBreak"}]}])"),
            "a\n");
}

TEST(AdfToMarkdown, Lists) {
  expect_same_markdown("- a\n- b\n  - c\n    1. d\n    2. e\n");
  expect_same_markdown("3. three\n4. four\n");
}

TEST(AdfToMarkdown, AdjacentListsGetDifferentMarkers) {
  EXPECT_EQ(md(R"([
      {"type":"bulletList","content":[{"type":"listItem","content":[
        {"type":"paragraph","content":[{"type":"text","text":"a"}]}]}]},
      {"type":"bulletList","content":[{"type":"listItem","content":[
        {"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}])"),
            "- a\n\n* b\n");
}

TEST(AdfToMarkdown, TaskLists) {
  expect_same_markdown("- [x] done\n- [ ] todo\n  - [ ] nested\n");
  EXPECT_EQ(md(R"([{"type":"taskList","attrs":{"localId":"u"},"content":[
      {"type":"taskItem","attrs":{"localId":"v","state":"DONE"}}]}])"),
            "- [x] \n");
}

TEST(AdfToMarkdown, CodeBlocks) {
  expect_same_markdown("```cpp\nint x;\n```\n");
  expect_same_markdown("````\n```\n````\n");
  EXPECT_EQ(md(R"([{"type":"codeBlock","attrs":{"language":"a`b"},
      "content":[{"type":"text","text":"x"}]}])"),
            "~~~a`b\nx\n~~~\n");
}

TEST(AdfToMarkdown, QuotesAndRules) {
  expect_same_markdown("> quoted\n>\n> - item\n\n---\n");
}

TEST(AdfToMarkdown, Tables) {
  expect_same_markdown("| a | b |\n| --- | --- |\n| `x\\|y` |   |\n");
  EXPECT_EQ(md(R"([{"type":"table","attrs":{"layout":"default"},"content":[
      {"type":"tableRow","content":[
        {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"1"}]},
                                       {"type":"paragraph","content":[{"type":"text","text":"2"}]}]}]},
      {"type":"tableRow","content":[
        {"type":"tableCell","content":[{"type":"paragraph"}]},
        {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"3"}]}]}
      ]}]}])"),
            "| 1<br>2 |   |\n| --- | --- |\n|   | 3 |\n");
}

TEST(AdfToMarkdown, TrackerOnlyNodesBecomeReadableText) {
  EXPECT_EQ(md(R"([{"type":"paragraph","content":[
      {"type":"mention","attrs":{"id":"1","text":"@dana"}},{"type":"text","text":" "},
      {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},{"type":"text","text":" "},
      {"type":"status","attrs":{"text":"DONE","color":"green"}},{"type":"text","text":" "},
      {"type":"date","attrs":{"timestamp":"1700000000000"}},{"type":"text","text":" "},
      {"type":"inlineCard","attrs":{"url":"https://e.com/x"}}]}])"),
            "@dana 😄 \\[DONE\\] 2023-11-14 <https://e.com/x>\n");
  EXPECT_EQ(md(R"([{"type":"panel","attrs":{"panelType":"info"},"content":[
      {"type":"paragraph","content":[{"type":"text","text":"note"}]}]},
      {"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"x","type":"file"}}]},
      {"type":"expand","attrs":{"title":"More"},"content":[
        {"type":"paragraph","content":[{"type":"text","text":"hidden"}]}]}])"),
            "> note\n\n[attachment]\n\n**More**\n\nhidden\n");
}

TEST(AdfToMarkdown, FixtureStoryReadsLikeTheSource) {
  std::string markdown =
      "#### Description\n\n**As a** shopper\\\n**I want** to pay as a guest\n\n"
      "#### Acceptance Criteria\n\n- [x] Email is required\n- [ ] Confirmation is sent\n";
  expect_same_markdown(markdown);
}

}  // namespace
}  // namespace epicsync::richtext

// The lossless markdown form (adf_to_markdown with options.lossless) and the forms it uses:
// mentions as [@Name](mention:ID), panels as GitHub alerts, `adf` fences for everything else.
// The property tests check the exact round trip over generated ADF documents and over wiki
// written from them.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "corpus_generator.h"
#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"
#include "test_helpers.h"

namespace epicsync::richtext {
namespace lossless_test {

using nlohmann::json;
using testing::blocks;
using testing::doc;
using testing::parse;

// Sanitizer builds run unoptimised; they check memory safety, for which fewer cases suffice.
constexpr int kPropertyDocs = 4000 / RICHTEXT_CORPUS_DIVISOR;
// The wiki round trip converts each document six times over; fewer cases keep it as quick.
constexpr int kWikiPropertyDocs = 3000 / RICHTEXT_CORPUS_DIVISOR;

std::string lossless(const json& document) {
  AdfToMarkdownOptions options;
  options.lossless = true;
  return adf_to_markdown(document, options);
}

std::string lossless_blocks(std::string_view content_json) {
  return lossless(doc(parse(content_json)));
}

size_t count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

::testing::AssertionResult reads_back(const json& document) {
  std::string markdown = lossless(document);
  std::string expected = canonical_text(document);
  std::string actual = canonical_text(markdown_to_adf(markdown));
  if (actual == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "--- markdown\n"
                                       << markdown << "--- expected\n"
                                       << expected << "\n--- read back\n"
                                       << actual;
}

const char* const kParagraph = R"({"type":"paragraph","content":[{"type":"text","text":"x"}]})";

// --- mentions ---

TEST(Lossless, MentionIsALink) {
  json document = doc(parse(R"([{"type":"paragraph","content":[
      {"type":"text","text":"ask "},
      {"type":"mention","attrs":{"id":"5b10ac8d82e05b22cc7d4ef5","text":"@Dana Scully",
                                 "accessLevel":""}},
      {"type":"text","text":" today"}]}])"));
  EXPECT_EQ(lossless(document), "ask [@Dana Scully](mention:5b10ac8d82e05b22cc7d4ef5) today\n");
  EXPECT_TRUE(reads_back(document));
}

TEST(Lossless, MentionLinkReadsAsMention) {
  EXPECT_EQ(blocks("hi [@Dana](mention:557058:f5-81)")[0]["content"],
            parse(R"([{"type":"text","text":"hi "},
                      {"type":"mention","attrs":{"id":"557058:f5-81","text":"@Dana"}}])"));
  // Marks around a mention are dropped: ADF mentions carry none.
  EXPECT_EQ(blocks("**[@Dana](mention:x)**")[0]["content"],
            parse(R"([{"type":"mention","attrs":{"id":"x","text":"@Dana"}}])"));
  // An empty label is a mention without display text.
  EXPECT_EQ(blocks("[](mention:x)")[0]["content"],
            parse(R"([{"type":"mention","attrs":{"id":"x"}}])"));
  // Other links stay links.
  EXPECT_EQ(blocks("[@Dana](https://e.com/mention:x)")[0]["content"][0]["type"], "text");
}

TEST(Lossless, MentionsInTablesAndTasks) {
  EXPECT_EQ(blocks("| [@A](mention:a) |\n| --- |")[0]["content"][0]["content"][0]["content"][0]
                                                  ["content"][0]["type"],
            "mention");
  EXPECT_EQ(blocks("- [ ] ask [@A](mention:a)")[0]["content"][0]["content"][1]["type"], "mention");
}

TEST(Lossless, AccessLevelIsNotContent) {
  EXPECT_TRUE(same_adf_content(
      doc(parse(R"([{"type":"paragraph","content":[{"type":"mention","attrs":{"id":"a",
          "text":"@A","accessLevel":"CONTAINER","userType":"DEFAULT"}}]}])")),
      doc(parse(R"([{"type":"paragraph","content":[{"type":"mention","attrs":{"id":"a",
          "text":"@A"}}]}])"))));
}

TEST(Lossless, DisplayFormIsUnchanged) {
  json document = doc(parse(R"([{"type":"paragraph","content":[
      {"type":"mention","attrs":{"id":"a","text":"@dana"}}]},
      {"type":"panel","attrs":{"panelType":"info"},"content":[
        {"type":"paragraph","content":[{"type":"text","text":"note"}]}]}])"));
  EXPECT_EQ(adf_to_markdown(document), "@dana\n\n> note\n");
  EXPECT_EQ(adf_to_markdown(document, AdfToMarkdownOptions{}), "@dana\n\n> note\n");
}

// --- panels ---

TEST(Lossless, EachPanelTypeIsAnAlert) {
  for (const char* type : {"info", "note", "tip", "warning", "success", "error"}) {
    json document = doc(json::array({json{{"type", "panel"},
                                          {"attrs", {{"panelType", type}}},
                                          {"content", json::array({parse(kParagraph)})}}}));
    std::string marker;
    for (const char* c = type; *c != '\0'; ++c) marker += static_cast<char>(*c - 'a' + 'A');
    EXPECT_EQ(lossless(document), "> [!" + marker + "]\n> x\n") << type;
    EXPECT_TRUE(reads_back(document)) << type;
    EXPECT_EQ(
        blocks("> [!" + marker + "]\n> x")[0],
        parse(R"({"type":"panel","attrs":{"panelType":")" + std::string(type) +
              R"("},"content":[{"type":"paragraph","content":[{"type":"text","text":"x"}]}]})"))
        << type;
  }
}

TEST(Lossless, GitHubAlertNamesMapToPanels) {
  EXPECT_EQ(blocks("> [!IMPORTANT]\n> x")[0]["attrs"]["panelType"], "note");
  EXPECT_EQ(blocks("> [!CAUTION]\n> x")[0]["attrs"]["panelType"], "error");
  EXPECT_EQ(blocks("> [!TIP]\n> x")[0]["attrs"]["panelType"], "tip");
}

TEST(Lossless, PanelHoldsWhatPanelsMayHold) {
  json panel =
      blocks("> [!WARNING]\n>\n> ## Heads up\n>\n> - a\n>\n> ---\n>\n> ```sh\n> rm\n> ```")[0];
  EXPECT_EQ(panel["type"], "panel");
  ASSERT_EQ(panel["content"].size(), 4u);
  EXPECT_EQ(panel["content"][0]["type"], "heading");
  EXPECT_EQ(panel["content"][1]["type"], "bulletList");
  EXPECT_EQ(panel["content"][2]["type"], "rule");
  EXPECT_EQ(panel["content"][3]["type"], "codeBlock");
  // A panel opening with a list writes an empty quoted line after the marker.
  json document = doc(json::array({panel}));
  EXPECT_EQ(lossless(document),
            "> [!WARNING]\n>\n> ## Heads up\n>\n> - a\n>\n> ---\n>\n> ```sh\n> rm\n> ```\n");
  EXPECT_TRUE(reads_back(document));
  // No quotes or tables in panels: flattened, as inside quotes.
  EXPECT_EQ(blocks("> [!NOTE]\n> > inner")[0]["content"][0]["type"], "paragraph");
  EXPECT_EQ(blocks("> [!NOTE]\n>\n> | a |\n> | - |\n> | b |")[0]["content"][0]["type"],
            "paragraph");
  // The marker alone is an empty panel.
  EXPECT_EQ(blocks("> [!INFO]")[0], parse(R"({"type":"panel","attrs":{"panelType":"info"},
                      "content":[{"type":"paragraph","content":[]}]})"));
}

TEST(Lossless, QuotesThatAreNotAlertsStayQuotes) {
  for (const char* markdown :
       {"> [!FOO]\n> x", "> [!info]\n> x", "> [!INFO] x", "> x\n> [!INFO]", "> *[!INFO]*\n> x"}) {
    EXPECT_EQ(blocks(markdown)[0]["type"], "blockquote") << markdown;
  }
  // Inside a list a quote is flattened whatever it starts with.
  EXPECT_EQ(blocks("- a\n\n  > [!INFO]\n  > b")[0]["type"], "bulletList");
  // A quote whose text is a marker cannot be written as a quote: it is fenced.
  json document = doc(parse(R"([{"type":"blockquote","content":[{"type":"paragraph","content":[
      {"type":"text","text":"[!INFO]"},{"type":"hardBreak"},{"type":"text","text":"x"}]}]}])"));
  EXPECT_EQ(count(lossless(document), "```adf"), 1u);
  EXPECT_TRUE(reads_back(document));
}

TEST(Lossless, CustomPanelsAndTaskListsInPanelsAreFenced) {
  // GitHub (and cmark-gfm) read no task lists inside quotes.
  json document = doc(parse(R"([
      {"type":"panel","attrs":{"panelType":"custom","panelColor":"#abcdef"},"content":[)" +
                            std::string(kParagraph) + R"(]},
      {"type":"panel","attrs":{"panelType":"info"},"content":[
        {"type":"taskList","attrs":{"localId":"l"},"content":[
          {"type":"taskItem","attrs":{"localId":"t","state":"DONE"},
           "content":[{"type":"text","text":"x"}]}]}]}])"));
  EXPECT_EQ(count(lossless(document), "```adf"), 2u);
  EXPECT_TRUE(reads_back(document));
}

// --- the adf fence ---

TEST(Lossless, AdfFenceReadsAsTheNode) {
  json expected = parse(R"({"type":"paragraph","content":[
      {"type":"text","text":"u","marks":[{"type":"underline"}]},
      {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}}]})");
  EXPECT_EQ(blocks("```adf\n" + expected.dump(2) + "\n```")[0], expected);
  EXPECT_EQ(blocks("~~~~ adf\n" + expected.dump() + "\n~~~~")[0], expected);
  // Unknown block types are taken as they are: they are the tracker's.
  EXPECT_EQ(blocks("```adf\n{\"type\":\"layoutSection\",\"content\":[]}\n```")[0]["type"],
            "layoutSection");
}

TEST(Lossless, AdfFenceWritesJsonForPeople) {
  // "type" first, what fits in 100 columns on one line, the rest indented by two spaces.
  EXPECT_EQ(lossless_blocks(R"([{"type":"paragraph","content":[
      {"type":"text","text":"u","marks":[{"type":"underline"}]}]}])"),
            "```adf\n"
            "{\"type\": \"paragraph\", \"content\": [{\"type\": \"text\", \"text\": \"u\", "
            "\"marks\": [{\"type\": \"underline\"}]}]}\n"
            "```\n");
  EXPECT_EQ(lossless_blocks(R"([{"type":"paragraph","content":[
      {"type":"text","text":"underlined words","marks":[{"type":"underline"}]},
      {"type":"status","attrs":{"text":"DONE","color":"green","localId":"s1"}}]}])"),
            "```adf\n"
            "{\n"
            "  \"type\": \"paragraph\",\n"
            "  \"content\": [\n"
            "    {\"type\": \"text\", \"text\": \"underlined words\", \"marks\": [{\"type\": "
            "\"underline\"}]},\n"
            "    {\"type\": \"status\", \"attrs\": {\"text\": \"DONE\", \"color\": \"green\", "
            "\"localId\": \"s1\"}}\n"
            "  ]\n"
            "}\n"
            "```\n");
  // A longer fence when the JSON holds backticks.
  std::string fenced = lossless_blocks(R"([{"type":"paragraph","content":[
      {"type":"text","text":"````","marks":[{"type":"underline"}]}]}])");
  EXPECT_EQ(fenced.rfind("`````adf\n", 0), 0u) << fenced;
}

TEST(Lossless, InvalidAdfFenceStaysACodeBlock) {
  for (const char* markdown :
       {"```adf\n{not json\n```", "```adf\n[1, 2]\n```", "```adf\n{\"type\": 7}\n```",
        "```adf\n{\"text\": \"x\"}\n```", "```adf\n{\"type\":\"text\",\"text\":\"x\"}\n```",
        "```adf\n{\"type\":\"doc\",\"content\":[]}\n```", "```adf json\n{\"type\":\"rule\"}\n```",
        "```ADF\n{\"type\":\"rule\"}\n```", "    {\"type\":\"rule\"}"}) {
    json block = blocks(markdown)[0];
    EXPECT_EQ(block["type"], "codeBlock") << markdown;
  }
  EXPECT_EQ(blocks("```adf\n{not json\n```")[0],
            parse(R"({"type":"codeBlock","attrs":{"language":"adf"},
                      "content":[{"type":"text","text":"{not json"}]})"));
  // Absurd nesting is not taken either.
  std::string deep = std::string(300, '[') + std::string(300, ']');
  EXPECT_EQ(blocks("```adf\n{\"type\":\"rule\",\"x\":" + deep + "}\n```")[0]["type"], "codeBlock");
}

TEST(Lossless, AdfFenceOnlyWhereTheNodeMayStand) {
  // In a table cell a fence is inline code, so text.
  json table = blocks("| ```adf {\"type\":\"rule\"}``` |\n| --- |")[0];
  EXPECT_EQ(table["type"], "table");
  json cell_text = table["content"][0]["content"][0]["content"][0]["content"][0];
  EXPECT_EQ(cell_text["marks"][0]["type"], "code");
  // In a list item: what list items may hold, nothing else.
  json list = blocks(
      "- a\n\n  ```adf\n  {\"type\":\"rule\"}\n  ```\n\n  ```adf\n"
      "  {\"type\":\"paragraph\",\"content\":[]}\n  ```")[0];
  EXPECT_EQ(list["content"][0]["content"][1]["type"], "codeBlock");
  EXPECT_EQ(list["content"][0]["content"][2]["type"], "paragraph");
  // In a quote no heading; in a panel a heading.
  std::string heading = R"({"type":"heading","attrs":{"level":2},"content":[]})";
  EXPECT_EQ(blocks("> ```adf\n> " + heading + "\n> ```")[0]["content"][0]["type"], "codeBlock");
  EXPECT_EQ(blocks("> [!INFO]\n>\n> ```adf\n> " + heading + "\n> ```")[0]["content"][0]["type"],
            "heading");
  // In a task item everything is text.
  EXPECT_EQ(blocks("- [ ] a\n\n  ```adf\n  {\"type\":\"rule\"}\n  ```")[0]["type"], "taskList");
}

TEST(Lossless, CodeBlocksThatLookLikeFencesAreFenced) {
  json document = doc(parse(R"([{"type":"codeBlock","attrs":{"language":"adf"},
      "content":[{"type":"text","text":"{\"type\":\"rule\"}"}]}])"));
  EXPECT_EQ(count(lossless(document), "```adf"), 1u);
  EXPECT_TRUE(reads_back(document));
  // Not JSON: an ordinary code block with the language adf.
  document = doc(parse(R"([{"type":"codeBlock","attrs":{"language":"adf"},
      "content":[{"type":"text","text":"x"}]}])"));
  EXPECT_EQ(lossless(document), "```adf\nx\n```\n");
}

TEST(Lossless, FenceTopLevelForcesTheFence) {
  json document = doc(parse(R"([{"type":"heading","attrs":{"level":3},"content":[
      {"type":"text","text":"Story"}]},)" +
                            std::string(kParagraph) + "]"));
  AdfToMarkdownOptions options;
  options.lossless = true;
  options.fence_top_level = [](const json& node) { return node.value("type", "") == "heading"; };
  std::string markdown = adf_to_markdown(document, options);
  EXPECT_EQ(markdown.rfind("```adf\n", 0), 0u) << markdown;
  EXPECT_NE(markdown.find("\n```\n\nx\n"), std::string::npos) << markdown;
  EXPECT_EQ(canonical_text_of_markdown(markdown), canonical_text(document));
}

// --- the self-check ---

TEST(Lossless, ReadableWhereMarkdownIsExact) {
  std::string markdown =
      "# Title\n\n**bold** *em* ~~s~~ `c` [l](https://e.com)\\\nnext line\n\n- a\n  - b\n\n"
      "3. three\n\n- [x] done\n\n```cpp\nint x;\n```\n\n> quoted\n\n---\n\n| h |\n| --- |\n| c |\n";
  std::string written = lossless(markdown_to_adf(markdown));
  EXPECT_EQ(written, markdown);
}

TEST(Lossless, WhatMarkdownCannotSayIsFencedBlockByBlock) {
  json document = doc(parse(R"([)" + std::string(kParagraph) + R"(,
      {"type":"paragraph","content":[{"type":"text","text":"u","marks":[{"type":"underline"}]}]},
      {"type":"table","content":[{"type":"tableRow","content":[
        {"type":"tableCell","attrs":{"colspan":2},"content":[)" +
                            kParagraph + R"(]}]}]},
      {"type":"codeBlock","attrs":{"language":"a b"},"content":[]},
      {"type":"mediaSingle","attrs":{"layout":"center"},"content":[
        {"type":"media","attrs":{"type":"file","id":"m","collection":"c"}}]},
      {"type":"expand","attrs":{"title":"More"},"content":[)" +
                            kParagraph + R"(]},)" + kParagraph + "]"));
  std::string markdown = lossless(document);
  EXPECT_EQ(count(markdown, "```adf"), 5u) << markdown;
  EXPECT_EQ(markdown.rfind("x\n\n```adf", 0), 0u) << markdown;
  EXPECT_TRUE(reads_back(document));
}

TEST(Lossless, AdjacentBlocksThatWouldMergeStayApart) {
  // Ordered lists with an empty paragraph between them, a list and a paragraph that a lazy line
  // would continue, lists of one family: each comes back as it was.
  json document = doc(parse(R"([
      {"type":"orderedList","content":[{"type":"listItem","content":[)" +
                            std::string(kParagraph) + R"(]}]},
      {"type":"paragraph","content":[]},
      {"type":"orderedList","content":[{"type":"listItem","content":[)" +
                            kParagraph + R"(]}]},
      {"type":"orderedList","attrs":{"order":5},"content":[{"type":"listItem","content":[)" +
                            kParagraph + R"(]}]},
      {"type":"taskList","attrs":{"localId":"a"},"content":[
        {"type":"taskItem","attrs":{"localId":"b","state":"TODO"},"content":[]}]},
      {"type":"bulletList","content":[{"type":"listItem","content":[)" +
                            kParagraph + R"(]}]}])"));
  std::string markdown = lossless(document);
  EXPECT_EQ(count(markdown, "```adf"), 0u) << markdown;
  EXPECT_TRUE(reads_back(document));
}

TEST(Lossless, EmptyAndMalformedDocuments) {
  EXPECT_EQ(lossless(json()), "");
  EXPECT_EQ(lossless(doc(json::array())), "");
  EXPECT_EQ(lossless(doc(parse(R"([{"type":"paragraph","content":[]}, 7, "x"])"))), "");
  EXPECT_NO_THROW(lossless(parse(R"({"type":"doc","content":[{"type":"table","content":5},
      {"type":"panel"},{"type":"mention"},{"content":[]}]})")));
}

// --- wiki ---

TEST(Lossless, WikiMentions) {
  EXPECT_EQ(wiki_to_adf("hi [~jsmith] and [~accountid:5b10]")["content"][0]["content"],
            parse(R"([{"type":"text","text":"hi "},
                      {"type":"mention","attrs":{"id":"jsmith","text":"@jsmith"}},
                      {"type":"text","text":" and "},
                      {"type":"mention","attrs":{"id":"accountid:5b10","text":"@accountid:5b10"}}])"));
  EXPECT_EQ(markdown_to_wiki("ask [@Dana](mention:dana) now"), "ask [~dana] now\n");
  EXPECT_EQ(markdown_to_wiki("[@Dana](mention:a|b])"), "[~a%7Cb%5D]\n");
  EXPECT_EQ(wiki_to_adf("[~a%7Cb%5D]")["content"][0]["content"][0]["attrs"]["id"], "a|b]");
  // Data Center usernames may hold spaces.
  EXPECT_EQ(markdown_to_wiki("[@J S](<mention:john smith>)"), "[~john smith]\n");
  EXPECT_EQ(wiki_to_adf("[~john smith]")["content"][0]["content"][0]["attrs"]["id"], "john smith");
  // Not mentions.
  EXPECT_EQ(wiki_to_adf("[~]")["content"][0]["content"][0]["type"], "text");
  EXPECT_EQ(wiki_to_adf("\\[~x\\]")["content"][0]["content"][0]["text"], "[~x]");
}

TEST(Lossless, WikiPanels) {
  EXPECT_EQ(markdown_to_wiki("> [!WARNING]\n> careful\n>\n> # Title"),
            "{panel:bgColor=#fffae6}\ncareful\n\nh1. Title\n{panel}\n");
  json panel = wiki_to_adf("{panel:bgColor=#fffae6}\ncareful\n\nh1. Title\n{panel}")["content"][0];
  EXPECT_EQ(panel["type"], "panel");
  EXPECT_EQ(panel["attrs"]["panelType"], "warning");
  EXPECT_EQ(panel["content"][1]["type"], "heading");
  struct Case {
    const char* wiki;
    const char* type;
  };
  for (const Case& c : {Case{"{info}x{info}", "info"}, Case{"{note}\nx\n{note}", "note"},
                        Case{"{warning}\nx\n{warning}", "warning"},
                        Case{"{tip}\nx\n{tip}", "success"}, Case{"{panel}\nx\n{panel}", "info"},
                        Case{"{panel:title=T|bgColor=#ffebe6}\nx\n{panel}", "error"},
                        Case{"{panel:bgColor=#e3fcef}\nx\n{panel}", "success"},
                        Case{"{panel:bgColor=#eae6ff}\nx\n{panel}", "note"},
                        Case{"{panel:bgColor=#ff0000}\nx\n{panel}", "error"}}) {
    json node = wiki_to_adf(c.wiki)["content"][0];
    EXPECT_EQ(node["type"], "panel") << c.wiki;
    EXPECT_EQ(node["attrs"]["panelType"], c.type) << c.wiki;
  }
  // The title is the first, bold paragraph.
  EXPECT_EQ(wiki_to_adf("{panel:title=T}\nx\n{panel}")["content"][0]["content"][0]["content"][0],
            parse(R"({"type":"text","text":"T","marks":[{"type":"strong"}]})"));
  // Every panel type writes a colour that reads back as the same type (tip as success).
  for (const char* type : {"info", "note", "warning", "success", "error"}) {
    json document = doc(json::array({json{{"type", "panel"},
                                          {"attrs", {{"panelType", type}}},
                                          {"content", json::array({parse(kParagraph)})}}}));
    EXPECT_EQ(canonical_text_of_wiki(adf_to_wiki(document)), canonical_text(document)) << type;
  }
  // Code inside a panel cannot close it.
  json code_panel = wiki_to_adf("{panel}\n{code}\n{panel}\n{code}\n{panel}\nafter")["content"];
  EXPECT_EQ(code_panel[0]["content"][0]["content"][0]["text"], "{panel}");
  EXPECT_EQ(code_panel[1]["content"][0]["text"], "after");
  // Inside a quote a panel is flattened, and a quote inside a panel too.
  EXPECT_EQ(wiki_to_adf("{quote}\n{info}x{info}\n{quote}")["content"][0]["content"][0]["type"],
            "paragraph");
  EXPECT_EQ(wiki_to_adf("{info}\n{quote}x{quote}\n{info}")["content"][0]["content"][0]["type"],
            "paragraph");
  // Text that looks like a panel is escaped; an unterminated panel tag is text.
  EXPECT_EQ(markdown_to_wiki("{info}"), "\\{info\\}\n");
  json unterminated = wiki_to_adf("{note} remember\nthis\n\n{info}\n* a")["content"];
  ASSERT_EQ(unterminated.size(), 3u);
  EXPECT_EQ(unterminated[0]["content"][0]["text"], "{note} remember");
  EXPECT_EQ(unterminated[1]["content"][0]["text"], "{info}");
  EXPECT_EQ(unterminated[2]["type"], "bulletList");
}

// Hand-written wiki, in the forms people type into Data Center, comes back as it was.
TEST(Lossless, HandWrittenWikiRoundTrips) {
  const char* cases[] = {
      "h1. Title\n\n*bold* _em_ -strike- +under+ ^sup^ ~sub~ ??cite?? {{code}}",
      "Ask [~jsmith] and [~accountid:5b10ac8d82e05b22cc7d4ef5] about [the page|https://e.com].",
      "{panel:title=Heads up|bgColor=#fffae6}\nh2. Inside\n* (/) done\n* (x) open\n{panel}",
      "{info}\nx\n{info}\n\n{note}y{note}\n\n{warning}\n# one\n# two\n{warning}\n\n{tip}z{tip}",
      "{quote}\nquoted [~dana]\n{quote}\n\nbq. short quote",
      "* a\n** b\n*# c\n- d\n\n# x\n#* y",
      "||h1||h2||\n|[~a]|{{c}}|\n| |x|",
      "{code:java}\nint x; // {panel}\n{code}\n\n{noformat}\nraw *text*\n{noformat}\n\n----",
      "line one\nline two\\\\line three &amp; &#92; &lt;tag&gt;",
      "{panel}\nunclosed {info} tag\n{panel}\n{note} not a panel",
  };
  for (const char* wiki : cases) {
    std::string markdown = lossless(wiki_to_adf(wiki));
    EXPECT_EQ(canonical_text_of_wiki(markdown_to_wiki(markdown)), canonical_text_of_wiki(wiki))
        << wiki << "\n--- markdown\n"
        << markdown;
    EXPECT_TRUE(same_wiki_content(wiki, markdown)) << wiki;
  }
}

// --- properties ---

struct Stats {
  size_t blocks = 0;
  size_t fenced = 0;
};

void count_blocks(const json& document, const std::string& markdown, Stats& stats) {
  stats.blocks += document["content"].size();
  stats.fenced += count(markdown, "```adf\n");
}

TEST(LosslessProperty, GeneratorIsDeterministic) {
  EXPECT_EQ(testing::generate_adf_corpus(3, 20), testing::generate_adf_corpus(3, 20));
  EXPECT_NE(testing::generate_adf_document(1), testing::generate_adf_document(2));
}

// For any ADF document: markdown_to_adf(adf_to_markdown(D, lossless)) has D's canonical form.
TEST(LosslessProperty, AdfRoundTripIsExact) {
  auto start = std::chrono::steady_clock::now();
  int failures = 0;
  Stats stats;
  std::vector<json> corpus = testing::generate_adf_corpus(101, kPropertyDocs);
  for (const json& document : corpus) {
    std::string markdown = lossless(document);
    count_blocks(document, markdown, stats);
    std::string expected = canonical_text(document);
    std::string actual = canonical_text_of_markdown(markdown);
    if (actual != expected && ++failures <= 3) {
      ADD_FAILURE() << "not exact:\n--- document\n"
                    << document.dump() << "\n--- markdown\n"
                    << markdown << "--- expected\n"
                    << expected << "\n--- read back\n"
                    << actual;
    }
  }
  EXPECT_EQ(failures, 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%zu documents, %zu top-level blocks, %zu fenced (%.0f%% readable), %.2f s\n", corpus.size(),
      stats.blocks, stats.fenced,
      100.0 * static_cast<double>(stats.blocks - stats.fenced) / static_cast<double>(stats.blocks),
      seconds);
}

// For stored wiki W: the markdown pulled from it, sent back as wiki, has W's content.
TEST(LosslessProperty, WikiRoundTripIsExact) {
  auto start = std::chrono::steady_clock::now();
  int failures = 0;
  Stats stats;
  std::vector<json> corpus = testing::generate_adf_corpus(202, kWikiPropertyDocs);
  for (const json& source : corpus) {
    std::string wiki = adf_to_wiki(source);
    json stored = wiki_to_adf(wiki);
    std::string markdown = lossless(stored);
    count_blocks(stored, markdown, stats);
    std::string sent = markdown_to_wiki(markdown);
    std::string expected = canonical_text_of_wiki(wiki);
    std::string actual = canonical_text_of_wiki(sent);
    if (actual != expected && ++failures <= 3) {
      ADD_FAILURE() << "not exact:\n--- wiki\n"
                    << wiki << "--- markdown\n"
                    << markdown << "--- sent\n"
                    << sent << "--- expected\n"
                    << expected << "\n--- read back\n"
                    << actual;
    }
    if (failures == 0 && source.dump().size() % 8 == 0) {
      EXPECT_TRUE(same_wiki_content(wiki, markdown)) << wiki;
    }
  }
  EXPECT_EQ(failures, 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%zu wiki documents, %zu top-level blocks, %zu fenced (%.0f%% readable), %.2f s\n",
      corpus.size(), stats.blocks, stats.fenced,
      100.0 * static_cast<double>(stats.blocks - stats.fenced) / static_cast<double>(stats.blocks),
      seconds);
}

// Whatever markdown itself wrote needs no fence: the lossless form of what markdown_to_adf
// produces is plain markdown.
TEST(LosslessProperty, MarkdownContentNeedsNoFence) {
  int failures = 0;
  for (const std::string& markdown :
       testing::generate_markdown_corpus(23, 1000 / RICHTEXT_CORPUS_DIVISOR)) {
    json document = markdown_to_adf(markdown);
    std::string written = lossless(document);
    if (count(written, "```adf") != 0 && ++failures <= 3) {
      ADD_FAILURE() << "fenced:\n--- source\n" << markdown << "--- written\n" << written;
    }
    EXPECT_EQ(canonical_text_of_markdown(written), canonical_text(document)) << markdown;
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace lossless_test
}  // namespace epicsync::richtext

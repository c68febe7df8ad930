#include <gtest/gtest.h>

#include <algorithm>

#include "richtext/adf.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"
#include "test_helpers.h"

namespace epicsync::richtext {
namespace {

using testing::parse;

// What Jira Cloud typically returns for a document we sent: localIds replaced, table attributes
// and defaults added, marks reordered, texts split, an empty paragraph appended.
nlohmann::json as_jira_returns(nlohmann::json node) {
  if (node.is_object()) {
    std::string type = node.value("type", "");
    if (node.contains("attrs") && node["attrs"].contains("localId")) {
      node["attrs"]["localId"] = "0f3c2a9e-" + type;
    }
    if (type == "table") {
      node["attrs"] = {{"isNumberColumnEnabled", false},
                       {"layout", "default"},
                       {"localId", "abc"},
                       {"width", 760}};
    }
    if (type == "tableCell" || type == "tableHeader") {
      node["attrs"] = {{"colspan", 1}, {"rowspan", 1}, {"colwidth", {120}}};
    }
    if (type == "codeBlock" && !node.contains("attrs")) node["attrs"] = {{"language", ""}};
    if (node.contains("marks")) {
      nlohmann::json& marks = node["marks"];
      std::reverse(marks.begin(), marks.end());
    }
    if (type == "text" && node["text"].get<std::string>().size() > 3 && !node.contains("marks")) {
      std::string text = node["text"];
      nlohmann::json split = nlohmann::json::array({{{"type", "text"}, {"text", text.substr(0, 2)}},
                                                    {{"type", "text"}, {"text", text.substr(2)}}});
      return split;
    }
    if (node.contains("content") && node["content"].is_array()) {
      nlohmann::json content = nlohmann::json::array();
      for (const nlohmann::json& child : node["content"]) {
        nlohmann::json converted = as_jira_returns(child);
        if (converted.is_array()) {
          for (auto& part : converted) content.push_back(part);
        } else {
          content.push_back(converted);
        }
      }
      if (type == "doc")
        content.push_back({{"type", "paragraph"}, {"content", nlohmann::json::array()}});
      node["content"] = content;
    }
  }
  return node;
}

constexpr const char* kStory =
    "**As a** shopper\n\n- [x] Email only\n- [ ] Confirmation\n  - [ ] nested\n\n"
    "| Field | Value |\n|---|---|\n| **SP** | `3` |\n\n```cpp\nint x;\n```\n\n"
    "> quote with [link](https://e.com)\n";

TEST(Normalize, JiraAddedAttributesCompareEqual) {
  nlohmann::json sent = markdown_to_adf(kStory);
  nlohmann::json stored = as_jira_returns(sent);
  ASSERT_NE(sent, stored);
  EXPECT_TRUE(same_adf_content(sent, stored));
  EXPECT_EQ(canonical_text(sent), canonical_text(stored));
  EXPECT_EQ(canonical_text_of_markdown(kStory), canonical_text(stored));
}

TEST(Normalize, CanonicalFormIsIdempotent) {
  nlohmann::json canonical = canonical_adf(markdown_to_adf(kStory));
  EXPECT_EQ(canonical_adf(canonical), canonical);
}

TEST(Normalize, TextChangeIsDifferent) {
  EXPECT_FALSE(same_adf_content(markdown_to_adf("hello"), markdown_to_adf("hello!")));
}

TEST(Normalize, CheckedStateIsDifferent) {
  EXPECT_FALSE(same_adf_content(markdown_to_adf("- [ ] a"), markdown_to_adf("- [x] a")));
}

TEST(Normalize, StructureIsDifferent) {
  EXPECT_FALSE(same_adf_content(markdown_to_adf("- a"), markdown_to_adf("1. a")));
  EXPECT_FALSE(same_adf_content(markdown_to_adf("# a"), markdown_to_adf("## a")));
  EXPECT_FALSE(same_adf_content(markdown_to_adf("a\n\nb"), markdown_to_adf("a\\\nb")));
  EXPECT_FALSE(same_adf_content(markdown_to_adf("- a\n  - b"), markdown_to_adf("- a\n- b")));
  EXPECT_FALSE(same_adf_content(markdown_to_adf("```\nx\n```"), markdown_to_adf("```go\nx\n```")));
}

TEST(Normalize, LinkTargetIsDifferent) {
  EXPECT_FALSE(same_adf_content(markdown_to_adf("[a](https://a.example)"),
                                markdown_to_adf("[a](https://b.example)")));
}

TEST(Normalize, MarksAreContent) {
  EXPECT_FALSE(same_adf_content(markdown_to_adf("**a**"), markdown_to_adf("*a*")));
  EXPECT_FALSE(same_adf_content(markdown_to_adf("a"), markdown_to_adf("`a`")));
}

TEST(Normalize, MarkOrderAndSplitTextDoNotMatter) {
  nlohmann::json a = testing::doc(parse(R"([{"type":"paragraph","content":[
      {"type":"text","text":"ab","marks":[{"type":"strong"},{"type":"em"}]}]}])"));
  nlohmann::json b = testing::doc(parse(R"([{"type":"paragraph","content":[
      {"type":"text","text":"a","marks":[{"type":"em"},{"type":"strong"}]},
      {"type":"text","text":"b","marks":[{"type":"strong"},{"type":"em"}],"extra":null}]}])"));
  b["content"][0]["content"][1].erase("extra");
  EXPECT_TRUE(same_adf_content(a, b));
}

TEST(Normalize, InvisibleWhitespaceAndEmptyParagraphsDoNotMatter) {
  nlohmann::json a = testing::doc(parse(R"([{"type":"paragraph","content":[
      {"type":"text","text":"a "},{"type":"text","text":"b","marks":[{"type":"strong"}]}]}])"));
  nlohmann::json b = testing::doc(parse(R"([{"type":"paragraph","content":[]},
      {"type":"paragraph","content":[{"type":"text","text":" a"},
      {"type":"text","text":" b ","marks":[{"type":"strong"}]},{"type":"hardBreak"}]}])"));
  EXPECT_TRUE(same_adf_content(a, b));
}

TEST(Normalize, OrderedListDefaultStart) {
  nlohmann::json a = markdown_to_adf("1. a");
  nlohmann::json b = a;
  b["content"][0]["attrs"] = {{"order", 1}};
  EXPECT_TRUE(same_adf_content(a, b));
  b["content"][0]["attrs"] = {{"order", 2}};
  EXPECT_FALSE(same_adf_content(a, b));
}

TEST(Normalize, MalformedInputDoesNotThrow) {
  EXPECT_NO_THROW(canonical_text(nlohmann::json()));
  EXPECT_NO_THROW(canonical_text(parse(R"({"content":[1,"x",{"content":{}}]})")));
}

TEST(Normalize, WikiComparison) {
  std::string wiki = markdown_to_wiki(kStory);
  EXPECT_TRUE(same_wiki_content(wiki, kStory));
  // Jira Data Center may hand the text back with Windows line endings.
  std::string crlf;
  for (char c : wiki) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_TRUE(same_wiki_content(crlf, kStory));
  EXPECT_FALSE(same_wiki_content(markdown_to_wiki("- [x] a"), "- [ ] a"));
  EXPECT_EQ(canonical_text_of_wiki("h1. T\n\n* a"), canonical_text_of_markdown("# T\n\n- a"));
}

}  // namespace
}  // namespace epicsync::richtext

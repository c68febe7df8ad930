// libFuzzer target for the rich-text converters: arbitrary bytes are read as markdown and as
// wiki markup, converted every way, and every ADF document produced must pass a cheap
// structural check (the rules the ADF schema enforces that a converter bug would break). The
// lossless markdown of every document must read back with the same canonical form.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"

namespace {

using nlohmann::json;

[[noreturn]] void fail(const char* what, const json& node) {
  std::fprintf(stderr, "ADF invariant violated: %s\n%s\n", what,
               node.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 2000).c_str());
  std::abort();
}

bool is_inline(const std::string& type) {
  return type == "text" || type == "hardBreak" || type == "mention";
}

void check_block(const json& node, const std::set<std::string>& allowed);

void check_inline_content(const json& node) {
  if (!node.contains("content")) return;
  for (const json& child : node["content"]) {
    std::string type = child.value("type", "");
    if (!is_inline(type)) fail("block inside inline content", node);
    if (type == "mention" && !(child.contains("attrs") && child["attrs"].contains("id") &&
                               child["attrs"]["id"].is_string())) {
      fail("mention without id", child);
    }
    if (type == "text") {
      if (!child.contains("text") || !child["text"].is_string() ||
          child["text"].get<std::string>().empty()) {
        fail("empty text node", node);
      }
      bool code = false;
      bool other = false;
      for (const json& mark : child.value("marks", json::array())) {
        std::string mark_type = mark.value("type", "");
        if (mark_type == "code") code = true;
        if (mark_type != "code" && mark_type != "link") other = true;
        if (mark_type == "link" && !mark["attrs"]["href"].is_string())
          fail("link without href", child);
      }
      if (code && other) fail("code mark combined with a formatting mark", child);
    }
  }
}

void check_children(const json& node, const std::set<std::string>& allowed, bool non_empty) {
  if (!node.contains("content") || !node["content"].is_array()) fail("missing content", node);
  if (non_empty && node["content"].empty()) fail("empty content", node);
  for (const json& child : node["content"]) check_block(child, allowed);
}

const std::set<std::string> kTop = {"paragraph", "heading",   "bulletList", "orderedList",
                                    "taskList",  "codeBlock", "blockquote", "rule",
                                    "table",     "panel"};
const std::set<std::string> kInPanel = {"paragraph", "heading",   "bulletList", "orderedList",
                                        "taskList",  "codeBlock", "rule"};
const std::set<std::string> kPanelTypes = {"info", "note", "tip", "warning", "error", "success"};
const std::set<std::string> kInItem = {"paragraph", "bulletList", "orderedList", "taskList",
                                       "codeBlock"};
const std::set<std::string> kInQuote = {"paragraph", "bulletList", "orderedList", "codeBlock"};

void check_block(const json& node, const std::set<std::string>& allowed) {
  std::string type = node.value("type", "");
  if (allowed.count(type) == 0) fail("node not allowed here", node);
  if (type == "paragraph") {
    check_inline_content(node);
  } else if (type == "heading") {
    int level = node["attrs"].value("level", 0);
    if (level < 1 || level > 6) fail("heading level", node);
    check_inline_content(node);
  } else if (type == "bulletList" || type == "orderedList") {
    check_children(node, {"listItem"}, true);
  } else if (type == "listItem") {
    check_children(node, kInItem, true);
    std::string first = node["content"][0].value("type", "");
    if (first != "paragraph" && first != "codeBlock") fail("list item must start with text", node);
  } else if (type == "taskList") {
    if (!node["attrs"]["localId"].is_string()) fail("taskList without localId", node);
    check_children(node, {"taskItem", "taskList"}, true);
    if (node["content"][0].value("type", "") != "taskItem") fail("taskList starts nested", node);
  } else if (type == "taskItem") {
    const json& attrs = node["attrs"];
    if (!attrs["localId"].is_string()) fail("taskItem without localId", node);
    if (attrs["state"] != "TODO" && attrs["state"] != "DONE") fail("taskItem state", node);
    check_inline_content(node);
  } else if (type == "codeBlock") {
    for (const json& child : node.value("content", json::array())) {
      if (child.value("type", "") != "text" || child.contains("marks") ||
          child.value("text", "").empty()) {
        fail("code block content", node);
      }
    }
  } else if (type == "blockquote") {
    check_children(node, kInQuote, true);
  } else if (type == "panel") {
    if (!node.contains("attrs") || kPanelTypes.count(node["attrs"].value("panelType", "")) == 0) {
      fail("panel type", node);
    }
    check_children(node, kInPanel, true);
  } else if (type == "table") {
    check_children(node, {"tableRow"}, true);
  } else if (type == "tableRow") {
    check_children(node, {"tableCell", "tableHeader"}, false);
  } else if (type == "tableCell" || type == "tableHeader") {
    check_children(node, {"paragraph"}, true);
  }
}

void check_doc(const json& doc) {
  if (doc.value("type", "") != "doc" || doc.value("version", 0) != 1) fail("not a doc", doc);
  check_children(doc, kTop, false);
  // Serialising must never throw (invalid UTF-8 would).
  (void)doc.dump();
}

void check_lossless(const json& doc) {
  epicsync::richtext::AdfToMarkdownOptions options;
  options.lossless = true;
  std::string markdown = epicsync::richtext::adf_to_markdown(doc, options);
  if (epicsync::richtext::canonical_text_of_markdown(markdown) !=
      epicsync::richtext::canonical_text(doc)) {
    fail("lossless markdown does not read back", doc);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 32 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace epicsync::richtext;

  // An `adf` fence is taken as the node it holds, whatever that is: the structural check only
  // applies to documents that cannot hold one.
  bool may_hold_fenced_nodes = input.find("adf") != std::string_view::npos;
  json doc = markdown_to_adf(input);
  if (!may_hold_fenced_nodes) check_doc(doc);
  if (markdown_to_adf(input) != doc) fail("conversion is not deterministic", doc);
  std::string markdown = adf_to_markdown(doc);
  if (!may_hold_fenced_nodes) check_doc(markdown_to_adf(markdown));
  (void)canonical_text(doc);
  // The lossless check reads every block back; on large inputs it would take most of the time.
  bool check_round_trip = size <= 2048;
  if (check_round_trip) check_lossless(doc);

  std::string wiki = adf_to_wiki(doc);
  check_doc(wiki_to_adf(wiki));

  json from_wiki = wiki_to_adf(input);
  check_doc(from_wiki);
  (void)adf_to_markdown(from_wiki);
  if (check_round_trip) check_lossless(from_wiki);
  (void)canonical_text(from_wiki);
  return 0;
}

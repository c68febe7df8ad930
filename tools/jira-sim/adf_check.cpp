#include "adf_check.h"

#include <set>

namespace jira_sim {
namespace {

const std::set<std::string>& known_types() {
  static const std::set<std::string> types = {
      "blockCard",    "blockquote",      "bodiedExtension", "bulletList",    "codeBlock",
      "date",         "decisionItem",    "decisionList",    "doc",           "embedCard",
      "emoji",        "expand",          "extension",       "hardBreak",     "heading",
      "inlineCard",   "inlineExtension", "layoutColumn",    "layoutSection", "listItem",
      "media",        "mediaGroup",      "mediaInline",     "mediaSingle",   "mention",
      "nestedExpand", "orderedList",     "panel",           "paragraph",     "placeholder",
      "rule",         "status",          "table",           "tableCell",     "tableHeader",
      "tableRow",     "taskItem",        "taskList",        "text"};
  return types;
}

std::optional<std::string> node_problem(const nlohmann::json& node, const std::string& where) {
  if (!node.is_object()) return where + " is not an object";
  if (!node.contains("type") || !node["type"].is_string()) return where + " has no type";
  const std::string type = node["type"].get<std::string>();
  if (!known_types().count(type)) return where + " has unknown type '" + type + "'";
  if (type == "doc") return where + " nests a doc node";
  if (type == "text") {
    if (!node.contains("text") || !node["text"].is_string() ||
        node["text"].get<std::string>().empty()) {
      return where + " is a text node without text";
    }
  }
  if (node.contains("marks")) {
    if (!node["marks"].is_array()) return where + " has marks that are not an array";
    for (const auto& m : node["marks"]) {
      if (!m.is_object() || !m.contains("type") || !m["type"].is_string()) {
        return where + " has a mark without a type";
      }
    }
  }
  if (node.contains("content")) {
    if (!node["content"].is_array()) return where + " has content that is not an array";
    size_t i = 0;
    for (const auto& child : node["content"]) {
      if (auto p = node_problem(child, where + ".content[" + std::to_string(i++) + "]")) return p;
    }
  }
  return std::nullopt;
}

void collect_text(const nlohmann::json& node, std::string& out) {
  if (!node.is_object()) return;
  const std::string type = node.value("type", std::string());
  if (type == "text") out += node.value("text", std::string());
  if (type == "hardBreak") out += "\n";
  if (node.contains("content") && node["content"].is_array()) {
    bool block_children = type == "doc" || type == "bulletList" || type == "orderedList" ||
                          type == "listItem" || type == "blockquote" || type == "panel";
    bool first = true;
    for (const auto& c : node["content"]) {
      if (block_children && !first) out += "\n";
      first = false;
      collect_text(c, out);
    }
  }
}

}  // namespace

std::optional<std::string> adf_problem(const nlohmann::json& value) {
  if (!value.is_object()) return "the value is not an ADF document object";
  if (value.value("type", std::string()) != "doc") return "the top-level node is not a doc";
  if (!value.contains("version") || !value["version"].is_number_integer() ||
      value["version"].get<int>() != 1) {
    return "the doc has no version 1";
  }
  if (!value.contains("content") || !value["content"].is_array()) {
    return "the doc has no content array";
  }
  size_t i = 0;
  for (const auto& child : value["content"]) {
    if (auto p = node_problem(child, "content[" + std::to_string(i++) + "]")) return p;
  }
  return std::nullopt;
}

std::string adf_to_text(const nlohmann::json& doc) {
  std::string out;
  collect_text(doc, out);
  return out;
}

nlohmann::json text_to_adf(const std::string& text) {
  nlohmann::json content = nlohmann::json::array();
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    nlohmann::json para = {{"type", "paragraph"}, {"content", nlohmann::json::array()}};
    if (!line.empty()) para["content"].push_back({{"type", "text"}, {"text", line}});
    content.push_back(para);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return {{"type", "doc"}, {"version", 1}, {"content", content}};
}

}  // namespace jira_sim

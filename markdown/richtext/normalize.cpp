#include "richtext/normalize.h"

#include <string>
#include <string_view>

#include "richtext/adf.h"
#include "richtext/adf_nodes.h"
#include "richtext/wiki.h"

namespace epicsync::richtext {

namespace {

using adf::json;

bool is_inline_type(std::string_view type) {
  return type == "text" || type == "hardBreak" || type == "emoji" || type == "mention" ||
         type == "inlineCard" || type == "status" || type == "date" || type == "placeholder" ||
         type == "mediaInline" || type == "inlineExtension";
}

// Attributes that carry content, per node type; everything else (localId, uniqueId, layout,
// widths, defaults) is presentation or bookkeeping the tracker may add or change.
json canonical_attrs(std::string_view type, const json& attrs) {
  json out = json::object();
  if (!attrs.is_object()) return out;
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    const std::string& key = it.key();
    const json& value = it.value();
    if (key == "localId" || key == "uniqueId" || value.is_null()) continue;
    if (type == "hardBreak") continue;
    if (type == "table") {
      bool meaningful = (key == "isNumberColumnEnabled" && value == true) ||
                        (key == "layout" && value != "default" && value != "center") ||
                        (key == "displayMode" && value != "default");
      if (!meaningful) continue;
    }
    if (type == "tableCell" || type == "tableHeader") {
      if (key == "colwidth") continue;
      if ((key == "colspan" || key == "rowspan") && value == 1) continue;
    }
    if (type == "orderedList" && key == "order" && value == 1) continue;
    // Jira fills these in from the user's account; the id says who is mentioned.
    if (type == "mention" && (key == "accessLevel" || key == "userType")) continue;
    if (type == "codeBlock" &&
        ((key == "language" && value == "") || key == "wrap" || key == "hideLineNumbers")) {
      continue;
    }
    out[key] = value;
  }
  return out;
}

json canonical_mark(const json& mark) {
  json out{{"type", std::string(adf::type_of(mark))}};
  if (adf::type_of(mark) == "link") {
    out["attrs"] = {{"href", adf::string_attr(mark, "href")}};
  } else {
    json attrs = canonical_attrs(adf::type_of(mark), adf::attrs_of(mark));
    if (!attrs.empty()) out["attrs"] = std::move(attrs);
  }
  return out;
}

json canonical_node(const json& node);

json canonical_content(std::string_view parent_type, const json& content) {
  json out = json::array();
  bool has_inline = false;
  for (const json& child : content) {
    if (!child.is_object()) continue;
    if (is_inline_type(adf::type_of(child))) has_inline = true;
    json canonical = canonical_node(child);
    // Empty paragraphs are spacing, not content.
    if (adf::type_of(canonical) == "paragraph" && adf::content_of(canonical).empty()) continue;
    // Two bullet or task lists in a row read as one list; markdown cannot even keep nested ones
    // apart.
    std::string_view type = adf::type_of(canonical);
    if ((type == "taskList" || type == "bulletList") && !out.empty() &&
        adf::type_of(out.back()) == type && !canonical.contains("attrs") &&
        !out.back().contains("attrs")) {
      for (const json& item : adf::content_of(canonical)) out.back()["content"].push_back(item);
      continue;
    }
    out.push_back(std::move(canonical));
  }
  if (parent_type == "codeBlock") {
    std::string text;
    for (const json& child : out) text += adf::text_of(child);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    json merged = json::array();
    if (!text.empty()) merged.push_back(json{{"type", "text"}, {"text", text}});
    return merged;
  }
  if (has_inline) out = adf::trim_line_edges(adf::tidy_inline(std::move(out)));
  return out;
}

json canonical_node(const json& node) {
  std::string_view type = adf::type_of(node);
  json out = json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it.key();
    if (key == "attrs") {
      json attrs = canonical_attrs(type, it.value());
      if (!attrs.empty()) out["attrs"] = std::move(attrs);
    } else if (key == "marks") {
      if (!it.value().is_array()) continue;
      json marks = json::array();
      for (const json& mark : it.value()) marks.push_back(canonical_mark(mark));
      marks = adf::sorted_marks(marks);
      if (!marks.empty()) out["marks"] = std::move(marks);
    } else if (key == "content") {
      out["content"] = canonical_content(type, it.value());
    } else {
      out[key] = it.value();
    }
  }
  if (type != "text" && !is_inline_type(type) && !out.contains("content") && type != "rule") {
    out["content"] = json::array();
  }
  return out;
}

}  // namespace

json canonical_adf(const json& doc) {
  if (!doc.is_object()) return json{{"type", "doc"}, {"version", 1}, {"content", json::array()}};
  json out = canonical_node(doc);
  out["type"] = "doc";
  out["version"] = 1;
  return out;
}

std::string canonical_text(const json& doc) {
  // Replacing invalid UTF-8 instead of throwing keeps the comparison total.
  return canonical_adf(doc).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string canonical_text_of_markdown(std::string_view markdown) {
  return canonical_text(markdown_to_adf(markdown));
}

std::string canonical_text_of_wiki(std::string_view wiki) {
  return canonical_text(wiki_to_adf(wiki));
}

bool same_adf_content(const json& a, const json& b) {
  return canonical_adf(a) == canonical_adf(b);
}

bool same_wiki_content(std::string_view stored_wiki, std::string_view markdown) {
  return canonical_text_of_wiki(stored_wiki) == canonical_text_of_wiki(markdown_to_wiki(markdown));
}

}  // namespace epicsync::richtext

#include "pull/pull_text.h"

#include <set>
#include <vector>

#include "richtext/adf_to_markdown.h"
#include "richtext/wiki.h"
#include "sync/rich_text_ops.h"

namespace epicsync::pull {

TextWriter text_writer() {
  TextWriter w;
  w.markdown = [](const tracker::RichText& t,
                  const std::function<bool(const nlohmann::json&)>& fence, bool fence_all,
                  int section_level) {
    nlohmann::json doc;
    switch (t.format) {
      case tracker::RichText::Format::kEmpty:
        return std::string();
      case tracker::RichText::Format::kAdf:
        doc = nlohmann::json::parse(t.raw, nullptr, false);
        // Not JSON: nothing a sync could compare either; kept as the text it is.
        if (doc.is_discarded()) return t.raw;
        break;
      case tracker::RichText::Format::kWiki:
        doc = richtext::wiki_to_adf(t.raw);
        break;
    }
    // Which top-level blocks are fenced is decided on the text as the tracker holds it; then the
    // level-3 headings left are moved to the section level, and the fenced blocks are known by
    // their place in the document.
    std::set<const nlohmann::json*> fenced;
    if (auto content = doc.find("content"); content != doc.end() && content->is_array()) {
      std::vector<bool> keep_as_is;
      for (const auto& node : *content) keep_as_is.push_back(fence_all || (fence && fence(node)));
      for (size_t i = 0; i < content->size(); ++i) {
        auto& node = (*content)[i];
        if (keep_as_is[i]) {
          fenced.insert(&node);
        } else if (section_level != 3 && node.is_object() && node.value("type", "") == "heading" &&
                   node.contains("attrs") && node["attrs"].is_object() &&
                   node["attrs"].value("level", 0) == 3) {
          node["attrs"]["level"] = section_level;
        }
      }
    }
    richtext::AdfToMarkdownOptions options;
    options.lossless = true;
    options.fence_top_level = [&fenced](const nlohmann::json& node) {
      return fenced.count(&node) > 0;
    };
    return richtext::adf_to_markdown(doc, options);
  };
  w.same = sync::rich_text_ops().same;
  return w;
}

}  // namespace epicsync::pull

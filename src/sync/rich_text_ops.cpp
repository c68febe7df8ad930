#include "sync/rich_text_ops.h"

#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"
#include "richtext/wiki_to_markdown.h"

namespace epicsync::sync {

plan::RichTextOps rich_text_ops() {
  plan::RichTextOps ops;
  ops.same = [](const tracker::RichText& t, const std::string& markdown) {
    switch (t.format) {
      case tracker::RichText::Format::kEmpty:
        return richtext::canonical_text_of_markdown(markdown) ==
               richtext::canonical_text_of_markdown("");
      case tracker::RichText::Format::kAdf: {
        auto doc = nlohmann::json::parse(t.raw, nullptr, false);
        return !doc.is_discarded() &&
               richtext::canonical_text(doc) == richtext::canonical_text_of_markdown(markdown);
      }
      case tracker::RichText::Format::kWiki:
        return richtext::same_wiki_content(t.raw, markdown);
    }
    return false;
  };
  ops.to_markdown = [](const tracker::RichText& t) -> std::string {
    switch (t.format) {
      case tracker::RichText::Format::kEmpty:
        return {};
      case tracker::RichText::Format::kAdf: {
        auto doc = nlohmann::json::parse(t.raw, nullptr, false);
        return doc.is_discarded() ? t.raw : richtext::adf_to_markdown(doc);
      }
      case tracker::RichText::Format::kWiki:
        return richtext::wiki_to_markdown(t.raw);
    }
    return {};
  };
  ops.render_markdown = [](const std::string& markdown) {
    return richtext::adf_to_markdown(richtext::markdown_to_adf(markdown));
  };
  ops.fingerprint = [](const tracker::RichText& t) -> std::string {
    switch (t.format) {
      case tracker::RichText::Format::kEmpty:
        return plan::content_hash(richtext::canonical_text_of_markdown(""));
      case tracker::RichText::Format::kAdf: {
        auto doc = nlohmann::json::parse(t.raw, nullptr, false);
        return plan::content_hash(doc.is_discarded() ? t.raw : richtext::canonical_text(doc));
      }
      case tracker::RichText::Format::kWiki:
        return plan::content_hash(richtext::canonical_text_of_wiki(t.raw));
    }
    return {};
  };
  ops.fingerprint_markdown = [](const std::string& markdown, bool wiki) {
    return plan::content_hash(
        wiki ? richtext::canonical_text_of_wiki(richtext::markdown_to_wiki(markdown))
             : richtext::canonical_text_of_markdown(markdown));
  };
  return ops;
}

}  // namespace epicsync::sync

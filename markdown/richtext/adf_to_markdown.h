#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace epicsync::richtext {

// Markdown for an ADF document, for showing a person what the tracker holds. Reading the result
// back with markdown_to_adf gives the same canonical form for everything markdown_to_adf
// produces. Nodes that markdown cannot express (mentions, media, panels, ...) become readable
// text; malformed input never throws, it is rendered as far as it makes sense.
std::string adf_to_markdown(const nlohmann::json& doc);

struct AdfToMarkdownOptions {
  // Markdown that reads back exactly: canonical_text(markdown_to_adf(result)) ==
  // canonical_text(doc) for every document the tracker can hold. Mentions and panels get
  // readable forms ([@Name](mention:ID), "> [!INFO]" quotes); a top-level block that markdown
  // cannot express exactly is written as a fenced code block with the info string `adf` holding
  // its JSON (docs/rich-text.md, "Lossless markdown").
  bool lossless = false;
  // When set and true for a top-level block node of the document, that node is written as an
  // `adf` fence whatever it holds (for blocks that would clash with the file around the text).
  std::function<bool(const nlohmann::json& node)> fence_top_level;
};

// adf_to_markdown with options; with default options it is the one-argument function.
std::string adf_to_markdown(const nlohmann::json& doc, const AdfToMarkdownOptions& options);

}  // namespace epicsync::richtext

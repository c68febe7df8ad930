#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace epicsync::richtext {

// Converts CommonMark + GFM (tables, task lists, strikethrough, autolinks) to an Atlassian
// Document Format `doc` node that validates against the ADF schema. Total: every input,
// including invalid UTF-8 (replaced by U+FFFD), gives a document; the same input always gives
// the same document, byte for byte (task localIds are derived from position).
// Constructs ADF cannot hold where they appear are rewritten, never dropped; docs/rich-text.md
// lists the rewrites. It also reads the lossless forms adf_to_markdown writes: mention links
// [@Name](mention:ID), GitHub alerts "> [!INFO]" as panels, and ```adf fences holding a block
// node's JSON, which is taken verbatim (valid as far as that JSON is).
nlohmann::json markdown_to_adf(std::string_view markdown);

}  // namespace epicsync::richtext

#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace epicsync::richtext {

// Markdown for an ADF document, for showing a person what the tracker holds. Reading the result
// back with markdown_to_adf gives the same canonical form for everything markdown_to_adf
// produces. Nodes that markdown cannot express (mentions, media, panels, ...) become readable
// text; malformed input never throws, it is rendered as far as it makes sense.
std::string adf_to_markdown(const nlohmann::json& doc);

}  // namespace epicsync::richtext

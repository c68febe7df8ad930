#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "richtext/adf.h"

namespace epicsync::richtext::testing {

// The block content of the document converted from `markdown`.
inline nlohmann::json blocks(std::string_view markdown) {
  return markdown_to_adf(markdown)["content"];
}

inline nlohmann::json parse(std::string_view text) {
  return nlohmann::json::parse(text);
}

inline nlohmann::json doc(nlohmann::json content) {
  return nlohmann::json{{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
}

}  // namespace epicsync::richtext::testing

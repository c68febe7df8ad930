#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace jira_sim {

// Why a value is not an Atlassian Document Format document, or nullopt when it is one. The check
// is structural (doc/version/content, known node types, text nodes carry text), which is what a
// client gets wrong in practice.
std::optional<std::string> adf_problem(const nlohmann::json& value);

// Cross-version views of one stored body: v2 reads of an ADF body get its text, v3 reads of a
// string body get the text wrapped in paragraphs, as Jira's own converters roughly do.
std::string adf_to_text(const nlohmann::json& doc);
nlohmann::json text_to_adf(const std::string& text);

}  // namespace jira_sim

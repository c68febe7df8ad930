#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace epicsync::richtext {

// Jira Data Center wiki markup for a markdown text (the same coverage as markdown_to_adf; the
// conversion goes through ADF so both trackers receive the same structure).
std::string markdown_to_wiki(std::string_view markdown);

// Wiki markup for an ADF document. Unknown or malformed nodes are rendered as their text.
std::string adf_to_wiki(const nlohmann::json& doc);

// Parses the wiki markup this module writes (and the common hand-written subset: h1.-h6.,
// effects, {{code}}, links, [~user] mentions, * # - lists, tables, {code}, {noformat}, {quote},
// {panel} and {info}/{note}/{warning}/{tip}, bq., ----) into an ADF document that validates
// against the schema. Total, like markdown_to_adf.
nlohmann::json wiki_to_adf(std::string_view wiki);

}  // namespace epicsync::richtext

#pragma once

#include <string>
#include <string_view>

namespace epicsync::richtext {

// Markdown for Jira wiki markup (wiki_to_adf followed by adf_to_markdown), for readable diffs
// against a Data Center description.
std::string wiki_to_markdown(std::string_view wiki);

}  // namespace epicsync::richtext

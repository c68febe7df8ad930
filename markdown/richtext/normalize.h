#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace epicsync::richtext {

// The canonical form of an ADF document: what is left when everything Jira may add or reorder
// without changing the content is removed (localIds, default attributes, mark order, split or
// empty text nodes, empty paragraphs, invisible whitespace). Two documents have the same
// content exactly when their canonical forms are equal. The rules are in docs/rich-text.md.
nlohmann::json canonical_adf(const nlohmann::json& doc);

// The canonical form serialised compactly; cheap to compare, hash or store.
std::string canonical_text(const nlohmann::json& doc);

// Canonical forms of the other two representations, comparable with canonical_text of ADF.
std::string canonical_text_of_markdown(std::string_view markdown);
std::string canonical_text_of_wiki(std::string_view wiki);

// True when the two ADF documents differ only in ways canonical_adf removes.
bool same_adf_content(const nlohmann::json& a, const nlohmann::json& b);

// True when the stored wiki text and the markdown we would send (rendered to wiki) have the
// same content.
bool same_wiki_content(std::string_view stored_wiki, std::string_view markdown);

}  // namespace epicsync::richtext

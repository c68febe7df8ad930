#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace epicsync::richtext::testing {

// Deterministic pseudo-random markdown documents that combine every construct the converters
// support, nested in the awkward ways real files nest them (task lists inside lists, lists and
// headings inside quotes, code inside links, tables with marks and empty cells, ...).
// The same seed always gives the same documents, on every platform.
std::vector<std::string> generate_markdown_corpus(std::uint64_t seed, int count);

// One document; `depth_budget` bounds the nesting.
std::string generate_markdown_document(std::uint64_t seed);

}  // namespace epicsync::richtext::testing

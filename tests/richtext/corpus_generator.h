#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace epicsync::richtext::testing {

// Deterministic pseudo-random markdown documents that combine every construct the converters
// support, nested in the awkward ways real files nest them (task lists inside lists, lists and
// headings inside quotes, code inside links, tables with marks and empty cells, ...).
// The same seed always gives the same documents, on every platform.
std::vector<std::string> generate_markdown_corpus(std::uint64_t seed, int count);

// One document; `depth_budget` bounds the nesting.
std::string generate_markdown_document(std::uint64_t seed);

// Deterministic pseudo-random ADF documents as Jira Cloud holds them, valid against the ADF
// schema: besides what markdown can express, mentions, emoji, status, dates, inline cards,
// panels, expands, media, underline / colour / sub- and superscript marks, tables with header
// cells, spans and widths, ordered lists with start numbers, code languages markdown cannot carry,
// headings and lists inside table cells, and text full of markdown and wiki syntax characters.
nlohmann::json generate_adf_document(std::uint64_t seed);
std::vector<nlohmann::json> generate_adf_corpus(std::uint64_t seed, int count);

}  // namespace epicsync::richtext::testing

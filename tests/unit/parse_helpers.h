#pragma once

#include <gtest/gtest.h>

#include <string>

#include "epic_parser.h"

namespace epicsync::testing {

inline markdown::ParseResult parse(const std::string& text, bool strict = false) {
  return markdown::parse_epic(text, {strict, {}, {}});
}

// The diagnostics as "line:col severity: message" lines, for readable assertions.
inline std::string diagnostics_text(const markdown::ParseResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) {
    out += std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " +
           (d.severity == model::Severity::kError ? "error" : "warning") + ": " + d.message + "\n";
  }
  return out;
}

inline int count_errors(const markdown::ParseResult& r) {
  int n = 0;
  for (const auto& d : r.diagnostics) n += d.severity == model::Severity::kError;
  return n;
}

inline int count_warnings(const markdown::ParseResult& r) {
  return static_cast<int>(r.diagnostics.size()) - count_errors(r);
}

}  // namespace epicsync::testing

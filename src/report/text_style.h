#pragma once

// Small text helpers shared by the reports a person reads (the plan, the backup diff), so both
// colour and count things the same way.

#include <sstream>
#include <string>

#include "plan/display_text.h"
#include "report/plan_render.h"

namespace epicsync::report {

using plan::plural;

// ANSI colour codes the reports use.
inline constexpr const char* kRed = "31";
inline constexpr const char* kGreen = "32";
inline constexpr const char* kBold = "1";
inline constexpr const char* kDim = "2";

inline std::string paint(const RenderStyle& s, const char* code, const std::string& text) {
  if (!s.color) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

// A unified diff, one line per line with `indent` before it: removals red, additions green,
// hunk headers and context dim.
inline void write_unified_diff(std::ostream& out, const std::string& diff,
                               const std::string& indent, const RenderStyle& s) {
  std::istringstream lines(diff);
  for (std::string line; std::getline(lines, line);) {
    const char* color = line.rfind("+", 0) == 0 ? kGreen : line.rfind("-", 0) == 0 ? kRed : kDim;
    out << indent << paint(s, color, line) << "\n";
  }
}

}  // namespace epicsync::report

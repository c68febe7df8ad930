#pragma once

#include <string>
#include <vector>

#include "model/source_pos.h"

namespace epicsync::model {

enum class Severity { kWarning, kError };

// One finding about an input file: where, a one-line reason, and a hint when one exists.
struct Diagnostic {
  Severity severity = Severity::kError;
  SourcePos pos;
  std::string message;
  std::string hint;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

inline bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace epicsync::model

#pragma once

#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/epic.h"

namespace epicsync::markdown {

struct ParseOptions {
  bool strict = false;  // warnings become errors
  // The epic's project (PROJ of PROJ-123), when known: a task item's trailing "(KEY)" pins it
  // only when KEY is of this project, so "Support (UTF-8)" stays a name. Empty: the project of
  // the file's Epic Key; with neither, any key.
  std::string project;
  // The names of the custom fields the configuration maps (jira.fields): a metadata row with one
  // of them sets that field, like Components or Due Date, instead of being an unknown field.
  std::vector<std::string> custom_fields;
};

struct ParseResult {
  model::Epic epic;
  std::vector<model::Diagnostic> diagnostics;  // in file order
  bool ok() const { return !model::has_errors(diagnostics); }
};

// Parses an epic markdown file's text (see docs/markdown-format.md). Never throws for bad input:
// every problem is a diagnostic with its position.
ParseResult parse_epic(std::string_view text, const ParseOptions& options = {});

}  // namespace epicsync::markdown

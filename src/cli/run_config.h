#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/options.h"
#include "config/config.h"
#include "error.h"
#include "model/diagnostic.h"

namespace epicsync::cli {

// The configuration a command runs with (flags over environment over files over defaults).
// Its warnings (unknown keys, a PAT ignored for Cloud credentials, half a credential pair) go
// to `err` on every run, since each one means a setting is not doing what its author meant;
// --quiet silences them. With --verbose the whole configuration is shown first.
Result<config::Config> load_run_config(const Options& o, std::ostream& err);

// A jira.fields name that is already one of the file's own fields (Status, Owner, Components…):
// kUsage naming the config file, since such a custom field could never be written.
std::optional<Error> check_field_names(const config::Config& c);

// The names jira.fields gives custom fields: what the markdown parser reads as fields.
std::vector<std::string> custom_field_names(const config::Config& c);

// The file's first error as the command's error (exit 6: the file, line and column, and where
// to see every problem); nullopt when the file has none.
std::optional<Error> invalid_markdown(const std::string& path,
                                      const std::vector<model::Diagnostic>& diagnostics);

// Says which credentials a 401 or 403 from the tracker refers to, by setting name and source,
// never by value: "the Cloud credentials JIRA_EMAIL and JIRA_API_TOKEN (from the environment)".
std::string credentials_hint(const config::Config& c);

}  // namespace epicsync::cli

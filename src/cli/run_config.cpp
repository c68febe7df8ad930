#include "cli/run_config.h"

#include "field_values.h"

namespace epicsync::cli {
namespace {

// "env" → "the environment"; ".env" and file names as they are.
std::string source_text(const config::Config& c, const std::string& key) {
  auto it = c.sources.find(key);
  if (it == c.sources.end()) return "";
  if (it->second == "env") return "the environment";
  return it->second;
}

// "JIRA_EMAIL (from .env)": one setting by its environment name and where its value came from.
std::string named(const config::Config& c, const std::string& key, const std::string& env_name) {
  const std::string from = source_text(c, key);
  if (from.empty() || from == "the environment" || from == ".env") {
    return env_name + (from.empty() ? "" : " (from " + from + ")");
  }
  return key + " (from " + from + ")";
}

}  // namespace

Result<config::Config> load_run_config(const Options& o, std::ostream& err) {
  auto cfg = config::load_config(config_overrides(o), config::Environment::real());
  if (!cfg) return cfg.error();
  if (auto bad = check_field_names(*cfg)) return *bad;
  if (o.verbose) err << "config:\n" << cfg->describe();
  if (!o.quiet) {
    for (const auto& w : cfg->warnings) err << "config: warning: " << w << "\n";
  }
  return cfg;
}

std::optional<Error> check_field_names(const config::Config& c) {
  for (const auto& [name, field] : c.fields) {
    // The file's own field names win in the parser: a custom field under one of them would never
    // be written, so it is refused rather than ignored.
    const std::string builtin = markdown::builtin_extra_field(name);
    if (markdown::field_kind(name) != markdown::FieldKind::kUnknown || !builtin.empty()) {
      return Error{ErrorKind::kUsage,
                   (c.config_file.empty() ? std::string() : c.config_file + ": ") +
                       "jira.fields: '" + name + "' is already a field of the file (" +
                       (builtin.empty() ? "see docs/markdown-format.md" : builtin) + ")",
                   "give the custom field another name, as the file should write it"};
    }
  }
  return std::nullopt;
}

std::vector<std::string> custom_field_names(const config::Config& c) {
  std::vector<std::string> names;
  for (const auto& [name, field] : c.fields) names.push_back(name);
  return names;
}

std::string credentials_hint(const config::Config& c) {
  switch (c.auth_mode()) {
    case config::AuthMode::kCloudToken:
      return "epicsync sent the Cloud credentials " + named(c, "jira.email", "JIRA_EMAIL") +
             " and " + named(c, "jira.api_token", "JIRA_API_TOKEN") +
             ": check that the token was made by that account (id.atlassian.com, Security, API "
             "tokens), has not expired or been revoked, and that the account may see the project";
    case config::AuthMode::kPat:
      return "epicsync sent the personal access token " + named(c, "jira.pat", "JIRA_PAT") +
             ": check that it has not expired or been revoked, and that its user may see the "
             "project";
    case config::AuthMode::kNone:
      break;
  }
  return "";
}

std::optional<Error> invalid_markdown(const std::string& path,
                                      const std::vector<model::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    if (d.severity != model::Severity::kError) continue;
    return Error{ErrorKind::kInvalidMarkdown,
                 path + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) +
                     ": " + d.message,
                 "run epicsync --validate --markdown " + path + " for every problem"};
  }
  return std::nullopt;
}

}  // namespace epicsync::cli

#include <array>

#include "config/config.h"
#include "config/dotenv.h"
#include "config/paths.h"
#include "config/yaml_settings.h"

namespace epicsync::config {
namespace {

// A string setting and every place it may come from, highest precedence first.
struct StringSetting {
  const char* key;
  const char* env_var;  // nullptr: not settable from the environment
  std::string Config::*field;
  const std::optional<std::string> Overrides::*flag;  // nullptr: no flag
};

const std::array<StringSetting, 8> kStringSettings = {{
    {"jira.url", "JIRA_URL", &Config::jira_url, &Overrides::jira_url},
    {"jira.email", "JIRA_EMAIL", &Config::email, nullptr},
    {"jira.api_token", "JIRA_API_TOKEN", &Config::api_token, nullptr},
    {"jira.pat", "JIRA_PAT", &Config::pat, nullptr},
    {"jira.project", "JIRA_PROJECT", &Config::project, &Overrides::project},
    {"jira.story_points_field", nullptr, &Config::story_points_field, nullptr},
    {"jira.prune", nullptr, &Config::prune, nullptr},
    {"backup.dir", "EPICSYNC_BACKUP_DIR", &Config::backup_dir, &Overrides::backup_dir},
}};

constexpr const char* kDefaultBackupDir = "~/.epicsync/backups";

struct FoundFile {
  std::string label;  // how describe() and warnings name it
  std::string path;
  std::string text;
};

// --config FILE must exist; otherwise the first of ./.epicsync.yaml and
// ~/.config/epicsync/config.yaml that exists, or none.
Result<std::optional<FoundFile>> find_config_file(const Overrides& o, const Environment& env) {
  if (o.config_file) {
    auto expanded = expand_home(*o.config_file, env.home);
    std::string path = absolute_from(expanded.value_or(*o.config_file), env.cwd);
    auto text = read_file_if_exists(path);
    if (!text) return text.error();
    if (!*text) {
      return Error{ErrorKind::kInputFile, "config file not found: " + path,
                   "check the path given to --config"};
    }
    return std::optional<FoundFile>(FoundFile{*o.config_file, path, std::move(**text)});
  }
  std::vector<std::pair<std::string, std::string>> candidates = {
      {"./.epicsync.yaml", absolute_from(".epicsync.yaml", env.cwd)}};
  if (!env.home.empty()) {
    candidates.emplace_back("~/.config/epicsync/config.yaml",
                            absolute_from(".config/epicsync/config.yaml", env.home));
  }
  for (auto& [label, path] : candidates) {
    auto text = read_file_if_exists(path);
    if (!text) return text.error();
    if (*text) return std::optional<FoundFile>(FoundFile{label, path, std::move(**text)});
  }
  return std::optional<FoundFile>();
}

void add_auth_warnings(Config& c) {
  bool email = !c.email.empty(), token = !c.api_token.empty(), pat = !c.pat.empty();
  if (email && token && pat) {
    c.warnings.push_back(
        "both Cloud credentials (email + API token) and a PAT are set; using the email and API "
        "token");
  } else if (email && !token) {
    c.warnings.push_back(pat ? "jira.email is set without jira.api_token; using the PAT"
                             : "jira.email is set without jira.api_token: Cloud needs both");
  } else if (token && !email && !pat) {
    c.warnings.push_back("jira.api_token is set without jira.email: Cloud needs both");
  }
}

Result<Config> load(const Overrides& o, const Environment& env) {
  Config c;
  auto file = find_config_file(o, env);
  if (!file) return file.error();
  FileSettings from_file;
  if (*file) {
    auto parsed = parse_config_yaml((*file)->text, (*file)->path);
    if (!parsed) return parsed.error();
    from_file = std::move(*parsed);
    c.config_file = (*file)->label;
  }

  std::map<std::string, std::string> dotenv;
  std::string dotenv_path = absolute_from(".env", env.cwd);
  auto dotenv_text = read_file_if_exists(dotenv_path);
  if (!dotenv_text) return dotenv_text.error();
  if (*dotenv_text) {
    auto parsed = parse_dotenv(**dotenv_text, dotenv_path);
    if (!parsed) return parsed.error();
    dotenv = std::move(*parsed);
  }

  // An empty value counts as not set at every level, so `JIRA_PAT=` cannot blank out a
  // credential from the config file by accident.
  for (const auto& s : kStringSettings) {
    auto take = [&](const std::optional<std::string>& v, const char* source) {
      if (!v || v->empty()) return false;
      c.*s.field = *v;
      c.sources[s.key] = source;
      return true;
    };
    if (s.flag && take(o.*s.flag, "flag")) continue;
    if (s.env_var && env.get && take(env.get(s.env_var), "env")) continue;
    if (s.env_var) {
      auto it = dotenv.find(s.env_var);
      if (it != dotenv.end() && take(it->second, ".env")) continue;
    }
    auto it = from_file.strings.find(s.key);
    if (it != from_file.strings.end()) take(it->second, c.config_file.c_str());
  }

  if (c.backup_dir.empty()) {
    c.backup_dir = kDefaultBackupDir;
    c.sources["backup.dir"] = "default";
  }
  auto expanded = expand_home(c.backup_dir, env.home);
  if (!expanded) {
    return Error{ErrorKind::kUsage,
                 "backup.dir (" + c.sources["backup.dir"] +
                     ") starts with ~ but the home directory is unknown",
                 "set HOME or give an absolute backup folder"};
  }
  c.backup_dir = absolute_from(*expanded, env.cwd);

  auto from_file_or_default = [&](const char* key, const auto& value, auto& field) {
    if (value) field = *value;
    c.sources[key] = value ? c.config_file : "default";
  };
  from_file_or_default("backup.keep_count", from_file.keep_count, c.keep_count);
  from_file_or_default("jira.concurrency", from_file.concurrency, c.concurrency);
  from_file_or_default("jira.search_wait", from_file.search_wait, c.search_wait);
  if (o.timeout) {
    c.timeout = *o.timeout;
    c.sources["jira.timeout"] = "flag";
  } else {
    from_file_or_default("jira.timeout", from_file.timeout, c.timeout);
  }
  from_file_or_default("jira.max_response_mb", from_file.max_response_mb, c.max_response_mb);
  from_file_or_default("jira.insecure", from_file.insecure, c.insecure);
  from_file_or_default("jira.notify", from_file.notify, c.notify);
  from_file_or_default("jira.bulk", from_file.bulk, c.bulk);
  if (from_file.status_map) {
    c.status_map = std::move(*from_file.status_map);
    c.sources["jira.status_map"] = c.config_file;
  }
  if (from_file.fields) {
    c.fields = std::move(*from_file.fields);
    c.sources["jira.fields"] = c.config_file;
  }

  c.warnings = std::move(from_file.warnings);
  add_auth_warnings(c);
  return c;
}

}  // namespace

Result<Config> load_config(const Overrides& overrides, const Environment& env) {
  try {
    return load(overrides, env);
  } catch (const std::exception&) {
    // Only allocation or a throwing env.get can land here; the message stays generic so that
    // nothing from the inputs (possibly a secret) is echoed.
    return Error{ErrorKind::kInternal, "unexpected failure while loading the configuration", ""};
  }
}

}  // namespace epicsync::config

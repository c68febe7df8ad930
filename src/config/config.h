#pragma once

// Configuration: command line, environment, .env and YAML config file, merged by precedence.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.h"

namespace epicsync::config {

// Accepted ranges of jira.timeout (seconds; also --timeout) and jira.max_response_mb.
inline constexpr int kMinTimeout = 1;
inline constexpr int kMaxTimeout = 600;
inline constexpr int kMinResponseMb = 1;
inline constexpr int kMaxResponseMb = 4096;

// What the command line says; the CLI fills these from --jira-url, --project, --config,
// --backup-dir and --timeout. Unset means "not given", so a lower layer may supply the value.
struct Overrides {
  std::optional<std::string> jira_url;
  std::optional<std::string> project;
  std::optional<std::string> config_file;
  std::optional<std::string> backup_dir;
  std::optional<int> timeout;  // seconds, already checked against kMinTimeout..kMaxTimeout
};

enum class AuthMode { kNone, kCloudToken, kPat };

// "none", "cloud token", "personal access token".
const char* auth_mode_name(AuthMode mode);

struct Config {
  std::string jira_url;
  std::string email;
  std::string api_token;  // secret
  std::string pat;        // secret
  std::string project;
  std::string story_points_field;
  std::string prune;  // what --prune does: "close" (also when empty) or "delete"
  // Meaning id (todo, in_progress, in_review, done, cancelled) → status names, in order of
  // preference. Empty: the planner's defaults.
  std::map<std::string, std::vector<std::string>> status_map;
  // jira.fields: custom fields the file may write, by the name it writes them under → a field
  // id (customfield_10040) or the field's name in Jira.
  std::vector<std::pair<std::string, std::string>> fields;
  int keep_count = 20;
  std::string backup_dir;  // absolute, ~ expanded
  bool insecure = false;
  // false: ask Jira not to e-mail watchers about epicsync's edits (notifyUsers=false).
  bool notify = true;
  // jira.bulk: Jira Cloud's bulk API for transitions, deletes and properties.
  bool bulk = true;
  int concurrency = 8;
  // Seconds to look for an issue whose create answer was lost before calling the outcome
  // unknown; also how old a pending create must be before a later run may create it again.
  int search_wait = 30;
  // Seconds one attempt of one request may take, connect included (the connect timeout is at
  // most this). All attempts and waits of a request together stay within the retry budget.
  int timeout = 30;
  // The largest answer body accepted, in MiB; a larger one stops the transfer.
  int max_response_mb = 64;

  // Where each setting came from, by config key ("jira.url" → "env", "flag", ".env",
  // "./.epicsync.yaml", "default", …). A key that is absent was not set anywhere.
  std::map<std::string, std::string> sources;
  // The config file that was read ("./.epicsync.yaml", "~/.config/epicsync/config.yaml", the
  // --config argument), or empty when there was none.
  std::string config_file;
  // Things worth telling the user that did not stop the load (unknown keys, incomplete auth).
  std::vector<std::string> warnings;

  // Cloud (email + API token) wins when complete; otherwise a PAT; otherwise none.
  AuthMode auth_mode() const;
  // Every setting with its value and source, one per line, secrets shown as ********.
  std::string describe() const;
};

// The outside world load_config may look at, passed in so tests never touch the real one.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> get;  // environment variable
  std::string cwd;   // the current directory: where .env and .epicsync.yaml are looked for
  std::string home;  // for ~ and ~/.config/epicsync/config.yaml; empty when unknown
  static Environment real();
};

// Errors: kInputFile when --config names a missing or unreadable file (or a found file cannot
// be read); kUsage for malformed .env or YAML and invalid values. Never throws.
Result<Config> load_config(const Overrides& overrides, const Environment& env);

}  // namespace epicsync::config

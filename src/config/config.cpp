#include "config/config.h"

#include <sstream>

namespace epicsync::config {

const char* auth_mode_name(AuthMode mode) {
  switch (mode) {
    case AuthMode::kNone:
      return "none";
    case AuthMode::kCloudToken:
      return "cloud token";
    case AuthMode::kPat:
      return "personal access token";
  }
  return "none";
}

AuthMode Config::auth_mode() const {
  // A complete Cloud pair wins: a PAT left over in the environment must not silently replace
  // credentials the user configured on purpose. The PAT is used only when there is no email.
  if (!email.empty() && !api_token.empty()) return AuthMode::kCloudToken;
  if (!pat.empty()) return AuthMode::kPat;
  return AuthMode::kNone;
}

namespace {

constexpr const char* kMask = "********";

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string Config::describe() const {
  std::ostringstream out;
  auto line = [&](const std::string& key, const std::string& value, bool secret) {
    auto src = sources.find(key);
    out << key << " = ";
    if (src == sources.end()) {
      out << "(not set)\n";
      return;
    }
    out << (secret ? kMask : value) << "  [" << src->second << "]\n";
  };
  out << "config file: " << (config_file.empty() ? "(none)" : config_file) << "\n";
  line("jira.url", jira_url, false);
  line("jira.email", email, false);
  line("jira.api_token", api_token, true);
  line("jira.pat", pat, true);
  line("jira.project", project, false);
  line("jira.story_points_field", story_points_field, false);
  line("jira.prune", prune.empty() ? "close" : prune, false);
  if (status_map.empty()) {
    out << "jira.status_map = (defaults)\n";
  } else {
    auto src = sources.find("jira.status_map");
    for (const auto& [meaning, names] : status_map) {
      out << "jira.status_map." << meaning << " = " << join(names) << "  ["
          << (src == sources.end() ? "?" : src->second) << "]\n";
    }
  }
  if (fields.empty()) {
    out << "jira.fields = (none)\n";
  } else {
    auto src = sources.find("jira.fields");
    for (const auto& [name, field] : fields) {
      out << "jira.fields." << name << " = " << field << "  ["
          << (src == sources.end() ? "?" : src->second) << "]\n";
    }
  }
  line("jira.insecure", insecure ? "true" : "false", false);
  line("jira.notify", notify ? "true" : "false", false);
  line("jira.bulk", bulk ? "true" : "false", false);
  line("jira.concurrency", std::to_string(concurrency), false);
  line("jira.search_wait", std::to_string(search_wait), false);
  line("jira.timeout", std::to_string(timeout), false);
  line("jira.max_response_mb", std::to_string(max_response_mb), false);
  line("backup.keep_count", std::to_string(keep_count), false);
  line("backup.dir", backup_dir, false);
  out << "auth mode: " << auth_mode_name(auth_mode()) << "\n";
  return out.str();
}

}  // namespace epicsync::config

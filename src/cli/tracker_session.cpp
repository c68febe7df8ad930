#include "cli/tracker_session.h"

#include <mutex>

#include "jira/auth.h"

namespace epicsync::cli {

Result<TrackerSession> open_tracker(const config::Config& c, const std::string& project,
                                    bool verbose, std::ostream& log) {
  if (c.jira_url.empty()) {
    return Error{ErrorKind::kUsage, "no tracker URL is configured",
                 "set JIRA_URL, jira.url in .epicsync.yaml, or pass --jira-url"};
  }
  jira::ClientOptions o;
  o.base_url = c.jira_url;
  o.allow_insecure_http = c.insecure;
  o.max_concurrency = c.concurrency;
  switch (c.auth_mode()) {
    case config::AuthMode::kCloudToken:
      o.auth = jira::basic_auth(c.email, c.api_token);
      break;
    case config::AuthMode::kPat:
      o.auth = jira::bearer_auth(c.pat);
      break;
    case config::AuthMode::kNone:
      return Error{ErrorKind::kUsage, "no tracker credentials are configured",
                   "set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)"};
  }
  if (verbose) {
    auto mu = std::make_shared<std::mutex>();
    o.logger = [&log, mu](const jira::LogEvent& e) {
      std::lock_guard lock(*mu);
      log << "http: " << jira::format_log_line(e) << "\n";
    };
  }
  auto client = jira::HttpClient::create(std::move(o));
  if (!client) return jira::to_error(client.error());
  jira::JiraOptions jo;
  jo.story_points_field = c.story_points_field;
  jo.search_wait = std::chrono::seconds(c.search_wait);
  TrackerSession session;
  session.tracker = std::make_unique<jira::JiraTracker>(
      std::shared_ptr<jira::HttpClient>(std::move(*client)), jo);
  auto info = session.tracker->connect(project);
  if (!info) return info.error();
  session.info = *info;
  return session;
}

std::string project_of(const std::string& epic_key, const config::Config& c) {
  if (!c.project.empty()) return c.project;
  return epic_key.substr(0, epic_key.find('-'));
}

}  // namespace epicsync::cli

#include "cli/tracker_session.h"

#include <atomic>
#include <map>
#include <mutex>

#include "cli/error_report.h"
#include "cli/run_config.h"
#include "jira/auth.h"
#include "jira/jira_tracker.h"

namespace epicsync::cli {
namespace {

std::atomic<bool> g_retry_notices{false};

}  // namespace

void set_retry_notices(bool on) {
  g_retry_notices = on;
}

namespace {

// The client (connection pool, rate-limit budget, retries) and the Jira adapter over it, not
// connected yet.
Result<std::unique_ptr<jira::JiraTracker>> make_tracker(const config::Config& c, bool verbose,
                                                        std::ostream& log) {
  if (c.jira_url.empty()) {
    return Error{ErrorKind::kUsage, "no tracker URL is configured",
                 "set JIRA_URL, jira.url in .epicsync.yaml, or pass --jira-url"};
  }
  jira::ClientOptions o;
  o.base_url = c.jira_url;
  o.allow_insecure_http = c.insecure;
  o.max_concurrency = c.concurrency;
  o.total_timeout = std::chrono::seconds(c.timeout);
  o.connect_timeout =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(10), o.total_timeout);
  o.max_response_bytes = static_cast<size_t>(c.max_response_mb) << 20;
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
  set_auth_hint(credentials_hint(c));
  // One lock for everything the client writes on `log`, so lines never interleave.
  auto mu = std::make_shared<std::mutex>();
  if (verbose) {
    o.logger = [&log, mu](const jira::LogEvent& e) {
      std::lock_guard lock(*mu);
      log << "http: " << jira::format_log_line(e) << "\n";
    };
  }
  if (g_retry_notices) {
    // Without it a hanging tracker looks like a hung epicsync. Parallel requests retrying
    // together would repeat the same line; one copy says it all.
    auto last = std::make_shared<std::string>();
    o.on_retry = [&log, mu, last](const jira::RetryNotice& n) {
      std::string line = "waiting for " + n.host + " (attempt " + std::to_string(n.next_attempt) +
                         " of " + std::to_string(n.max_attempts) + ")…";
      std::lock_guard lock(*mu);
      if (line == *last) return;
      log << line << "\n" << std::flush;
      *last = std::move(line);
    };
  }
  auto client = jira::HttpClient::create(std::move(o));
  if (!client) return jira::to_error(client.error());
  jira::JiraOptions jo;
  jo.story_points_field = c.story_points_field;
  jo.fields = c.fields;
  jo.search_wait = std::chrono::seconds(c.search_wait);
  jo.notify = c.notify;
  jo.bulk = c.bulk;
  jo.concurrency = c.concurrency;
  jo.warn = [&log, mu](const std::string& message) {
    std::lock_guard lock(*mu);
    log << "warning: " << message << "\n";
  };
  return std::make_unique<jira::JiraTracker>(std::shared_ptr<jira::HttpClient>(std::move(*client)),
                                             jo);
}

void warn_about_notify(const config::Config& c, const tracker::TrackerInfo& info,
                       std::ostream& log) {
  if (!c.notify && info.deployment == tracker::Deployment::kDataCenter) {
    log << "warning: jira.notify: false has no effect on Data Center: its edit API has no "
           "notifyUsers switch, so watchers are notified as usual\n";
  }
}

}  // namespace

Result<TrackerSession> open_tracker(const config::Config& c, const std::string& project,
                                    bool verbose, std::ostream& log) {
  auto made = make_tracker(c, verbose, log);
  if (!made) return made.error();
  TrackerSession session;
  auto info = (*made)->connect(project);
  if (!info) return info.error();
  session.tracker = std::move(*made);
  session.info = *info;
  warn_about_notify(c, session.info, log);
  return session;
}

struct TrackerPool::Impl {
  config::Config config;
  bool verbose = false;
  std::ostream& log;
  std::mutex mu;
  std::unique_ptr<jira::JiraTracker> base;  // holds the one client
  std::map<std::string, std::unique_ptr<jira::JiraTracker>> by_project;
};

TrackerPool::TrackerPool(const config::Config& c, bool verbose, std::ostream& log)
    : impl_(new Impl{c, verbose, log, {}, nullptr, {}}) {}

TrackerPool::~TrackerPool() = default;

Result<TrackerSession> TrackerPool::session(const std::string& project) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_project.find(project);
  if (it == impl_->by_project.end()) {
    if (!impl_->base) {
      auto made = make_tracker(impl_->config, impl_->verbose, impl_->log);
      if (!made) return made.error();
      impl_->base = std::move(*made);
    }
    auto connected = impl_->base->sibling();
    auto info = connected->connect(project);
    if (!info) return info.error();
    warn_about_notify(impl_->config, *info, impl_->log);
    it = impl_->by_project.emplace(project, std::move(connected)).first;
  }
  TrackerSession session;
  session.tracker = it->second->sibling();
  session.info = it->second->info();
  return session;
}

std::string project_of(const std::string& epic_key, const config::Config& c) {
  if (!c.project.empty()) return c.project;
  return epic_key.substr(0, epic_key.find('-'));
}

}  // namespace epicsync::cli

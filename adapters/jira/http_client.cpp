#include "jira/http_client.h"

#include <atomic>
#include <cctype>
#include <thread>

#include "jira/curl_loop.h"
#include "jira/curl_transfer.h"
#include "jira/jira_error_body.h"
#include "jira/redact.h"
#include "jira/url_policy.h"

#ifndef EPICSYNC_VERSION
#define EPICSYNC_VERSION "0.0.0"
#endif

namespace epicsync::jira {

namespace {

using std::chrono::milliseconds;

constexpr size_t kBodyExcerptChars = 300;

// Jira's REST API answers JSON (or nothing). An HTML page comes from something in front of it: a
// login page, a proxy, a web server at a path that is not Jira.
bool is_html(const TransferOutcome& raw) {
  if (auto type = find_header(raw.headers, "content-type")) {
    std::string t(*type);
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.find("text/html") != std::string::npos) return true;
    if (t.find("json") != std::string::npos) return false;
  }
  const auto start = raw.body.find_first_not_of(" \t\r\n");
  return start != std::string::npos && raw.body.compare(start, 1, "<") == 0;
}

std::string seconds_text(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

}  // namespace

Result<std::unique_ptr<HttpClient>> HttpClient::create(ClientOptions options) {
  auto url = check_base_url(options.base_url, options.allow_insecure_http);
  if (!url) return std::move(url).error();
  if (!options.sleep) options.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options.now) options.now = [] { return std::chrono::system_clock::now(); };
  // A budget smaller than one attempt would cut the first attempt short of the timeout the
  // user asked for.
  options.retry.max_total_wait = std::max(options.retry.max_total_wait, options.total_timeout);
  auto client = std::unique_ptr<HttpClient>(new HttpClient(std::move(options), url->to_string()));
  client->host_ = url->host;
  // Traffic for this machine must not detour through a proxy from the environment.
  client->bypass_proxy_ = is_loopback_host(url->host);
  return client;
}

HttpClient::HttpClient(ClientOptions options, std::string base_url)
    : options_(std::move(options)),
      base_url_(std::move(base_url)),
      policy_(options_.retry),
      limiter_(options_.max_concurrency, options_.increase_after_successes),
      loop_(std::make_unique<CurlLoop>(std::max(1, options_.max_concurrency))),
      rng_(options_.jitter_seed.value_or(std::random_device{}())) {
  if (options_.auth) secrets_ = options_.auth->secrets();
}

HttpClient::~HttpClient() = default;

std::string HttpClient::clean(std::string_view text) const {
  return scrub(text, secrets_);
}

void HttpClient::log(const LogEvent& e) const {
  if (!options_.logger) return;
  // send_all logs from several threads; one line at a time keeps the sink simple.
  std::lock_guard lock(log_mu_);
  options_.logger(e);
}

RetryDecision HttpClient::decide(const AttemptOutcome& o, const RetryContext& ctx) {
  std::lock_guard lock(rng_mu_);
  return policy_.decide(o, ctx, rng_);
}

void HttpClient::wait_out_pause() {
  SysTime until;
  {
    std::lock_guard lock(pause_mu_);
    until = not_before_;
  }
  auto left = std::chrono::duration_cast<milliseconds>(until - options_.now());
  if (left > milliseconds{0}) options_.sleep(left);
}

void HttpClient::extend_pause(milliseconds d) {
  std::lock_guard lock(pause_mu_);
  not_before_ = std::max(not_before_, options_.now() + d);
}

Result<Response> HttpClient::send(const Request& req) {
  TransferSettings settings;
  settings.base_url = base_url_;
  settings.user_agent = std::string("epicsync/") + EPICSYNC_VERSION;
  settings.authorization = options_.auth ? options_.auth->authorization() : std::string();
  settings.ca_bundle = options_.ca_bundle;
  settings.connect_timeout = options_.connect_timeout;
  settings.max_body_bytes = options_.max_response_bytes;
  settings.bypass_proxy = bypass_proxy_;

  const bool safe = is_retry_safe(req);
  const std::string method(method_name(req.method));
  const std::string shown_path = clean(redact_path(path_with_query(req)));
  const milliseconds per_attempt = req.timeout.value_or(options_.total_timeout);
  milliseconds waited{0};
  // Measured, not taken from the timeout: failures often come long before it. Time spent
  // queued on the limiter is not counted, so a long send_all does not eat its own budget.
  milliseconds attempts_time{0};

  for (int attempt = 1;; ++attempt) {
    TransferOutcome raw;
    RetryDecision decision;
    bool success = false;
    bool html = false;
    {
      auto permit = limiter_.acquire();
      // Checked after acquiring, so requests queued on the limiter also honour a pause that
      // began while they waited.
      wait_out_pause();
      settings.total_timeout = policy_.attempt_timeout(per_attempt, waited + attempts_time);
      const auto started = std::chrono::steady_clock::now();
      raw = run_transfer(*loop_, settings, req);
      attempts_time +=
          std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
      const bool answered = raw.failure == TransportFailure::kNone;
      html = answered && is_html(raw);
      // Any calm answer, a 404 included, shows the server copes with the current load.
      if (answered && raw.status < 500 && raw.status != 429) limiter_.on_success(permit);
      if (html && raw.status < 500) {
        // A login page or a proxy answered, not Jira: asking again gets the same page, and a
        // write never reached Jira. Said plainly, without the page's markup.
        decision = RetryDecision{};
        decision.reason = "answered with an HTML page";
      } else if (answered && ((raw.status >= 200 && raw.status < 300) ||
                              (req.redirect_is_answer && raw.status == 303))) {
        success = true;
      } else if (raw.failure != TransportFailure::kNone || raw.status >= 400) {
        AttemptOutcome o;
        o.status = raw.status;
        o.failure = raw.failure;
        o.request_sent = raw.request_sent;
        if (auto v = find_header(raw.headers, "retry-after")) o.retry_after = std::string(*v);
        if (auto v = find_header(raw.headers, "x-ratelimit-reset")) {
          o.rate_limit_reset = std::string(*v);
        }
        decision = decide(o, RetryContext{attempt, waited, safe, options_.now(), attempts_time});
        if (decision.throttled) limiter_.on_throttled(permit);
      } else {
        decision.reason = "unexpected HTTP " + std::to_string(raw.status);
      }
    }

    LogEvent ev;
    ev.method = method;
    ev.path = shown_path;
    ev.status = raw.status;
    ev.elapsed = raw.elapsed;
    ev.attempt = attempt;
    if (raw.failure != TransportFailure::kNone) ev.error = clean(raw.error_text);
    if (!success && decision.action == RetryAction::kRetry) {
      ev.retry_reason = clean(decision.reason);
      ev.retry_delay = decision.delay;
    } else if (!success) {
      // Say why we stopped, e.g. "500 on a write", next to libcurl's words.
      ev.error = clean(decision.reason) + (ev.error.empty() ? "" : " (" + ev.error + ")");
    }
    log(ev);

    if (success) {
      Response r;
      r.status = raw.status;
      r.headers = std::move(raw.headers);
      r.body = std::move(raw.body);
      r.elapsed = raw.elapsed;
      r.attempts = attempt;
      return r;
    }
    if (decision.action == RetryAction::kRetry) {
      waited += decision.delay;
      if (options_.on_retry) {
        options_.on_retry(
            RetryNotice{host_, attempt + 1, policy_.config().max_attempts, decision.delay});
      }
      // The server's wait holds every request of this client; our own backoff only this one.
      if (decision.server_directed) {
        extend_pause(decision.delay);
      } else if (decision.delay > milliseconds{0}) {
        options_.sleep(decision.delay);
      }
      continue;
    }

    HttpError err;
    err.method = method;
    err.path = shown_path;
    err.status = raw.status;
    err.retries = attempt - 1;
    err.elapsed = waited + attempts_time;
    if (decision.action == RetryAction::kAmbiguous) {
      err.kind = HttpFailure::kAmbiguousWrite;
    } else if (html && raw.status < 500) {
      err.kind = HttpFailure::kNotJira;
    } else if (raw.failure != TransportFailure::kNone) {
      err.kind = raw.failure_kind;
    } else if (raw.status >= 300 && raw.status < 400) {
      err.kind = HttpFailure::kProtocol;
      if (auto loc = find_header(raw.headers, "location")) {
        decision.reason = "unexpected redirect to " + redact_path(*loc);
      }
    } else {
      err.kind = kind_for_status(raw.status);
    }
    std::string detail = decision.reason;
    if (raw.failure == TransportFailure::kTimeout && detail.starts_with("timed out")) {
      // Name the limit that ran out, so the user knows which setting to look at.
      detail = "no answer within the " + seconds_text(per_attempt) + " timeout per attempt" +
               detail.substr(std::string_view("timed out").size());
    }
    if (err.kind == HttpFailure::kTooLarge) {
      detail = raw.error_text;  // "the answer was larger than 64 MiB": the reason says no more
    } else if (!raw.error_text.empty()) {
      detail += " (" + raw.error_text + ")";
    }
    err.detail = clean(detail);
    if (raw.status >= 400) {
      auto parsed = parse_jira_error_body(raw.body);
      for (auto& m : parsed.messages) err.messages.push_back(clean(m));
      for (auto& [field, msg] : parsed.field_errors) err.field_errors[clean(field)] = clean(msg);
      if (!parsed.was_json && !raw.body.empty() && !html) {
        err.body_excerpt = clean(raw.body.substr(0, kBodyExcerptChars));
      }
    }
    return err;
  }
}

std::vector<Result<Response>> HttpClient::send_all(const std::vector<Request>& requests) {
  std::vector<std::optional<Result<Response>>> slots(requests.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < requests.size(); i = next++) slots[i].emplace(send(requests[i]));
  };
  // Workers only wait on the limiter; the limiter, not the worker count, bounds concurrency.
  const size_t workers =
      std::min(requests.size(), static_cast<size_t>(std::max(1, limiter_.max_limit())));
  {
    std::vector<std::jthread> pool;
    for (size_t w = 1; w < workers; ++w) pool.emplace_back(worker);
    if (workers > 0) worker();
  }
  std::vector<Result<Response>> out;
  out.reserve(requests.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace epicsync::jira

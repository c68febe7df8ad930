#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "http_util.h"
#include "state_file.h"

namespace jira_sim {
namespace {

Workflow load_workflow(const SimOptions& options) {
  if (options.workflow_file.empty()) return Workflow::builtin();
  auto text = read_file_if_exists(options.workflow_file);
  if (!text) throw std::runtime_error("workflow file not found: " + options.workflow_file);
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    throw std::runtime_error("workflow file is not valid JSON: " + options.workflow_file);
  }
  return Workflow::parse(doc);
}

std::vector<std::string> split_path(const std::string& rest) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < rest.size()) {
    size_t slash = rest.find('/', start);
    if (slash == std::string::npos) slash = rest.size();
    if (slash > start) out.push_back(rest.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool loopback(const std::string& addr) {
  return addr == "127.0.0.1" || addr == "::1" || addr.rfind("127.", 0) == 0 ||
         addr == "::ffff:127.0.0.1";
}

// cpp-httplib 0.11 listens with a backlog of 5, compiled into the library. Sixteen clients that
// each open a connection per request overflow it, and the kernel then drops SYNs that are only
// retried a second later. Linux lets a listening socket be given a new backlog by calling listen()
// again, so find our listener among the open descriptors and do that.
void widen_backlog(int port) {
  for (int fd = 0; fd < 4096; ++fd) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_in addr{};
    socklen_t alen = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) continue;
    if (addr.sin_family == AF_INET && ntohs(addr.sin_port) == port) {
      ::listen(fd, 1024);
      return;
    }
  }
}

constexpr const char* kUnauthenticated = "Client must be authenticated to access this resource.";

}  // namespace

SimServer::SimServer(SimOptions options)
    : ctx_(options, load_workflow(options)),
      api_(ctx_),
      bucket_(options.rate_per_second, options.burst),
      control_(ctx_, api_, faults_, log_, [this] { save_state_file(); }) {
  bool loaded = false;
  if (!options.state_file.empty()) {
    if (auto text = read_file_if_exists(options.state_file)) {
      json doc = json::parse(*text, nullptr, false);
      if (doc.is_discarded()) {
        throw std::runtime_error("state file is not valid JSON: " + options.state_file);
      }
      ctx_.state.load(doc);
      loaded = true;
    }
  }
  if (!ctx_.workflow.resolutions().empty()) ctx_.state.set_resolutions(ctx_.workflow.resolutions());
  // A post-function's resolution can only be checked once the instance's resolutions are known.
  for (const Transition& t : ctx_.workflow.transitions()) {
    if (!t.resolution.empty() && !ctx_.state.resolution(t.resolution)) {
      throw std::runtime_error("workflow: transition " + t.id + " sets resolution '" +
                               t.resolution + "', which is not one of the instance's resolutions");
    }
  }
  if (!loaded && options.seed) ctx_.state.seed(ctx_.workflow.initial());

  const int threads = std::max(2, options.threads);
  http_.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // Headers and body go out in separate writes; without this, Nagle and delayed ACKs add ~40 ms.
  http_.set_tcp_nodelay(true);
  // cpp-httplib's default adds SO_REUSEPORT, which would let a second jira-sim share a fixed
  // port and silently split the traffic; keep only SO_REUSEADDR for quick restarts.
  http_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http_.set_keep_alive_max_count(100'000);
  http_.set_keep_alive_timeout(5);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res);
  };
  http_.Get(".*", handler);
  http_.Post(".*", handler);
  http_.Put(".*", handler);
  http_.Delete(".*", handler);
  http_.Patch(".*", handler);
}

SimServer::~SimServer() {
  stop();
}

int SimServer::bind() {
  int port = ctx_.options.port;
  if (port == 0) {
    port = http_.bind_to_any_port("127.0.0.1");
  } else if (!http_.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(ctx_.options.port));
  }
  widen_backlog(port);
  ctx_.base_url = "http://127.0.0.1:" + std::to_string(port);
  return port;
}

bool SimServer::serve() {
  return http_.listen_after_bind();
}

bool SimServer::wait_until_serving() const {
  for (int i = 0; i < 10'000; ++i) {
    if (http_.is_running()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

void SimServer::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  http_.stop();
  // Tasks still queued or running stop where they are, as they would if Jira went down, so the
  // state saved after this no longer changes under the saver.
  api_.tasks().stop();
}

void SimServer::pause(int ms) {
  if (ms <= 0) return;
  std::unique_lock lock(stop_mu_);
  stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void SimServer::save_state_file() {
  if (ctx_.options.state_file.empty()) return;
  std::string text;
  {
    std::lock_guard lock(ctx_.mu);
    text = ctx_.state.dump().dump(2) + "\n";
  }
  write_file_atomically(ctx_.options.state_file, text);
}

bool SimServer::authorised(const httplib::Request& req) const {
  std::string auth = req.get_header_value("Authorization");
  const SimOptions& o = ctx_.options;
  if (o.flavour == Flavour::kCloud) {
    const std::string prefix = "Basic ";
    if (auth.rfind(prefix, 0) != 0) return false;
    return base64_decode(auth.substr(prefix.size())) == o.email + ":" + o.api_token;
  }
  const std::string prefix = "Bearer ";
  return auth.rfind(prefix, 0) == 0 && auth.substr(prefix.size()) == o.pat;
}

void SimServer::dispatch(const httplib::Request& req, httplib::Response& res) {
  if (req.path.rfind("/_sim/", 0) == 0) {
    if (!loopback(req.remote_addr)) {
      return send_json(res, 403, {{"error", "the control API answers loopback clients only"}});
    }
    return control_.handle(req, res);
  }
  const auto started = std::chrono::steady_clock::now();
  int version = 0;
  std::string rest;
  for (const auto& [prefix, v] : {std::pair<std::string, int>{"/rest/api/3/", 3},
                                  {"/rest/api/2/", 2},
                                  {"/rest/api/latest/", 2}}) {
    if (req.path.rfind(prefix, 0) == 0) {
      version = v;
      rest = req.path.substr(prefix.size());
    }
  }
  int logged_status = 0;
  bool dropped = false;
  if (version == 0) {
    send_error(res, 404, {"jira-sim serves /rest/api/2 and /rest/api/3 and /_sim only."});
  } else {
    serve_rest(req, res, version, split_path(rest));
  }
  dropped = res.status == 0;
  logged_status = dropped ? 0 : res.status;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::string query;
  for (const auto& [name, value] : req.params) {
    query += (query.empty() ? "" : "&") + name + "=" + value;
  }
  log_.record(req.method, req.path, query, logged_status, ms);
  if (ctx_.options.verbose) {
    std::fprintf(stderr, "jira-sim: %s %s -> %d (%.1f ms)\n", req.method.c_str(), req.path.c_str(),
                 logged_status, ms);
  }
  // A status of 0 marks a connection the fault rules want dropped: promise a body, send none.
  if (dropped) {
    res.status = 200;
    res.set_content_provider(64, "application/json",
                             [](size_t, size_t, httplib::DataSink&) { return false; });
  }
}

void SimServer::serve_rest(const httplib::Request& req, httplib::Response& res, int version,
                           const std::vector<std::string>& segments) {
  pause(ctx_.latency_ms.load());
  if (!authorised(req)) {
    res.set_header("WWW-Authenticate", ctx_.options.flavour == Flavour::kCloud
                                           ? "Basic realm=\"jira-sim\""
                                           : "Bearer realm=\"jira-sim\"");
    return send_error(res, 401, {kUnauthenticated});
  }
  auto too_many = [&](int retry_after, int limit) {
    long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    res.set_header("Retry-After", std::to_string(retry_after));
    res.set_header("X-RateLimit-Limit", std::to_string(limit));
    res.set_header("X-RateLimit-Remaining", "0");
    res.set_header("X-RateLimit-Reset", iso_minute(now + retry_after * 1000LL));
    res.set_header("RateLimit-Reason", "jira-burst-based");
    send_error(res, 429, {"Rate limit exceeded."});
  };
  if (bucket_.enabled()) {
    auto d = bucket_.take();
    if (!d.allowed) return too_many(d.retry_after_s, d.limit);
    res.set_header("X-RateLimit-Limit", std::to_string(d.limit));
    res.set_header("X-RateLimit-Remaining", std::to_string(d.remaining));
  }
  auto fault = faults_.match(req.method, req.path);
  if (fault) {
    switch (fault->action) {
      case FaultAction::kError500:
        return send_error(res, 500, {"Internal server error (injected by jira-sim)"});
      case FaultAction::kDrop:
        res.status = 0;
        return;
      case FaultAction::kHang:
        pause(fault->hang_ms);
        res.status = 0;
        return;
      case FaultAction::kTooMany:
        return too_many(fault->retry_after_s, 100);
      case FaultAction::kHugeBody: {
        // A well-formed start of a JSON array that never ends within `bytes`: streamed in
        // chunks so the simulator itself never holds it, as a runaway proxy or server would.
        // With "chunked" no length is announced, as with a compressed or generated answer.
        const long long total = fault->bytes;
        res.status = 200;
        auto piece = [total](size_t offset, size_t length, httplib::DataSink& sink) {
          static const std::string spaces(64 * 1024, ' ');
          if (static_cast<long long>(offset) >= total) return false;
          if (offset == 0) return sink.write("[", 1);
          const auto left = static_cast<size_t>(total - static_cast<long long>(offset));
          return sink.write(spaces.data(), std::min({length, spaces.size(), left}));
        };
        if (fault->chunked) {
          size_t sent = 0;
          res.set_chunked_content_provider(
              "application/json", [total, piece, sent](size_t, httplib::DataSink& sink) mutable {
                if (static_cast<long long>(sent) >= total) {
                  sink.done();
                  return true;
                }
                const size_t before = sent;
                sent += before == 0 ? 1 : std::min<size_t>(64 * 1024, total - before);
                return piece(before, sent - before, sink);
              });
        } else {
          res.set_content_provider(static_cast<size_t>(total), "application/json", piece);
        }
        return;
      }
      case FaultAction::kHtml:
        // What a single sign-on proxy or a web server in front of Jira answers: a page for a
        // person, not the REST API.
        res.status = fault->status;
        res.set_content(
            "<!DOCTYPE html>\n<html><head><title>Log in</title></head>\n<body><form "
            "method=\"post\" action=\"/login\"><input name=\"user\"><input name=\"password\" "
            "type=\"password\"></form></body></html>\n",
            "text/html; charset=utf-8");
        return;
      case FaultAction::kLoseWrite:
        // Acknowledged as Jira acknowledges an edit or a transition, and never applied: a write
        // an automation rule reverts or a proxy swallows. Only reading the issue again shows it.
        return send_empty(res, 204);
      case FaultAction::kApplyThen500:
      case FaultAction::kApplyThenDrop:
        break;
    }
  }
  if (!api_.handle(req, res, version, segments)) {
    send_error(res, 404, {"No REST resource " + req.method + " " + req.path + " in jira-sim."});
  }
  if (fault && fault->action == FaultAction::kApplyThen500) {
    // The write above has happened; the client is told it failed.
    res.headers.erase("Location");
    send_error(res, 500, {"Internal server error (injected by jira-sim after the change)"});
  }
  if (fault && fault->action == FaultAction::kApplyThenDrop) {
    // The write above has happened; the connection breaks before the answer arrives.
    res.status = 0;
  }
}

}  // namespace jira_sim

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <functional>

#include "jira/http_client.h"
#include "jira/redact.h"
#include "rude_server.h"
#include "test_server.h"

namespace epicsync::jira {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using testing::RudeServer;
using testing::TestServer;

constexpr const char* kEmail = "dev@example.com";
constexpr const char* kToken = "ATATT-very-secret-token-0123456789";

// Time that only moves when the client "sleeps", so retries cost nothing and nothing is timed.
class FakeTime {
 public:
  void sleep(milliseconds d) {
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      now_ += d;
      sleeps_.push_back(d);
      hook = std::exchange(on_first_sleep_, nullptr);
    }
    if (hook) hook();
  }
  SysTime now() {
    std::lock_guard lock(mu_);
    return now_;
  }
  std::vector<milliseconds> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }
  void on_first_sleep(std::function<void()> f) {
    std::lock_guard lock(mu_);
    on_first_sleep_ = std::move(f);
  }

 private:
  std::mutex mu_;
  SysTime now_ = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
  std::vector<milliseconds> sleeps_;
  std::function<void()> on_first_sleep_;
};

class ClientTest : public ::testing::Test {
 protected:
  ClientOptions options(const std::string& base_url) {
    ClientOptions o;
    o.base_url = base_url;
    o.auth = basic_auth(kEmail, kToken);
    o.connect_timeout = 2000ms;
    o.total_timeout = 5000ms;
    o.jitter_seed = 1;
    o.sleep = [this](milliseconds d) { time_.sleep(d); };
    o.now = [this] { return time_.now(); };
    o.logger = [this](const LogEvent& e) {
      std::lock_guard lock(log_mu_);
      logs_.push_back(e);
    };
    return o;
  }

  std::unique_ptr<HttpClient> client(ClientOptions o) {
    auto c = HttpClient::create(std::move(o));
    EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
    return c ? std::move(*c) : nullptr;
  }

  std::unique_ptr<HttpClient> client_for(TestServer& s) { return client(options(s.url())); }

  std::vector<LogEvent> logs() {
    std::lock_guard lock(log_mu_);
    return logs_;
  }

  static Request get(std::string path) {
    Request r;
    r.path = std::move(path);
    return r;
  }

  static Request post(std::string path, std::string body = R"({"fields":{}})") {
    Request r;
    r.method = Method::kPost;
    r.path = std::move(path);
    r.body = std::move(body);
    return r;
  }

  FakeTime time_;
  std::mutex log_mu_;
  std::vector<LogEvent> logs_;
};

TEST_F(ClientTest, RetryAfterOn429IsHonouredThenSucceeds) {
  TestServer s;
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    if (s.requests == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      return;
    }
    res.set_content(R"({"ok":true})", "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/r"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(s.requests, 2);

  auto l = logs();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].status, 429);
  EXPECT_NE(l[0].retry_reason.find("429"), std::string::npos);
  EXPECT_GE(l[0].retry_delay, 1000ms);
  EXPECT_TRUE(l[1].retry_reason.empty());
  // The client waited (on the fake clock) at least what the server asked for.
  auto sleeps = time_.sleeps();
  milliseconds slept{0};
  for (auto d : sleeps) slept += d;
  EXPECT_GE(slept, 1000ms);
  EXPECT_EQ(c->limiter().limit(), 4);  // AIMD: 8 halved by the 429
}

TEST_F(ClientTest, ServerRequestedWaitHoldsEveryRequestOfTheClient) {
  TestServer s;
  s.svr.Get("/a", [&](const httplib::Request&, httplib::Response& res) {
    if (s.requests == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      return;
    }
    res.set_content("{}", "application/json");
  });
  s.svr.Get("/b", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  // A clock that never moves: the pause set by /a's 429 is still running when /b is sent.
  std::vector<milliseconds> sleeps;
  auto o = options(s.url());
  o.now = [] { return SysTime{} + std::chrono::hours(1); };
  o.sleep = [&](milliseconds d) { sleeps.push_back(d); };
  auto c = client(std::move(o));
  ASSERT_TRUE(c->send(get("/a")));
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_GE(sleeps[0], 1000ms);
  ASSERT_TRUE(c->send(get("/b")));
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[1], 1000ms);
}

TEST_F(ClientTest, TransientGatewayErrorsAreRetriedForReads) {
  TestServer s;
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    switch (s.requests.load()) {
      case 1:
        res.status = 503;
        return;
      case 2:
        res.status = 502;
        return;
      case 3:
        res.status = 504;
        return;
      default:
        res.set_content("{}", "application/json");
    }
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/r"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(s.requests, 4);
  EXPECT_EQ(r->attempts, 4);
  auto l = logs();
  ASSERT_EQ(l.size(), 4u);
  EXPECT_NE(l[1].retry_reason.find("502"), std::string::npos);
  EXPECT_EQ(c->limiter().limit(), 8);  // 5xx is not a request to slow down
}

TEST_F(ClientTest, ReadOnlyPostIsRetriedLikeAGet) {
  TestServer s;
  s.svr.Post("/rest/api/3/search/jql", [&](const httplib::Request&, httplib::Response& res) {
    if (s.requests == 1) {
      res.status = 502;
      return;
    }
    res.set_content(R"({"issues":[]})", "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto req = post("/rest/api/3/search/jql", R"({"jql":"project = ABC"})");
  req.read_only = true;
  auto r = c->send(req);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(s.requests, 2);
}

TEST_F(ClientTest, RetryBudgetExhaustedByRateLimitingIsTyped) {
  TestServer s;
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "1");
  });
  s.start();
  auto o = options(s.url());
  o.retry.max_attempts = 2;
  auto c = client(std::move(o));
  auto r = c->send(get("/r"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kRateLimited);
  EXPECT_EQ(r.error().status, 429);
  EXPECT_EQ(r.error().retries, 1);
  EXPECT_EQ(s.requests, 2);
}

TEST_F(ClientTest, PostGettingServerErrorIsAmbiguousAndNotResent) {
  TestServer s;
  s.svr.Post("/rest/api/3/issue",
             [&](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  s.start();
  auto c = client_for(s);
  auto r = c->send(post("/rest/api/3/issue"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kAmbiguousWrite);
  EXPECT_EQ(r.error().status, 500);
  EXPECT_EQ(s.requests, 1);
  EXPECT_TRUE(time_.sleeps().empty());
}

TEST_F(ClientTest, PutGetting503WithoutRetryAfterIsAmbiguous) {
  TestServer s;
  s.svr.Put("/rest/api/3/issue/ABC-1",
            [&](const httplib::Request&, httplib::Response& res) { res.status = 503; });
  s.start();
  auto c = client_for(s);
  Request req;
  req.method = Method::kPut;
  req.path = "/rest/api/3/issue/ABC-1";
  req.body = R"({"fields":{"summary":"x"}})";
  auto r = c->send(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kAmbiguousWrite);
  EXPECT_EQ(s.requests, 1);
}

TEST_F(ClientTest, PostRateLimitedIsResentBecauseNothingWasApplied) {
  TestServer s;
  s.svr.Post("/rest/api/3/issue", [&](const httplib::Request& req, httplib::Response& res) {
    if (s.requests == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      return;
    }
    res.status = 201;
    res.set_content(req.body, "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(post("/rest/api/3/issue", R"({"fields":{"summary":"s"}})"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"fields":{"summary":"s"}})");
  EXPECT_EQ(s.requests, 2);
}

// A socket bound but not listening makes connects fail with "refused" while keeping the port.
int reserve_refusing_port(int& fd) {
  fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

TEST_F(ClientTest, PostHittingConnectionRefusedIsRetriedSafely) {
  int fd = -1;
  const int port = reserve_refusing_port(fd);
  ASSERT_GT(port, 0);
  TestServer s;
  s.svr.Post("/rest/api/3/issue", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_content(R"({"key":"ABC-1"})", "application/json");
  });
  // The server comes up while the client backs off.
  time_.on_first_sleep([&] {
    ::close(fd);
    ASSERT_EQ(s.start(port), port);
  });
  auto c = client(options("http://127.0.0.1:" + std::to_string(port)));
  auto r = c->send(post("/rest/api/3/issue"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(s.requests, 1);  // created exactly once
  auto l = logs();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].status, 0);
  EXPECT_NE(l[0].retry_reason.find("connection refused before the request was sent"),
            std::string::npos);
}

TEST_F(ClientTest, ConnectionRefusedForGoodIsTypedAsConnect) {
  int fd = -1;
  const int port = reserve_refusing_port(fd);
  ASSERT_GT(port, 0);
  auto o = options("http://127.0.0.1:" + std::to_string(port));
  o.retry.max_attempts = 2;
  auto c = client(std::move(o));
  auto r = c->send(get("/r"));
  ::close(fd);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kConnect);
  EXPECT_EQ(r.error().status, 0);
  EXPECT_EQ(r.error().retries, 1);
}

TEST_F(ClientTest, PostOnADroppedConnectionIsAmbiguousAndNotResent) {
  RudeServer s({RudeServer::Mode::kHangUp, RudeServer::Mode::kAnswer});
  auto c = client(options(s.url()));
  auto r = c->send(post("/rest/api/3/issue"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kAmbiguousWrite);
  EXPECT_EQ(r.error().status, 0);
  EXPECT_EQ(s.requests(), 1);
}

TEST_F(ClientTest, GetOnADroppedConnectionIsRetried) {
  RudeServer s({RudeServer::Mode::kHangUp, RudeServer::Mode::kAnswer});
  auto c = client(options(s.url()));
  auto r = c->send(get("/rest/api/3/issue/ABC-1"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(s.requests(), 2);
}

TEST_F(ClientTest, DeleteTimingOutAfterSendingIsAmbiguous) {
  RudeServer s({RudeServer::Mode::kSilent});
  auto o = options(s.url());
  o.total_timeout = 300ms;
  auto c = client(std::move(o));
  Request req;
  req.method = Method::kDelete;
  req.path = "/rest/api/3/issue/ABC-1";
  auto r = c->send(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kAmbiguousWrite);
  EXPECT_NE(r.error().detail.find("timed out"), std::string::npos);
  EXPECT_EQ(s.requests(), 1);
}

TEST_F(ClientTest, GetTimingOutForGoodIsTypedAsTimeout) {
  RudeServer s({RudeServer::Mode::kSilent});
  auto o = options(s.url());
  o.total_timeout = 200ms;
  o.retry.max_attempts = 2;
  auto c = client(std::move(o));
  auto r = c->send(get("/slow"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kTimeout);
  EXPECT_EQ(r.error().retries, 1);
}

// A server that accepts and never answers costs at most the request's budget, whatever the
// attempt count says: the attempts' own time counts, not only the waits between them.
TEST_F(ClientTest, AttemptsThatNeverGetAnAnswerStopAtTheTimeBudget) {
  RudeServer s({RudeServer::Mode::kSilent});
  auto o = options(s.url());
  o.total_timeout = 300ms;
  o.retry.max_attempts = 20;
  o.retry.max_total_wait = 1000ms;
  o.retry.min_attempt_time = 100ms;
  auto c = client(std::move(o));
  auto r = c->send(get("/slow"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kTimeout);
  EXPECT_NE(r.error().detail.find("time budget exhausted"), std::string::npos) << r.error().detail;
  EXPECT_GE(s.requests(), 2);
  EXPECT_LE(s.requests(), 4);
}

TEST_F(ClientTest, ARetryIsAnnouncedWithTheHostAndTheAttempt) {
  TestServer s;
  std::atomic<int> calls{0};
  s.svr.Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    res.status = ++calls == 1 ? 502 : 200;
    res.set_content("{}", "application/json");
  });
  s.start();
  auto o = options(s.url());
  std::vector<RetryNotice> notices;
  o.on_retry = [&](const RetryNotice& n) { notices.push_back(n); };
  auto c = client(std::move(o));
  auto r = c->send(get("/busy"));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].host, "127.0.0.1");
  EXPECT_EQ(notices[0].next_attempt, 2);
  EXPECT_EQ(notices[0].max_attempts, 5);
}

// The response cap: a read past it fails at once (asking again gets the same answer) and the
// memory never holds more than the cap; a write past it was sent, so its outcome is unknown.
TEST_F(ClientTest, AnAnswerPastTheCapIsRefusedForAReadAndUnknownForAWrite) {
  TestServer s;
  const std::string big(2 << 20, ' ');
  s.svr.Get("/big", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("[" + big, "application/json");
  });
  s.svr.Post("/big", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("[" + big, "application/json");
  });
  // No Content-Length: only the write callback can see the size.
  s.svr.Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json",
                                     [&](size_t offset, httplib::DataSink& sink) {
                                       if (offset >= big.size()) {
                                         sink.done();
                                         return true;
                                       }
                                       return sink.write(big.data(), 64 * 1024);
                                     });
  });
  s.start();
  auto o = options(s.url());
  o.max_response_bytes = 1 << 20;
  auto c = client(std::move(o));
  for (const std::string path : {"/big", "/stream"}) {
    auto r = c->send(get(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, HttpFailure::kTooLarge) << path;
    EXPECT_EQ(r.error().retries, 0) << path;
    EXPECT_NE(r.error().to_string().find("larger than 1 MiB"), std::string::npos)
        << r.error().to_string();
  }
  auto w = c->send(post("/big"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, HttpFailure::kAmbiguousWrite);
  EXPECT_EQ(s.requests, 3);
}

// A login page or proxy in front of Jira: typed, not retried, and the markup never reaches the
// message (a 502 page from a proxy keeps the usual retry rules).
TEST_F(ClientTest, AnHtmlPageIsNotJiraAndIsNeitherRetriedNorQuoted) {
  TestServer s;
  const std::string page = "<!DOCTYPE html><html><body>Sign in</body></html>";
  s.svr.Get("/login-ok", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(page, "text/html");
  });
  s.svr.Get("/login-401", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_content(page, "text/html; charset=utf-8");
  });
  s.svr.Post("/login-ok", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(page, "text/html");
  });
  s.start();
  auto c = client_for(s);
  for (const std::string path : {"/login-ok", "/login-401"}) {
    auto r = c->send(get(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, HttpFailure::kNotJira) << path;
    EXPECT_EQ(r.error().retries, 0) << path;
    EXPECT_NE(r.error().to_string().find("HTML page"), std::string::npos);
    EXPECT_EQ(r.error().to_string().find("<html"), std::string::npos) << r.error().to_string();
  }
  auto w = c->send(post("/login-ok"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, HttpFailure::kNotJira) << "the write never reached Jira";
  EXPECT_EQ(s.requests, 3);
}

TEST_F(ClientTest, UnauthorizedIsNotRetried) {
  TestServer s;
  s.svr.Get("/rest/api/3/myself",
            [&](const httplib::Request&, httplib::Response& res) { res.status = 401; });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/rest/api/3/myself"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kAuth);
  EXPECT_EQ(r.error().retries, 0);
  EXPECT_EQ(s.requests, 1);
}

TEST_F(ClientTest, ForbiddenAndNotFoundAreTyped) {
  TestServer s;
  s.svr.Get("/forbidden",
            [&](const httplib::Request&, httplib::Response& res) { res.status = 403; });
  s.svr.Get("/missing", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"errorMessages":["Issue does not exist"],"errors":{}})",
                    "application/json");
  });
  s.start();
  auto c = client_for(s);
  EXPECT_EQ(c->send(get("/forbidden")).error().kind, HttpFailure::kForbidden);
  auto missing = c->send(get("/missing"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, HttpFailure::kNotFound);
  EXPECT_EQ(missing.error().messages, std::vector<std::string>{"Issue does not exist"});
}

TEST_F(ClientTest, BadRequestSurfacesJirasMessagesVerbatim) {
  TestServer s;
  s.svr.Post("/rest/api/3/issue", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(
        R"({"errorMessages":["Field 'priority' cannot be set. It is not on the appropriate screen, or unknown."],)"
        R"("errors":{"summary":"You must specify a summary of the issue."}})",
        "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(post("/rest/api/3/issue"));
  ASSERT_FALSE(r);
  const auto& e = r.error();
  EXPECT_EQ(e.kind, HttpFailure::kRejected);
  EXPECT_EQ(e.status, 400);
  ASSERT_EQ(e.messages.size(), 1u);
  EXPECT_EQ(e.messages[0],
            "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.");
  EXPECT_EQ(e.field_errors.at("summary"), "You must specify a summary of the issue.");
  EXPECT_NE(e.to_string().find("You must specify a summary of the issue."), std::string::npos);
  EXPECT_EQ(s.requests, 1);
}

// A plain-text error body is kept as an excerpt (an HTML one is not Jira at all; see
// AnHtmlPageIsNotJiraAndIsNeitherRetriedNorQuoted).
TEST_F(ClientTest, NonJsonErrorBodyIsKeptAsExcerpt) {
  TestServer s;
  s.svr.Get("/text", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 418;
    res.set_content("I'm a teapot", "text/plain");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/text"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kRejected);
  EXPECT_EQ(r.error().body_excerpt, "I'm a teapot");
}

TEST_F(ClientTest, GoneEndpointIsTyped) {
  TestServer s;
  s.svr.Get("/rest/api/2/search", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 410;
    res.set_content(R"({"errorMessages":["The requested API has been removed."]})",
                    "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/rest/api/2/search"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kGone);
  EXPECT_EQ(r.error().messages, std::vector<std::string>{"The requested API has been removed."});
  EXPECT_EQ(s.requests, 1);
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper rather than raw zlib.
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST_F(ClientTest, GzipResponseIsDecoded) {
  const std::string plain = R"({"issues":[)" + std::string(2000, ' ') + "]}";
  TestServer s;
  std::string accept_encoding;
  s.svr.Get("/big", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    // A type httplib will not compress again on its own.
    res.set_content(gzip(plain), "application/octet-stream");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/big"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_NE(accept_encoding.find("gzip"), std::string::npos);
  EXPECT_EQ(r->body, plain);
}

TEST_F(ClientTest, SequentialRequestsReuseOneConnection) {
  TestServer s;
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  auto c = client_for(s);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c->send(get("/r")));
  EXPECT_EQ(s.requests, 20);
  EXPECT_EQ(s.distinct_connections(), 1u);
}

TEST_F(ClientTest, SendAllRespectsTheConcurrencyBoundAndKeepsOrder) {
  TestServer s;
  std::atomic<int> in_flight{0}, peak{0};
  s.svr.Get(R"(/item/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    int now = ++in_flight;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    // Long enough for requests to overlap; nothing asserts on durations.
    std::this_thread::sleep_for(30ms);
    --in_flight;
    res.set_content(req.matches[1].str(), "text/plain");
  });
  s.start();
  auto o = options(s.url());
  o.max_concurrency = 3;
  auto c = client(std::move(o));
  std::vector<Request> reqs;
  for (int i = 0; i < 12; ++i) reqs.push_back(get("/item/" + std::to_string(i)));
  auto results = c->send_all(reqs);
  ASSERT_EQ(results.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().to_string();
    EXPECT_EQ(results[i]->body, std::to_string(i));
  }
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);  // and it did run requests side by side
  EXPECT_EQ(s.requests, 12);
}

TEST_F(ClientTest, SendAllOfNothingIsNothing) {
  auto c = client(options("http://127.0.0.1:9"));
  EXPECT_TRUE(c->send_all({}).empty());
}

TEST_F(ClientTest, SecretsNeverAppearInLogsOrErrors) {
  const std::string basic = base64_encode(std::string(kEmail) + ":" + kToken);
  TestServer s;
  // A hostile (or buggy) server echoing credentials back in its error body.
  s.svr.Post("/rest/api/3/issue", [&](const httplib::Request& req, httplib::Response& res) {
    res.status = 400;
    const std::string auth = req.get_header_value("Authorization");
    res.set_content(R"({"errorMessages":["bad auth )" + auth + R"("],"errors":{")" + kToken +
                        R"(":"token )" + kToken + R"("}})",
                    "application/json");
  });
  s.svr.Get("/plain", [&](const httplib::Request& req, httplib::Response& res) {
    res.status = 400;
    res.set_content("echo " + req.get_header_value("Authorization"), "text/plain");
  });
  s.start();
  auto c = client_for(s);
  auto req = post("/rest/api/3/issue");
  req.query = {{"access_token", kToken}, {"expand", "names"}};
  auto r = c->send(req);
  ASSERT_FALSE(r);
  auto plain = c->send(get("/plain"));
  ASSERT_FALSE(plain);
  EXPECT_EQ(s.last_authorization(), "Basic " + basic);  // the secret did go to the server

  std::vector<std::string> shown = {r.error().to_string(), r.error().path, r.error().body_excerpt,
                                    plain.error().to_string(), plain.error().body_excerpt};
  for (const auto& m : r.error().messages) shown.push_back(m);
  for (const auto& [k, v] : r.error().field_errors) shown.push_back(k + v);
  for (const auto& e : logs()) shown.push_back(format_log_line(e));
  for (const auto& text : shown) {
    EXPECT_EQ(text.find(kToken), std::string::npos) << text;
    EXPECT_EQ(text.find(basic), std::string::npos) << text;
  }
  EXPECT_NE(r.error().to_string().find("[REDACTED]"), std::string::npos);
  EXPECT_NE(logs()[0].path.find("expand=names"), std::string::npos);
}

TEST_F(ClientTest, RequestsCarryUserAgentAndAuthorization) {
  TestServer s;
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  auto o = options(s.url());
  o.auth = bearer_auth("pat-0123456789");
  auto c = client(std::move(o));
  ASSERT_TRUE(c->send(get("/r")));
  EXPECT_EQ(s.last_user_agent().rfind("epicsync/", 0), 0u);
  EXPECT_EQ(s.last_authorization(), "Bearer pat-0123456789");
}

const std::string kCert = std::string(TRANSPORT_TLS_DIR) + "/test-only-cert.pem";
const std::string kKey = std::string(TRANSPORT_TLS_DIR) + "/test-only-key.pem";

TEST_F(ClientTest, UntrustedCertificateIsRefusedWithoutRetry) {
  TestServer s(kCert, kKey);
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  auto c = client_for(s);
  auto r = c->send(get("/r"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpFailure::kTls);
  EXPECT_EQ(r.error().retries, 0);
  EXPECT_EQ(s.requests, 0);
}

TEST_F(ClientTest, CertificateTrustedThroughCaBundleIsAccepted) {
  TestServer s(kCert, kKey);
  s.svr.Get("/r", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  auto o = options(s.url());
  o.ca_bundle = kCert;
  auto c = client(std::move(o));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c->send(get("/r"))) << i;
  EXPECT_EQ(s.requests, 5);
  EXPECT_EQ(s.distinct_connections(), 1u);  // TLS connections are kept alive too
}

TEST_F(ClientTest, InsecureUrlIsRefusedBeforeAnyTraffic) {
  auto c = HttpClient::create(options("http://jira.example.com"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, HttpFailure::kInsecureUrl);
  auto bad = HttpClient::create(options("gopher://x"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, HttpFailure::kInvalidUrl);
}

TEST_F(ClientTest, ContextPathIsKept) {
  TestServer s;
  s.svr.Get("/jira/rest/api/2/myself", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  s.start();
  auto c = client(options(s.url() + "/jira/"));
  auto r = c->send(get("/rest/api/2/myself"));
  ASSERT_TRUE(r) << r.error().to_string();
}

}  // namespace
}  // namespace epicsync::jira

#pragma once

// A scripted HTTP server on 127.0.0.1 for the client tests. Counts requests and connections
// in the handler path itself, so counts are complete by the time the client sees a response.

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace epicsync::jira::testing {

class TestServer {
 public:
  TestServer() : TestServer(std::make_unique<httplib::Server>()) {}
  // HTTPS with the given certificate; for the TLS verification tests.
  TestServer(const std::string& cert, const std::string& key)
      : TestServer(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str())) {}

  explicit TestServer(std::unique_ptr<httplib::Server> server)
      : server_(std::move(server)), svr(*server_) {
    svr.set_keep_alive_max_count(1000);
    // Without it the server's split header/body writes meet the client's delayed ACK.
    svr.set_tcp_nodelay(true);
    svr.new_task_queue = [] { return new httplib::ThreadPool(16); };
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      ++requests;
      std::lock_guard lock(mu_);
      remote_ports_.insert(req.remote_port);
      last_authorization_ = req.get_header_value("Authorization");
      last_user_agent_ = req.get_header_value("User-Agent");
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  ~TestServer() { stop(); }

  // Port 0 picks a free port; a given port is for tests that reserved one beforehand.
  int start(int port = 0) {
    if (port == 0) {
      port_ = svr.bind_to_any_port("127.0.0.1");
    } else {
      port_ = svr.bind_to_port("127.0.0.1", port) ? port : -1;
    }
    thread_ = std::thread([this] { svr.listen_after_bind(); });
    // stop() only works once the accept loop runs.
    while (!svr.is_running()) std::this_thread::yield();
    return port_;
  }

  void stop() {
    if (thread_.joinable()) {
      svr.stop();
      thread_.join();
    }
  }

  std::string url() const {
    return std::string(dynamic_cast<httplib::SSLServer*>(&svr) ? "https" : "http") +
           "://127.0.0.1:" + std::to_string(port_);
  }
  size_t distinct_connections() {
    std::lock_guard lock(mu_);
    return remote_ports_.size();
  }
  std::string last_authorization() {
    std::lock_guard lock(mu_);
    return last_authorization_;
  }
  std::string last_user_agent() {
    std::lock_guard lock(mu_);
    return last_user_agent_;
  }

 private:
  std::unique_ptr<httplib::Server> server_;

 public:
  httplib::Server& svr;
  std::atomic<int> requests{0};

 private:
  int port_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::set<int> remote_ports_;
  std::string last_authorization_;
  std::string last_user_agent_;
};

}  // namespace epicsync::jira::testing

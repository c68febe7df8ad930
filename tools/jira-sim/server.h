#pragma once

#include <httplib.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "control_api.h"
#include "faults.h"
#include "jira_api.h"
#include "options.h"
#include "rate_limit.h"
#include "request_log.h"
#include "sim_context.h"

namespace jira_sim {

// The simulator as one object: it owns every piece of mutable state, so several can run in one
// process (tests) and nothing is global.
class SimServer {
 public:
  // Throws std::runtime_error when the workflow or the state file cannot be used.
  explicit SimServer(SimOptions options);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds 127.0.0.1 (port 0: an ephemeral one) and returns the port; throws when it cannot.
  int bind();
  // Serves until stop(); returns false when the listener failed.
  bool serve();
  // Blocks until serve() is accepting, so a stop() that follows cannot be lost; false after 10 s.
  bool wait_until_serving() const;
  void stop();
  std::string url() const { return ctx_.base_url; }
  // Writes the state file given at start-up, if any; throws on I/O failure.
  void save_state_file();

 private:
  void dispatch(const httplib::Request& req, httplib::Response& res);
  void serve_rest(const httplib::Request& req, httplib::Response& res, int version,
                  const std::vector<std::string>& segments);
  bool authorised(const httplib::Request& req) const;
  // Waits up to `ms`, returning early when the server stops so shutdown never waits on a hang.
  void pause(int ms);

  SimContext ctx_;
  JiraApi api_;
  FaultRules faults_;
  RequestLog log_;
  TokenBucket bucket_;
  ControlApi control_;
  httplib::Server http_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace jira_sim

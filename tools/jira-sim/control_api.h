#pragma once

#include <httplib.h>

#include <functional>

#include "faults.h"
#include "jira_api.h"
#include "request_log.h"
#include "sim_context.h"

namespace jira_sim {

// /_sim/...: what a test, benchmark or demo needs to steer the simulator and look inside it. No
// authentication; the server refuses it to anything but loopback peers.
class ControlApi {
 public:
  ControlApi(SimContext& ctx, JiraApi& api, FaultRules& faults, RequestLog& log,
             std::function<void()> save_state)
      : ctx_(ctx), api_(api), faults_(faults), log_(log), save_state_(std::move(save_state)) {}

  void handle(const httplib::Request& req, httplib::Response& res);
  // Empties the state and seeds it again when asked; the caller holds the state mutex.
  void reset_locked(bool seed);

 private:
  void edit_issue(const std::string& key, const json& body, httplib::Response& res);
  void bulk_refuse(const httplib::Request& req, httplib::Response& res);

  SimContext& ctx_;
  JiraApi& api_;
  FaultRules& faults_;
  RequestLog& log_;
  std::function<void()> save_state_;
};

}  // namespace jira_sim

#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "options.h"
#include "state.h"
#include "workflow.h"

namespace jira_sim {

// What every handler shares. `mu` guards `state` and nothing else: latency, fault hangs and
// rate limiting all happen outside it so concurrent clients are never serialised by them.
struct SimContext {
  SimContext(SimOptions opts, Workflow wf)
      : options(std::move(opts)),
        workflow(std::move(wf)),
        state(options),
        latency_ms(options.latency_ms),
        search_lag_ms(options.search_lag_ms) {}

  SimOptions options;
  Workflow workflow;
  std::mutex mu;
  SimState state;
  std::atomic<int> latency_ms;
  std::atomic<int> search_lag_ms;
  std::string base_url;  // set once the port is known
};

}  // namespace jira_sim

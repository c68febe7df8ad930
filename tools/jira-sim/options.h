#pragma once

#include <string>

namespace jira_sim {

enum class Flavour { kCloud, kDataCenter };
// Team-managed projects put stories under an epic with `parent`; company-managed ones use the
// Epic Link custom field. Clients must cope with both, so the simulator can be either.
enum class ProjectStyle { kTeamManaged, kCompanyManaged };

struct SimOptions {
  int port = 0;
  Flavour flavour = Flavour::kCloud;
  ProjectStyle style = ProjectStyle::kTeamManaged;
  std::string project_key = "PROJ";
  std::string project_name = "Demo project";
  bool seed = false;
  std::string email = "sim@example.com";
  std::string api_token = "sim-token";
  std::string pat = "sim-pat";
  std::string workflow_file;  // empty: the built-in default workflow
  std::string state_file;     // empty: nothing loaded at start or saved at exit
  int latency_ms = 0;
  double rate_per_second = 0;  // 0: no rate limit
  int burst = 0;               // 0: one second's worth of requests
  int search_lag_ms = 0;
  bool frozen_clock = false;
  // Whether the user administers the project: without it, Jira Cloud refuses an edit that asks
  // not to notify watchers (notifyUsers=false).
  bool project_admin = true;
  // Whether the user holds the global Bulk Change permission that Cloud's bulk operations
  // (bulk/issues/..., bulk/queue) require.
  bool bulk_permission = true;
  // How long a bulk task takes from start to finish: its issues are applied one by one, spread
  // over this time, so a client sees it ENQUEUED and RUNNING before COMPLETE. 0: no pauses.
  int bulk_task_ms = 100;
  int threads = 32;
  bool verbose = false;
};

}  // namespace jira_sim

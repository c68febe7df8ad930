#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "cli/options.h"
#include "config/config.h"
#include "model/epic.h"
#include "plan/plan.h"
#include "plan/status_map.h"
#include "sync/tracker_lease.h"
#include "tracker/tracker.h"

namespace epicsync::cli {

// What the execute half of a sync needs from the dry-run half.
struct ExecuteInput {
  const Options& options;
  const config::Config& config;
  const std::string& epic_key;
  const tracker::EpicSnapshot& snapshot;
  const plan::Plan& plan;
  const plan::StatusMap& status_map;
  const std::string& source_text;  // the markdown as read, for --update-source
  const model::Epic& epic;
  // The epic's lease on the tracker, held while writing (null: nothing to write); execute_plan
  // releases it when the writes are done.
  sync::TrackerLease* lease = nullptr;
  // The same desired state planned against another snapshot: after the run, against the issues
  // read again, it must want nothing that was done (the check of the writes). Unset: no check.
  std::function<plan::Plan(const tracker::EpicSnapshot&)> replan;
};

// Confirms, backs up, applies the plan with a journal, seals it, keeps retention, and reports.
// The epic's lock is taken by the caller before the snapshot is read.
int execute_plan(const ExecuteInput& in, tracker::Tracker& tracker, std::ostream& out,
                 std::ostream& err);

// The JSON error of a sync that left three-way conflicts alone (exit 10).
nlohmann::json conflict_error(const plan::Plan& plan);

}  // namespace epicsync::cli

#pragma once

#include "config/config.h"
#include "error.h"
#include "model/epic.h"
#include "plan/planner.h"
#include "tracker/tracker.h"

namespace epicsync::cli {

// jira.status_map over the usual names.
plan::StatusMap status_map_from(const config::Config& c);

// What the planner must know of the tracker to plan this file, read only when the file needs it:
// the field table (the epic's screen too when the epic sets fields), the users it names, the
// workflow's statuses when it names one, and whether cancelled can be expressed. A sync and the
// check of a pulled file both plan from these, so they decide alike.
Result<tracker::Done> read_plan_inputs(tracker::Tracker& tracker, const tracker::TrackerInfo& info,
                                       const model::Epic& epic, plan::PlanOptions& options);

}  // namespace epicsync::cli

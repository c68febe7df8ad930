#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/vocabulary.h"
#include "tracker/remote_issue.h"

namespace epicsync::plan {

// Which workflow statuses mean what. Configuration (jira.status_map) may name a project's own
// statuses per meaning; the defaults are the usual names, then the status category.
struct StatusMap {
  std::map<model::StatusMeaning, std::vector<std::string>> names;
  static StatusMap defaults();
};

// Whether an issue in `status` (resolved as `resolution`) already is in the state `meaning`
// asks for. Many workflows have no Cancelled status: there, a done-category status with a
// resolution such as "Won't Do" is what cancelled means.
bool satisfies(const StatusMap& map, model::StatusMeaning meaning,
               const tracker::RemoteStatus& status, const std::string& resolution = {});

// Resolutions that say the work was dropped rather than done.
bool cancel_resolution(const std::string& resolution);

// The status to move an issue to for `meaning`, among the workflow's statuses. Cancelled falls
// back to the done-category status when the workflow has no cancel status (the transition then
// resolves the issue as Won't Do).
std::optional<tracker::RemoteStatus> target_status(const StatusMap& map,
                                                   model::StatusMeaning meaning,
                                                   const std::vector<tracker::RemoteStatus>& all);

// The tracker's priority name for a meaning (Jira's defaults: Highest … Lowest).
std::string priority_name(model::PriorityMeaning meaning);

}  // namespace epicsync::plan

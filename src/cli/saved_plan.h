#pragma once

// Saved plans (--plan-out, --apply): review a plan in a pull request, apply exactly that plan
// after the merge. The file holds what the plan was made from (the markdown itself, its hash, the
// epic, --story, --phase, --prune), the plan as it was shown (every operation with the values it
// writes), and every issue the plan writes to as the tracker held it then. --apply makes the plan
// again from the saved markdown and the tracker as it is now, and applies it only when nothing
// it writes to changed and the new plan is the saved one; otherwise the plan is stale (exit 11)
// and nothing is written. The file holds no credential: only what a dry run prints.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.h"
#include "plan/plan.h"
#include "tracker/remote_issue.h"

namespace epicsync::cli {

inline constexpr int kSavedPlanVersion = 1;

// What a plan means beyond its text: the tracker it was made against, the epic's id, and how
// the configuration maps the file onto that tracker (the story points field, the field table,
// the status map). The same plan text can write elsewhere when one of these differs.
nlohmann::json plan_context(const std::string& jira_url, const tracker::EpicSnapshot& snapshot,
                            const tracker::TrackerInfo& info,
                            const std::map<std::string, std::vector<std::string>>& status_map);

struct SavedPlan {
  std::string epic;
  std::string source_path;  // as given to --markdown when the plan was made
  std::string markdown;     // the file's text then
  std::vector<std::string> stories;
  std::string phase = "all";
  bool prune = false;
  std::string created;            // UTC, for people
  nlohmann::json plan;            // plan_to_json of the plan as it was shown
  nlohmann::json context;         // plan_context when it was made
  tracker::EpicSnapshot touched;  // the issues the plan writes to (stories, sub-tasks, the epic)
};

// The plan file's JSON for a plan made from `markdown` against `snapshot` (saved.context set),
// with a checksum over all of it: a plan edited by hand is not the plan that was reviewed.
nlohmann::json saved_plan_json(const SavedPlan& saved, const plan::Plan& plan,
                               const tracker::EpicSnapshot& snapshot);

// Reads and checks a plan file: its format, a version this epicsync reads, and the markdown's
// hash (a file edited by hand is damaged, not a plan). kInputFile for what is wrong with it.
Result<SavedPlan> read_saved_plan(const std::string& path);

// Why the saved plan cannot be applied to the tracker as it is now, one line per reason: an
// issue it writes to was changed since (and how) or is gone, or the plan made now differs from
// the saved one (new issues it would collide with, something else that moved). Empty: apply it.
std::vector<std::string> stale_reasons(const SavedPlan& saved, const tracker::EpicSnapshot& now,
                                       const plan::Plan& replanned, const nlohmann::json& context);

}  // namespace epicsync::cli

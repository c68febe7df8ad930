#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "plan/plan.h"

namespace epicsync::report {

struct RenderStyle {
  bool color = false;
};

// The plan as a reviewer reads it: per issue what changes (field: old → new, the description as
// a unified diff, new sub-tasks, transitions), then totals. "Nothing to do" for an empty plan.
std::string render_plan_text(const plan::Plan& plan, const RenderStyle& style);

// The same plan as data (docs/sync.md describes the fields).
nlohmann::json plan_to_json(const plan::Plan& plan);

struct PlanTotals {
  int stories_created = 0, subtasks_created = 0, issues_updated = 0, transitions = 0, comments = 0,
      links = 0, identities = 0, deletions = 0;
};
PlanTotals totals(const plan::Plan& plan);

}  // namespace epicsync::report

#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace epicsync::report {

struct RenderStyle {
  bool color = false;
};

// The plan grouped as a reviewer reads it: one block per issue (or story to create), in the
// file's order, with a line per change. The text and markdown renderers both draw these.
struct PlanLine {
  std::string text;
  const char* color = nullptr;  // an ANSI code for text output; nullptr: plain
  std::string diff;             // a unified diff under the line (the description), or ""
};
struct PlanBlock {
  std::string key;      // the issue's key; "" for a story or sub-task still to be created
  std::string heading;  // "PROJ-2  Guest checkout", "+ US-1: Login (NEW)"
  const char* color = "1";
  bool is_new = false;
  std::vector<PlanLine> lines;
};
std::vector<PlanBlock> plan_blocks(const plan::Plan& plan);

// The plan as a reviewer reads it: per issue what changes (field: old → new, the description as
// a unified diff, new sub-tasks, transitions), then totals. "Nothing to do" for an empty plan.
std::string render_plan_text(const plan::Plan& plan, const RenderStyle& style);
// The issues epicsync managed that the file no longer has, and what --prune does with them; ""
// when there are none.
std::string render_orphans(const plan::Plan& plan, const RenderStyle& style);

// The same plan as data (docs/sync.md describes the fields).
nlohmann::json plan_to_json(const plan::Plan& plan);

struct PlanTotals {
  int stories_created = 0, subtasks_created = 0, issues_updated = 0, transitions = 0, comments = 0,
      links = 0, identities = 0, deletions = 0;
};
// What the plan does, leaving out the operations in `left_out` (those that failed, once run).
PlanTotals totals(const plan::Plan& plan, const std::set<size_t>& left_out = {});
// What a finished sync did, in the past tense: "created 1 story and 2 sub-tasks, updated 3
// issues, made 4 transitions"; "nothing changed".
std::string sync_summary(const PlanTotals& totals);

}  // namespace epicsync::report

#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "plan/plan.h"
#include "report/plan_render.h"

namespace epicsync::report {

// What a rollback or restore does, counted as a person wants it in the final summary.
struct RestoreTotals {
  int issues_restored = 0;  // issues whose fields, status, comments or links are put back
  int subtasks_deleted = 0, stories_deleted = 0, issues_recreated = 0, transitions = 0,
      comments_removed = 0, comments_restored = 0, links_removed = 0, links_restored = 0;
};
// Over the operations not in `failed` (indexes into plan.operations).
RestoreTotals restore_totals(const plan::Plan& plan, const std::set<size_t>& failed = {});

// The per-issue list of what will be done ("restore Summary: … → …", "transition back
// In Progress → Open", "delete sub-task …"), then conflicts and notes.
std::string render_restore_plan(const plan::Plan& plan, const RenderStyle& style);
std::string render_conflicts(const plan::Plan& plan, const RenderStyle& style);

// "2 issues restored, 8 sub-tasks deleted, 1 story deleted, 3 transitions": what happens, each
// count only when it is not zero ("nothing changed" when all are).
std::string restore_summary(const RestoreTotals& t, int conflicts);

nlohmann::json restore_totals_json(const RestoreTotals& t);
nlohmann::json conflicts_json(const plan::Plan& plan);

}  // namespace epicsync::report

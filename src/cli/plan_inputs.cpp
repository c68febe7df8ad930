#include "cli/plan_inputs.h"

#include <algorithm>

#include "field_values.h"

namespace epicsync::cli {

namespace {

bool uses_cancelled(const model::Epic& epic) {
  return plan::any_status(epic, [](const model::Status& s) {
    return !s.by_name() && s.meaning == model::StatusMeaning::kCancelled;
  });
}

}  // namespace

plan::StatusMap status_map_from(const config::Config& c) {
  auto map = plan::StatusMap::defaults();
  for (const auto& [meaning, names] : c.status_map) {
    if (auto m = model::status_from_id(meaning)) map.names[*m] = names;
  }
  return map;
}

Result<tracker::Done> read_plan_inputs(tracker::Tracker& tracker, const tracker::TrackerInfo& info,
                                       const model::Epic& epic, plan::PlanOptions& options) {
  options.fields = info.fields;
  options.wiki = info.deployment == tracker::Deployment::kDataCenter;
  // The epic's own fields are checked against the epic's screen, read only for a file that has
  // some.
  if (!epic.fields.empty() && options.stories.empty()) {
    auto every = tracker.fields_on_every_screen();
    if (!every) return every.error();
    options.fields = *every;
  }
  std::vector<std::string> assignees;
  // Users are resolved once for assignees and user fields alike.
  auto user_fields = [&](const std::vector<model::FieldSetting>& settings) {
    for (const auto& f : settings) {
      for (const auto& spec : options.fields) {
        if (spec.kind == tracker::FieldKind::kUser && f.value != "-" &&
            markdown::folded_name(spec.name) == markdown::folded_name(f.field)) {
          assignees.push_back(f.value);
        }
      }
    }
  };
  if (options.stories.empty()) user_fields(epic.fields);
  for (const auto& s : epic.stories) {
    if (options.stories.empty() || options.stories.count(s.id)) {
      if (s.assignee) assignees.push_back(*s.assignee);
      user_fields(s.fields);
    }
  }
  if (!assignees.empty()) {
    auto users = tracker.resolve_users(assignees);
    if (!users) return users.error();
    options.user_ids = *users;
    options.users_resolved = true;
  }
  // A status written by name is matched against the workflow's statuses.
  if (plan::uses_named_status(epic)) {
    auto by_type = tracker.workflow_statuses();
    if (!by_type) return by_type.error();
    options.workflow = *by_type;
  }
  // Cancelled needs a cancelled status or a Won't Do resolution; only a file that uses it asks.
  if (uses_cancelled(epic) || options.prune == plan::Prune::kClose) {
    auto all = tracker.statuses();
    if (!all) return all.error();
    auto target = plan::target_status(options.status_map, model::StatusMeaning::kCancelled, *all);
    bool expressible =
        target && plan::satisfies(options.status_map, model::StatusMeaning::kCancelled, *target);
    if (!expressible) {
      auto names = tracker.resolutions();
      if (!names) return names.error();
      expressible = std::any_of(names->begin(), names->end(), plan::cancel_resolution);
    }
    options.cancel_expressible = expressible;
  }
  return tracker::Done{};
}

}  // namespace epicsync::cli

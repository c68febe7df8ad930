#pragma once

// The words every JSON document of epicsync uses for the same things (docs/schema/): a field
// change, a status change, a backup. The dry run, the execute result, the backup diff, the
// rollback and restore documents and the backup listings all build them here, so that a script
// reads "points" or a backup the same way in each.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "backup/backup_store.h"
#include "plan/plan.h"

namespace epicsync::report {

// The stable id of a field shown to a person as `label` ("Story Points" → "points"): summary,
// description, points, priority, labels, assignee, status, resolution, parent, subtask.
std::string field_id(std::string_view label);

// {"field": id, "from": text or null, "to": text or null}; an empty text is null (no value).
nlohmann::json field_change_json(const plan::FieldChange& change);
// {"field": "description", "diff": unified diff of the markdown}.
nlohmann::json description_change_json(const std::string& diff);

// {"from": status name or null, "to": status name}.
nlohmann::json status_change_json(const std::string& from, const std::string& to);

// {"id", "epic", "trigger", "name", "notes", "issues", "created"}, plus "path" when given.
nlohmann::json backup_json(const backup::Manifest& manifest,
                           const std::optional<std::string>& path = std::nullopt);

// A text, or null when it is empty.
nlohmann::json text_or_null(const std::string& s);

}  // namespace epicsync::report

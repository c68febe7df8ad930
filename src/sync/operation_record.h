#pragma once

#include <nlohmann/json.hpp>

#include "plan/plan.h"

namespace epicsync::sync {

// What the journal records before an operation is sent: the operation as the plan shows it
// (`shown`, from report::plan_to_json) plus "sent", the exact values written, so that a later
// rollback can tell whether a field still holds what epicsync wrote or someone changed it since.
// Format: docs/backup-format.md ("The journal").
nlohmann::json operation_record(const plan::Operation& op, nlohmann::json shown);

// The values in "sent", by field: "summary", "description" ({"markdown": …} or {"format",
// "raw"}), "points" (number or null), "priority", "labels", "assignee".
nlohmann::json sent_fields(const tracker::FieldChanges& changes);
nlohmann::json sent_fields(const tracker::IssueDraft& draft);

}  // namespace epicsync::sync

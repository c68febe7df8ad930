#pragma once

#include <nlohmann/json.hpp>

#include "backup/journal_record.h"
#include "plan/plan.h"

namespace epicsync::sync {

// What the journal records before an operation is sent (backup/journal_record.h): its kind, the
// issue, and "sent", the exact values written, so that a later rollback can tell whether a field
// still holds what epicsync wrote or someone changed it since. Independent of how the plan is
// shown. Format: docs/backup-format.md ("Journal records").
backup::IntentRecord intent_record(const plan::Operation& op);

// The values in "sent", by field: "summary", "description" ({"markdown": …} or {"format",
// "raw"}), "points" (number or null), "priority", "labels", "assignee".
nlohmann::json sent_fields(const tracker::FieldChanges& changes);
nlohmann::json sent_fields(const tracker::IssueDraft& draft);

}  // namespace epicsync::sync

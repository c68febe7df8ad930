#pragma once

#include <set>
#include <string>
#include <vector>

#include "error.h"
#include "plan/plan.h"
#include "plan/planner.h"
#include "restore/write_history.h"
#include "tracker/remote_issue.h"

namespace epicsync::restore {

enum class RestoreMode {
  // --rollback: undo exactly what one sync's journal records, nothing else.
  kRollback,
  // --restore-backup: every managed field, description and status of every issue in the backup;
  // sub-tasks created since are deleted, issues deleted since are created again, stories created
  // since are kept (and listed).
  kRestore,
};

struct RestoreOptions {
  RestoreMode mode = RestoreMode::kRestore;
  bool force = false;             // overwrite what others changed since (no conflicts)
  std::set<std::string> issues;   // --issue KEY: only these issues (empty: all)
  std::set<std::string> stories;  // --story ID: only these stories and their sub-tasks
  plan::RichTextOps rich_text;    // comparing and showing descriptions
  // The project's field table, for the names of the extra fields in what a restore shows.
  std::vector<tracker::FieldSpec> fields;
};

// The managed fields, in the order they are compared and shown.
inline constexpr const char* kRestoredFields[] = {"summary",  "description", "points",
                                                  "priority", "labels",      "assignee"};

// The fields a restore compares on an issue: the fixed ones above, then each field of the table
// the reference (the backup's issue) holds, as "field:<id>" (its journal key).
std::vector<std::string> restored_fields(const tracker::RemoteIssue& reference);

// backup (desired) × current (actual) × what epicsync wrote since the backup → the plan that
// brings the tracker back, with drift protection: a field that no longer holds what epicsync
// wrote is a conflict and is left alone unless `force`. `undo` is the journal history of the sync
// being rolled back (kRollback: only what it did is undone); `since` holds every journal from the
// backup's on. Pure: no I/O. kUsage for an --issue or --story that is in neither state.
Result<plan::Plan> make_restore_plan(const tracker::EpicSnapshot& backup,
                                     const tracker::EpicSnapshot& current,
                                     const WriteHistory& since, const WriteHistory& undo,
                                     const RestoreOptions& options);

// Whether `issue` holds the same value of `field` as `reference` (descriptions compared in
// normalised form).
bool same_field(const std::string& field, const tracker::RemoteIssue& issue,
                const tracker::RemoteIssue& reference, const plan::RichTextOps& rich_text);

// The field as a person reads it ("3", "High", "backend, api", "-" for nothing).
std::string field_text(const std::string& field, const tracker::RemoteIssue& issue);

}  // namespace epicsync::restore

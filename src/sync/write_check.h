#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"
#include "sync/executor.h"
#include "tracker/remote_issue.h"

namespace epicsync::sync {

// After a sync has run: the writes it reported done are checked against the epic as read again,
// so a write Jira answered but did not keep (or kept otherwise) is reported, not assumed.
// The check is the planner itself: the same desired state planned against the issues read after
// the run must no longer want what was done.

// The tracker ids of the issues the run wrote to or created, to read again.
std::vector<std::string> written_issue_ids(const plan::Plan& plan, const ExecutionReport& report,
                                           const tracker::EpicSnapshot& before);

// The epic after the run, as far as it was read again.
struct ReadBack {
  tracker::EpicSnapshot snapshot;
  // Issues written to that the read did not return, though the plan did not delete them: their
  // writes cannot be checked, which is said rather than assumed.
  std::vector<std::string> unreadable;
};

// `before` with each issue of `fresh` in place of its old copy and the new ones added (as stories
// or sub-tasks). Of the issues `asked` for and not returned, those the plan deleted are left out
// (as they should be); the others are kept as they were and listed as unreadable.
ReadBack with_fresh_issues(const plan::Plan& plan, const ExecutionReport& report,
                           const tracker::EpicSnapshot& before,
                           const std::vector<std::string>& asked,
                           const std::vector<tracker::RemoteIssue>& fresh);

// The writes of `plan` reported done that `again` (the plan made after the run from the same
// desired state) still wants, one line each: the issue and what does not hold.
std::vector<std::string> unheld_writes(const plan::Plan& plan, const ExecutionReport& report,
                                       const plan::Plan& again);

}  // namespace epicsync::sync

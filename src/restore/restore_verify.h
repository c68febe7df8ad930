#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"
#include "plan/planner.h"
#include "sync/executor.h"
#include "tracker/remote_issue.h"

namespace epicsync::restore {

// After a restore has run: every operation the executor reports done is checked against the
// epic as read again (`after`), so the report says what really holds instead of claiming
// success. Each entry names the issue, the field, what was wanted and what is there.
std::vector<std::string> verify_restore(const plan::Plan& plan, const sync::ExecutionReport& report,
                                        const tracker::EpicSnapshot& after,
                                        const plan::RichTextOps& rich_text);

}  // namespace epicsync::restore

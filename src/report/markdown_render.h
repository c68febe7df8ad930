#pragma once

// GitHub-flavoured markdown for a pull request comment (-o markdown): a summary table, a
// collapsible block per issue, description changes in ```diff blocks. The output depends only on
// the plan or the diff, never on the time or the terminal, so a bot can update one comment in
// place and see no change when nothing changed.

#include <string>

#include "plan/plan.h"
#include "report/snapshot_diff.h"

namespace epicsync::report {

// A sync's plan (a dry run). `source` names the file it was made from.
std::string render_plan_markdown(const plan::Plan& plan, const std::string& source);

// A rollback or restore preview: what it puts back, per issue, and the conflicts it leaves.
// `what` says which ("Rollback of PROJ-1 to backup_…").
std::string render_restore_markdown(const plan::Plan& plan, const std::string& what,
                                    const std::string& text_body);

// What changed in the epic since a backup.
std::string render_diff_markdown(const SnapshotDiff& diff, const std::string& backup_id);

// Text made safe inside markdown: a table cell or a line of a list shows it as written.
std::string markdown_escape(const std::string& text);
// The same for the text of a list item, which must not start a nested list ("+ Guest form").
std::string list_item(const std::string& text);

}  // namespace epicsync::report

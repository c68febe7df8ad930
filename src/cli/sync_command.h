#pragma once

#include <ostream>

#include <string>

#include "cli/options.h"
#include "cli/tracker_session.h"

namespace epicsync::cli {

// `epicsync --markdown EPIC.md --epic KEY`: reads the file and the tracker, plans, and shows
// what would change (a dry run: nothing is written).
int run_sync(const Options& options, std::ostream& out, std::ostream& err);

// One epic of a run over many (run_many): the file's text read already, the tracker from the
// run's pool.
int run_sync_one(const Options& options, const std::string& text, TrackerPool& pool,
                 std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

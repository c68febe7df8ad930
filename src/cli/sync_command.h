#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// `epicsync --markdown EPIC.md --epic KEY`: reads the file and the tracker, plans, and shows
// what would change (a dry run: nothing is written).
int run_sync(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

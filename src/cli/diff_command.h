#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// --diff-latest / --diff-backup ID: what changed in the epic since a backup. Exit 0 whether or
// not anything changed.
int run_diff(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

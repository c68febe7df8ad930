#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// --rollback (undo the last sync) and --restore-backup ID (back to any backup): a preview, or
// with --execute a pre-rollback backup, the writes, and a verification read.
int run_restore(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

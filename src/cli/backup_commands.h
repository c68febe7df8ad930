#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// --list-backups, --backup NAME, --cleanup-backups --keep N, --verify-backups.
int run_backup_command(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// A sync of many epics in one run: `-m` given several times, or a folder (each *.md in it that
// names its Epic Key; the others are listed and skipped). One tracker pool for all (one client:
// one connection pool and rate-limit budget; discovery once per project), up to four epics
// planned and applied at once, each with its own lock, lease, backup and journal, exactly as a
// run of that epic alone. Each epic's report is printed whole, in file order, then one summary;
// with -o json one document holds every epic's. A failing epic does not stop the others; the
// exit code is the most severe of them.
int run_many(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

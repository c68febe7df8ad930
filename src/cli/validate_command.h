#pragma once

#include <ostream>

#include "cli/options.h"
#include "error.h"

namespace epicsync::cli {

// `epicsync --validate`: parses the file and reports; the exit code follows cli.md.
int run_validate(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

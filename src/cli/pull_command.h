#pragma once

#include <ostream>

#include "cli/options.h"

namespace epicsync::cli {

// --pull: the tracker's epic written as the markdown file (docs/pull.md); with --story or
// --issue, one story refreshed inside an existing file.
int run_pull(const Options& o, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

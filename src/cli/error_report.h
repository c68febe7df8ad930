#pragma once

#include <ostream>

#include "cli/options.h"
#include "error.h"

namespace epicsync::cli {

// The one place an Error becomes words and an exit code: a line on stderr, or in JSON mode the
// document {"ok":false,"error":{...}} on stdout.
int report_error(OutputFormat format, const Error& error, std::ostream& out, std::ostream& err);

}  // namespace epicsync::cli

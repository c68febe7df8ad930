#pragma once

#include <ostream>
#include <string>

#include "cli/options.h"
#include "error.h"

namespace epicsync::cli {

// The one place an Error becomes words and an exit code: a line on stderr, or in JSON mode the
// document {"ok":false,"error":{...}} on stdout.
int report_error(OutputFormat format, const Error& error, std::ostream& out, std::ostream& err);

// What to say under a 401 from the tracker: which credentials were sent (names and sources,
// never values; see credentials_hint). Set once the configuration is known (open_tracker);
// process-wide, so that each command's many error paths need not carry it.
void set_auth_hint(std::string hint);

}  // namespace epicsync::cli

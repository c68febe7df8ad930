#pragma once

#include <string>

#include "error.h"

namespace epicsync {

// The whole content of a file the user named, or a kInputFile error that says why not
// (missing, a directory, no permission) in words a person can act on.
Result<std::string> read_input_file(const std::string& path);

}  // namespace epicsync

#pragma once

#include <map>
#include <string>
#include <string_view>

#include "error.h"

namespace epicsync::config {

// Parses .env text: KEY=VALUE lines, optional `export `, # comments, single quotes (literal) or
// double quotes (\n, \" and \\ escapes), no variable expansion. Later lines win. A malformed line
// is a kUsage error "<file>:<line>: …" that never quotes the line, which may hold a secret.
Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text,
                                                        const std::string& file);

}  // namespace epicsync::config

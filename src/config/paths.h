#pragma once

#include <optional>
#include <string>

#include "error.h"

namespace epicsync::config {

// "~" or "~/…" with `home`; other paths unchanged. nullopt when ~ is used and home is unknown.
std::optional<std::string> expand_home(const std::string& path, const std::string& home);

// `path` if absolute, else `dir`/`path`.
std::string absolute_from(const std::string& path, const std::string& dir);

// The file's contents; nullopt when nothing exists at `path`; kInputFile when something does
// but cannot be read as a file.
Result<std::optional<std::string>> read_file_if_exists(const std::string& path);

}  // namespace epicsync::config

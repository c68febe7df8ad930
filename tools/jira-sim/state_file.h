#pragma once

#include <optional>
#include <string>

namespace jira_sim {

// Temp file, fsync, rename, fsync the directory: a crash leaves the old file or the new one,
// never half of either. Throws std::runtime_error with the failing step.
void write_file_atomically(const std::string& path, const std::string& content);
// The file's content, or nullopt when it does not exist; throws when it exists but cannot be read.
std::optional<std::string> read_file_if_exists(const std::string& path);

}  // namespace jira_sim

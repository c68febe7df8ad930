#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "error.h"
#include "tracker/tracker.h"

namespace epicsync::backup {

using tracker::Done;

// An error carrying the OS's own words, e.g. "cannot create /x/y: Permission denied".
Error os_error(ErrorKind kind, std::string_view action, const std::filesystem::path& path,
               int errnum);

Result<std::string> read_file(const std::filesystem::path& path);

// Makes a rename or a new entry in `dir` survive a power loss.
Result<Done> sync_directory(const std::filesystem::path& dir);

// Creates `dir` and any missing parents with mode 0700; existing directories keep their mode.
Result<Done> make_private_dirs(const std::filesystem::path& dir);

// Writes all of `data` to `fd`, resuming after short writes and EINTR.
bool write_all(int fd, std::string_view data);

}  // namespace epicsync::backup

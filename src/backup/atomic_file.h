#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "backup/file_io.h"

namespace epicsync::backup {

struct AtomicWriteOptions {
  mode_t mode = 0600;
  // Rewriting a user's own file (the markdown, for --update-source) must not change who can
  // read it, so its current mode wins over `mode` when the file exists.
  bool keep_existing_mode = false;
};

// Replaces `path` with `content` so that readers, and the disk after a crash or power loss, see
// either the old file or the new one, never a mix: a temporary file in the same directory
// (O_EXCL), fsync, rename over `path`, fsync of the directory. The temporary file is removed on
// failure. A symbolic link at `path` is replaced by the file, not followed.
Result<Done> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                               const AtomicWriteOptions& options = {});

}  // namespace epicsync::backup

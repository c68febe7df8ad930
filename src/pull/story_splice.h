#pragma once

#include <string>
#include <string_view>

namespace epicsync::pull {

// The file with the story whose heading is on `heading_line` (1-based) replaced by `block`: from
// its heading to the line before the next heading of its level or above (or the end of the
// file), blank lines at its end kept. Every other byte is kept; the block takes the file's line
// endings. `heading_line` 0 appends the block at the end of the file instead.
std::string splice_story(std::string_view text, int heading_line, int level,
                         std::string_view block);

}  // namespace epicsync::pull

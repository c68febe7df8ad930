#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace epicsync::pull {

// The file with the story whose heading is on `heading_line` (1-based, lines ended as the parser
// ends them: LF, CRLF or a lone CR) replaced by `block`: from its heading to the line before the
// next story (`next_story_line`, 0 when none) or the next heading of its level or above, whichever
// comes first (or the end of the file), blank lines at its end kept. Every other byte is kept;
// the block takes the line ending of the story's heading line. `heading_line` 0 appends the block
// at the end of the file instead. Nullopt when the file has no such line.
std::optional<std::string> splice_story(std::string_view text, int heading_line,
                                        int next_story_line, int level, std::string_view block);

}  // namespace epicsync::pull

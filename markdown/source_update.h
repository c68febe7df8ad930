#pragma once

#include <map>
#include <string>
#include <string_view>

#include "model/epic.h"

namespace epicsync::markdown {

// The file with each story's tracker key written in: an existing Issue field is updated, a
// missing one is added in the story's own metadata style (a table row, a bold line, a quoted
// line, or a bold line under the heading when the story has no metadata). Every other byte is
// kept, line endings included. `keys` maps story ids to keys; stories not in it are untouched.
std::string with_tracker_keys(std::string_view text, const model::Epic& epic,
                              const std::map<std::string, std::string>& keys);

}  // namespace epicsync::markdown

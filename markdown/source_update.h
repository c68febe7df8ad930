#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "model/epic.h"

namespace epicsync::markdown {

// The file with each story's tracker key written in: an existing Issue field is updated, a
// missing one is added in the story's own metadata style (a table row, a bold line, a quoted
// line, or a bold line under the heading when the story has no metadata). Every other byte is
// kept, line endings included. `keys` maps story ids to keys; stories not in it are untouched.
// `subtask_keys` does the same for sub-tasks, by story id and the sub-task's index in its story:
// a table gets the key in its Key column (a Key column is added when it has none), a task-list
// item a trailing "(PROJ-12)" after its name.
using SubtaskKeys = std::map<std::pair<std::string, size_t>, std::string>;
std::string with_tracker_keys(std::string_view text, const model::Epic& epic,
                              const std::map<std::string, std::string>& keys,
                              const SubtaskKeys& subtask_keys = {});

}  // namespace epicsync::markdown

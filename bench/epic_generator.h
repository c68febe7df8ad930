#pragma once

#include <cstdint>
#include <string>

#include "model/epic.h"

namespace epicsync::bench {

struct GeneratorOptions {
  int stories = 10;
  int subtasks_per_story = 3;
  uint32_t seed = 1;
  std::string project = "PROJ";
};

// A synthetic epic that uses every form the format allows: the three metadata styles, both
// subtask styles, criteria, notes, commits, comments and rich descriptions. Deterministic for a
// given seed. Positions are left empty.
model::Epic generate_epic(const GeneratorOptions& options);

// The same epic for a first sync to jira-sim: no story pinned to a tracker key and no assignees
// (the simulator knows none of the generated people).
model::Epic generate_epic_for_sim(const GeneratorOptions& options);

// The markdown a person would write for `epic`. Story i uses metadata style i % 3 and subtask
// style i % 2, so parsing the result must give back `epic` (positions aside).
std::string render_epic(const model::Epic& epic);

}  // namespace epicsync::bench

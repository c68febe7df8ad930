#pragma once

#include <string>

#include "model/epic.h"

namespace epicsync::markdown {

// The markdown that becomes the story's description in the tracker: the Description section
// (or the text before the first section), then Acceptance Criteria, Technical Notes and every
// other section under its own heading, in the order the author wrote them, each byte for byte.
std::string compose_description(const model::Story& story);

}  // namespace epicsync::markdown

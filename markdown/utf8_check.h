#pragma once

#include <optional>
#include <string_view>

#include "model/source_pos.h"

namespace epicsync::markdown {

// The position of the first byte that is not valid UTF-8 (overlongs, surrogates and code points
// past U+10FFFF included), or nullopt when the whole text is valid.
std::optional<model::SourcePos> first_invalid_utf8(std::string_view text);

}  // namespace epicsync::markdown

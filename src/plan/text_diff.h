#pragma once

#include <string>
#include <string_view>

namespace epicsync::plan {

// A unified diff of two texts, line by line, with three lines of context around each change and
// no file header: what a reviewer reads under "Description:". Empty when the texts are equal.
std::string unified_diff(std::string_view before, std::string_view after);

}  // namespace epicsync::plan

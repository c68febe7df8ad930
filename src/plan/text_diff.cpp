#include "plan/text_diff.h"

#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace epicsync::plan {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after) {
  if (before == after) return {};
  const auto a = lines_of(before);
  const auto b = lines_of(after);
  dtl::Diff<std::string> diff(a, b);
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream out;
  diff.printUnifiedFormat(out);
  return out.str();
}

}  // namespace epicsync::plan

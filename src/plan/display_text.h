#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace epicsync::plan {

// Values as every report shows them (a plan, a backup diff, a rollback), so that "Story Points:
// 5 → 8" or "Labels: api, web" read the same wherever they appear.

// 3, 2.5: no trailing zeros.
inline std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// "a, b, c" in the order given.
inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace epicsync::plan

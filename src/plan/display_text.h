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

// "1 story", "3 stories".
inline std::string plural(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// How many entries of one list (problems, failures, conflicts, diagnostics) a person is shown
// before the rest is summed up in one line: a run that fails on 4,000 issues should still fit
// on a screen. JSON output always lists them all.
inline constexpr size_t kShownEntries = 20;

// Calls show(entry) for the first kShownEntries entries of `entries`, then `more(n)` once with
// the number left out (when any were).
template <typename Entries, typename Show>
size_t show_some(const Entries& entries, Show show) {
  size_t n = 0;
  for (const auto& e : entries) {
    if (n++ == kShownEntries) break;
    show(e);
  }
  return entries.size() > kShownEntries ? entries.size() - kShownEntries : 0;
}

// The line that stands for the entries left out.
inline std::string and_more(size_t hidden) {
  return "… and " + std::to_string(hidden) + " more (--output json lists them all)";
}

}  // namespace epicsync::plan

#pragma once

#include <string>
#include <string_view>

namespace epicsync::jira {

// Lower case for protocol words (header names, hosts, field and status names we compare);
// ASCII only, so it never depends on the locale.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace epicsync::jira

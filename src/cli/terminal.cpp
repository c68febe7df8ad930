#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace epicsync::cli {

Style detect_style(bool no_color_flag) {
  const char* no_color = std::getenv("NO_COLOR");
  Style s;
  s.color = !no_color_flag && (no_color == nullptr || *no_color == '\0') && ::isatty(1) == 1;
  return s;
}

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string fit(std::string_view s, size_t width) {
  if (display_width(s) <= width) return std::string(s);
  std::string out;
  size_t cols = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead && ++cols > width - 1) break;
    out += s[i];
  }
  return out + "\xE2\x80\xA6";
}

}  // namespace epicsync::cli

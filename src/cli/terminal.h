#pragma once

#include <string>
#include <string_view>

namespace epicsync::cli {

// Colour only for a person at a terminal: not when NO_COLOR is set, --no-color is given or
// stdout is a pipe or file.
struct Style {
  bool color = false;
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }

 private:
  std::string wrap(const char* code, std::string_view s) const {
    if (!color) return std::string(s);
    return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
  }
};

Style detect_style(bool no_color_flag);

// The number of terminal columns a UTF-8 string takes, counting every code point as one.
size_t display_width(std::string_view s);
// Cut to at most `width` columns, with an ellipsis when something was cut.
std::string fit(std::string_view s, size_t width);

}  // namespace epicsync::cli

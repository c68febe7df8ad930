#include "utf8_check.h"

#include <cstdint>
#include <cstring>

namespace epicsync::markdown {
namespace {

// The offset of the first invalid byte, or npos. Positions are worked out only on failure, so
// the common case is a tight loop that skips ASCII eight bytes at a time.
size_t first_invalid_offset(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    }
    bool ok = len > 0 && i + static_cast<size_t>(len) <= n;
    for (int k = 1; ok && k < len; ++k) {
      auto cc = static_cast<uint8_t>(text[i + static_cast<size_t>(k)]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) return i;
    i += static_cast<size_t>(len);
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<model::SourcePos> first_invalid_utf8(std::string_view text) {
  const size_t bad = first_invalid_offset(text);
  if (bad == std::string_view::npos) return std::nullopt;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return model::SourcePos{line, static_cast<int>(bad - line_start) + 1};
}

}  // namespace epicsync::markdown

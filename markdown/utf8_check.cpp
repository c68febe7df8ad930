#include "utf8_check.h"

#include <cstdint>
#include <cstring>

namespace epicsync::markdown {

std::optional<model::SourcePos> first_invalid_utf8(std::string_view text) {
  int line = 1;
  size_t line_start = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // Most of an epic is ASCII: skip 8 bytes at a time while none has its high bit set.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      const char* nl = static_cast<const char*>(std::memchr(text.data() + i, '\n', 8));
      if (nl != nullptr) break;
      i += 8;
    }
    if (i >= n) break;
    auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if (c == '\n') {
        ++line;
        line_start = i + 1;
      }
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
    bool ok = len > 0 && i + len <= n;
    for (int k = 1; ok && k < len; ++k) {
      auto cc = static_cast<uint8_t>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) return model::SourcePos{line, static_cast<int>(i - line_start) + 1};
    i += static_cast<size_t>(len);
  }
  return std::nullopt;
}

}  // namespace epicsync::markdown

#include "source_text.h"

#include <algorithm>
#include <cstring>

namespace epicsync::markdown {

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) {
  return trim(s).empty();
}

SourceText::SourceText(std::string_view text) : text_(text) {
  starts_.reserve(text.size() / 32 + 1);
  starts_.push_back(0);
  const bool has_cr = text.find('\r') != std::string_view::npos;
  if (!has_cr) {
    const char* base = text.data();
    const char* end = base + text.size();
    for (const char* p = base; p < end;) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      if (nl == nullptr) break;
      p = static_cast<const char*>(nl) + 1;
      if (p < end) starts_.push_back(static_cast<size_t>(p - base));
    }
    return;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      if (i + 1 < text.size()) starts_.push_back(i + 1);
    }
  }
}

size_t SourceText::line_start(int line) const {
  if (line < 1) return 0;
  if (line > line_count()) return text_.size();
  return starts_[static_cast<size_t>(line - 1)];
}

std::string_view SourceText::line(int line) const {
  if (line < 1 || line > line_count()) return {};
  size_t begin = line_start(line);
  size_t end = line < line_count() ? line_start(line + 1) : text_.size();
  std::string_view s = text_.substr(begin, end - begin);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string SourceText::slice(int first, int last) const {
  first = std::max(first, 1);
  last = std::min(last, line_count());
  while (first <= last && is_blank(line(first))) ++first;
  while (last >= first && is_blank(line(last))) --last;
  if (first > last) return {};
  size_t begin = line_start(first);
  std::string_view end_line = line(last);
  size_t end = static_cast<size_t>(end_line.data() - text_.data()) + end_line.size();
  return std::string(text_.substr(begin, end - begin));
}

std::string_view SourceText::columns(int line_no, int begin_col, int end_col) const {
  std::string_view l = line(line_no);
  if (begin_col < 1 || end_col < begin_col) return {};
  size_t b = static_cast<size_t>(begin_col - 1);
  size_t e = std::min(static_cast<size_t>(end_col), l.size());
  if (b >= e) return {};
  return trim(l.substr(b, e - b));
}

}  // namespace epicsync::markdown

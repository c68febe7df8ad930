#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace epicsync::markdown {

// The file's text with an index of line starts, counted the way cmark counts them (LF, CRLF or a
// lone CR ends a line), so that cmark's line numbers address the original bytes.
class SourceText {
 public:
  explicit SourceText(std::string_view text);

  std::string_view text() const { return text_; }
  int line_count() const { return static_cast<int>(starts_.size()); }
  // Line `line` (1-based) without its line ending; empty past the end.
  std::string_view line(int line) const;
  // Byte offset where line `line` starts.
  size_t line_start(int line) const;
  // Lines first..last inclusive, byte for byte, without the final line ending and with blank
  // lines at either end dropped.
  std::string slice(int first, int last) const;
  // Bytes [begin_col, end_col] (1-based, inclusive) of one line, trimmed of blanks.
  std::string_view columns(int line, int begin_col, int end_col) const;

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
};

std::string_view trim(std::string_view s);
bool is_blank(std::string_view s);

}  // namespace epicsync::markdown

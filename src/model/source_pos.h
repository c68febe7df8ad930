#pragma once

namespace epicsync::model {

// Where an element starts in the markdown file, 1-based, so errors can point at it.
// Column counts bytes, as cmark does; line 0 means "not from a file".
struct SourcePos {
  int line = 0;
  int column = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

}  // namespace epicsync::model

#pragma once

#include <string>

namespace epicsync {

// "git 6173020b1c2d" (with "-modified" when the tree had uncommitted changes), or
// "unknown revision" outside a git checkout. Defined in the file the build generates for the
// epicsync executable (cmake/write_revision.cmake); binaries without it (the tests that link
// the CLI library) get "unknown revision" from a weak default in options.cpp.
const char* build_revision();

// "epicsync 0.1.0 (git 6173020b1c2d)": what --version prints.
std::string version_line();

}  // namespace epicsync

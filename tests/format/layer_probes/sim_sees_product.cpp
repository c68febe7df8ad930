// Must not compile: jira-sim may not include product code (tests/format/CMakeLists.txt).
#include "state.h"
#include "tracker/tracker.h"

// Must not compile: the planner may not include the backup store (tests/format/CMakeLists.txt).
#include "backup/journal.h"
#include "plan/plan.h"

// Must not compile: the model may not include an adapter (tests/format/CMakeLists.txt).
#include "jira/http_client.h"
#include "model/epic.h"

#pragma once

#include <string>

namespace epicsync::testing {

// A sample epic of fixtures/epics/ (FIXTURES_DIR is defined by the test target).
inline std::string fixture(const std::string& name) {
  return std::string(FIXTURES_DIR) + "/epics/" + name;
}

}  // namespace epicsync::testing

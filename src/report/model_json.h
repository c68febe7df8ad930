#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "model/diagnostic.h"
#include "model/epic.h"

namespace epicsync::report {

// The parsed model as data (docs/model-json.md). Absent fields are null: "not managed".
nlohmann::json epic_to_json(const model::Epic& epic);
nlohmann::json diagnostics_to_json(const std::vector<model::Diagnostic>& diagnostics);

}  // namespace epicsync::report

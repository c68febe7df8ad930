#pragma once

#include <nlohmann/json.hpp>

#include "error.h"
#include "tracker/remote_issue.h"

namespace epicsync::backup {

// The snapshot as stored in a backup's snapshot.json. Lossless: rich text is kept as the exact
// string the tracker returned, properties as their JSON text, points as a number or null.
// docs/backup-format.md describes the fields.
nlohmann::json snapshot_to_json(const tracker::EpicSnapshot& snapshot);

// kInputFile naming the offending field when `json` is not a snapshot. Fields absent from an
// older backup take their defaults; unknown fields are ignored.
Result<tracker::EpicSnapshot> snapshot_from_json(const nlohmann::json& json);

}  // namespace epicsync::backup

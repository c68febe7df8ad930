#pragma once

#include <ostream>

#include <nlohmann/json.hpp>
#include <optional>

#include "cli/options.h"
#include "sync/tracker_lease.h"

namespace epicsync::cli {

// --list-runs: the runs that wrote to an epic, newest first, as the epic's run record on the
// tracker keeps them (sync/tracker_lease.h): so they are known on any machine, --no-backup runs
// included.
int run_list_runs(const Options& o, std::ostream& out, std::ostream& err);

// A run as the JSON documents show it (docs/json-output.md): {"id", "mode", "outcome", "user",
// "host", "account", "started", "finished", "backup", "counts"}. `outcome` "stopped" for a run
// that never recorded its end and no longer holds the lease.
nlohmann::json run_json(const sync::RunRecord& run, const std::optional<sync::LeaseRecord>& lease);

}  // namespace epicsync::cli

#include "cli/list_runs_command.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "backup/backup_id.h"
#include "cli/error_report.h"
#include "cli/run_config.h"
#include "cli/tracker_session.h"
#include "plan/display_text.h"
#include "sync/tracker_lease.h"

namespace epicsync::cli {
namespace {

// A run that never recorded its end either runs now (its lease is held) or was stopped before it
// could: killed, crashed, or its lease lost to another run.
std::string state_of(const sync::RunRecord& run, const std::optional<sync::LeaseRecord>& lease) {
  if (run.outcome != "running") return run.outcome;
  return sync::run_is_live(run, lease, std::chrono::system_clock::now()) ? "running" : "stopped";
}

std::string counts_text(const std::map<std::string, long>& counts) {
  auto n = [&](const char* k) {
    auto it = counts.find(k);
    return it == counts.end() ? 0L : it->second;
  };
  if (counts.empty()) return "";
  std::string out = plan::plural(n("operations"), "operation", "operations") + ": " +
                    std::to_string(n("applied")) + " applied";
  if (n("created") > 0) out += ", " + std::to_string(n("created")) + " created";
  if (n("transitions") > 0) {
    out += ", " + plan::plural(n("transitions"), "status walk", "status walks");
  }
  if (n("failed") > 0) out += ", " + std::to_string(n("failed")) + " failed";
  if (n("unknown") > 0) out += ", " + std::to_string(n("unknown")) + " unknown";
  return out;
}

}  // namespace

nlohmann::json run_json(const sync::RunRecord& r, const std::optional<sync::LeaseRecord>& lease) {
  nlohmann::json one = {{"id", r.id},
                        {"mode", r.mode},
                        {"outcome", state_of(r, lease)},
                        {"user", r.user},
                        {"host", r.host},
                        {"account", r.account},
                        {"started", backup::format_utc_ms(r.started)},
                        {"finished", nullptr},
                        {"backup", r.backup.empty() ? nlohmann::json() : nlohmann::json(r.backup)},
                        {"counts", r.counts}};
  if (r.finished) one["finished"] = backup::format_utc_ms(*r.finished);
  return one;
}

int run_list_runs(const Options& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  auto cfg = load_run_config(o, err);
  if (!cfg) return fail(cfg.error());
  auto session = open_tracker(*cfg, project_of(o.epic, *cfg), o.verbose, err);
  if (!session) return fail(session.error());
  auto text = session->tracker->get_property(o.epic, sync::kLeaseProperty);
  if (!text) return fail(text.error());
  const auto lease = *text ? sync::lease_from_json(**text) : std::nullopt;
  std::vector<sync::RunRecord> runs = lease ? lease->runs : std::vector<sync::RunRecord>{};
  std::reverse(runs.begin(), runs.end());  // newest first

  if (o.output == OutputFormat::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : runs) list.push_back(run_json(r, lease));
    out << nlohmann::json{{"ok", true}, {"mode", "list-runs"}, {"epic", o.epic}, {"runs", list}}
               .dump(2)
        << "\n";
    return 0;
  }
  if (runs.empty()) {
    out << "No run is recorded on " << o.epic
        << ": no epicsync run that records itself has written to it yet.\n";
    return 0;
  }
  if (!o.quiet) {
    out << "Runs that wrote to " << o.epic << ", newest first (the last " << sync::kRunsKept
        << " are kept on the epic):\n";
  }
  for (const auto& r : runs) {
    out << "  " << r.id << "  " << r.mode << "  " << state_of(r, lease) << "  "
        << backup::format_utc(r.started);
    if (r.finished) {
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(*r.finished - r.started);
      out << " (" << took.count() / 1000 << "." << (took.count() % 1000) / 100 << " s)";
    }
    out << "  " << r.user << "@" << r.host;
    if (const std::string c = counts_text(r.counts); !c.empty()) out << "  " << c;
    if (!r.backup.empty()) out << "  backup " << r.backup;
    out << "\n";
  }
  return 0;
}

}  // namespace epicsync::cli

#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backup/journal_record.h"
#include "error.h"
#include "plan/plan.h"
#include "plan/status_map.h"
#include "tracker/tracker.h"

namespace epicsync::sync {

// Where each operation's intent is recorded before it is sent and its outcome after (the
// journal), so a run killed at any point leaves an exact record. Called from several threads.
class OperationLog {
 public:
  virtual ~OperationLog() = default;
  // Each returns false when the record could not be made durable (disk full, read-only): the
  // executor then sends nothing more, since what it sent could no longer be undone.
  virtual bool intent(size_t index, const plan::Operation& op) = 0;
  virtual bool outcome(size_t index, const plan::Operation& op,
                       const backup::OutcomeRecord& result) = 0;
  // Several at once, durable together (one sync where the log can): the intents of a bulk
  // create, the outcomes of its answer. By default one by one.
  virtual bool intents(const std::vector<size_t>& indexes, const plan::Plan& plan) {
    for (size_t i : indexes) {
      if (!intent(i, plan.operations[i])) return false;
    }
    return true;
  }
  virtual bool outcomes(const std::vector<std::pair<size_t, backup::OutcomeRecord>>& results,
                        const plan::Plan& plan) {
    for (const auto& [i, r] : results) {
      if (!outcome(i, plan.operations[i], r)) return false;
    }
    return true;
  }
};

struct Failure {
  size_t index = 0;  // in plan.operations
  std::string what;  // "create US-4", "transition PROJ-7", …
  Error error;
  // Sent, but whether it was applied could not be confirmed (kUnknownOutcome): the journal
  // keeps it as maybe-written and the next run settles it.
  bool unknown() const { return error.kind == ErrorKind::kUnknownOutcome; }
};

struct ExecutionReport {
  size_t applied = 0;
  std::vector<Failure> failures;
  std::map<std::string, std::string> created;  // identity (story id, sub-task id) → new key
  std::vector<std::string> created_ids;        // the tracker's ids of the issues created
  std::vector<std::pair<std::string, tracker::TransitionPath>> transitions;  // key → path
  // The journal could not be written: the run stopped before its next request.
  std::optional<Error> journal_failure;
  // Another run took the epic's lease on the tracker: the run stopped before its next request.
  bool lease_lost = false;
  // The user asked the run to stop (Ctrl-C, SIGTERM): it sent nothing more after that.
  bool interrupted = false;
  // Operations not sent because the run stopped (journal, lease or interruption).
  size_t not_sent = 0;
  bool ok() const { return failures.empty(); }
  size_t unknown() const;
};

struct ExecutorOptions {
  int concurrency = 8;
  plan::StatusMap status_map = plan::StatusMap::defaults();
  // Called as operations finish: a phase label, done and total, for a progress bar.
  std::function<void(const std::string&, size_t, size_t)> progress;
  std::string label = "Syncing";  // what the progress bar says while existing issues change
  // Asked before every request that writes; false stops the run there (the tracker lease was
  // lost to another run, see sync/tracker_lease.h). Unset: always allowed.
  std::function<bool()> may_write;
  // Asked before every request that writes; true stops the run there, as a graceful
  // interruption (Ctrl-C): requests in flight finish and are journalled. Unset: never.
  std::function<bool()> interrupted;
  // The run's id (the epic's run record, sync/tracker_lease.h): recorded in the epicsync
  // property of every issue the run writes, as `run`, and of every issue it creates, as
  // `created_by` too, with no request of its own. Empty: no trace.
  std::string run_id = {};
};

// Applies the plan: writes to existing issues concurrently (per issue in order), then stories in
// bulk, then their sub-tasks in bulk, then the new issues' transitions, comments and links. A
// failed operation does not stop the others; what depends on it (sub-tasks of a story that
// could not be created) fails with a clear reason. `before` is the snapshot the plan was made
// from; identity properties are merged into what the issues already hold.
ExecutionReport execute(const plan::Plan& plan, const tracker::EpicSnapshot& before,
                        tracker::Tracker& tracker, const ExecutorOptions& options,
                        OperationLog* log);

}  // namespace epicsync::sync

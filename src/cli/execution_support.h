#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "backup/backup_store.h"
#include "backup/journal.h"
#include "error.h"
#include "sync/executor.h"
#include "sync/tracker_lease.h"

namespace epicsync::cli {

// What every command that writes to the tracker shares: the journal behind the executor's log,
// the progress bar, and the confirmation prompt.

// The journal behind the executor's log: one record before each write (the operation's
// sync::intent_record), one after (its outcome).
class JournalLog : public sync::OperationLog {
 public:
  JournalLog(backup::JournalWriter& writer, const plan::Plan& plan);

  bool intent(size_t index, const plan::Operation&) override;
  bool outcome(size_t index, const plan::Operation&, const backup::OutcomeRecord& result) override;
  bool intents(const std::vector<size_t>& indexes, const plan::Plan& plan) override;
  bool outcomes(const std::vector<std::pair<size_t, backup::OutcomeRecord>>& results,
                const plan::Plan& plan) override;
  // The first journal failure, if any. The executor stops at it: a write the journal does not
  // hold could not be undone.
  const std::optional<Error>& failure() const { return failure_; }
  // Operation ids of this run inside a journal that an earlier, interrupted run began: a prefix
  // keeps them apart from that run's ("op-3" there, "r41.op-3" here).
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

 private:
  template <typename T>
  bool note(const Result<T>& r) {
    if (!r.ok() && !failure_) failure_ = r.error();
    return r.ok() && !failure_;
  }
  std::string record_id(size_t index) const;
  backup::JournalWriter& writer_;
  std::vector<nlohmann::json> intents_;  // made before the run, outside its lock
  std::mutex mu_;
  std::optional<Error> failure_;
  std::string prefix_;
};

// "Syncing ━━━━━━━━━━━━━━━━━━━━ 100% 42/42" redrawn in place on a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar();
  void update(const std::string& label, size_t done, size_t total);
  // Clears the bar's line, so that what is printed next starts on a clean line (the summary goes
  // to stdout, the bar to stderr: on one terminal they share the line). Idempotent.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mu_;
};

// Takes the epic's lease on the tracker for a run that is about to write (`mode`: sync,
// rollback, restore). When the previous holder finished moments ago, the issues it created may
// not be in search yet: they are asked for by id, and when there are too many for that, the rest
// of jira.search_wait is waited out (with a line on `err` unless `quiet`).
Result<std::unique_ptr<sync::TrackerLease>> take_lease(tracker::Tracker& tracker,
                                                       const std::string& epic,
                                                       const std::string& mode, int search_wait_s,
                                                       bool quiet, std::ostream& err);

// Waits for the bulk tasks an interrupted run of `epic` left running on the tracker (their ids
// are in its journal), with a line on `err` unless `quiet`, before the epic is read.
Result<tracker::Done> wait_for_unfinished_tasks(const backup::BackupStore& store,
                                                const std::string& epic, tracker::Tracker& tracker,
                                                bool quiet, std::ostream& err);

// "This will modify N issues in Jira. Continue? [y/N]" on `out`, the answer from stdin.
bool confirmed(size_t issues, std::ostream& out);

// What a run stopped by Ctrl-C or SIGTERM says: "interrupted: 12 of 40 operations done; run the
// same command again to finish" (the journal is left open, so that command continues the run).
std::string interrupted_message(const sync::ExecutionReport& report, size_t total);

}  // namespace epicsync::cli

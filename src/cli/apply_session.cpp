#include "cli/apply_session.h"

#include "cli/execution_support.h"
#include "cli/interrupt.h"

namespace epicsync::cli {
namespace {

// The run's entry in the epic's run record: how it ended and what it did.
sync::RunSummary run_summary(const plan::Plan& plan, const ApplyOutcome& applied) {
  const sync::ExecutionReport& r = applied.report;
  sync::RunSummary s;
  // A run that lost its lease cannot record its end (the lease is another run's): it shows as
  // stopped.
  s.outcome = r.interrupted     ? "interrupted"
              : r.unknown()     ? "unknown"
              : !r.ok()         ? "partial"
              : applied.storage ? "partial"
                                : "done";
  if (applied.backup) s.backup = applied.backup->manifest.id;
  s.counts = {{"operations", static_cast<long>(plan.operations.size())},
              {"applied", static_cast<long>(r.applied)},
              {"created", static_cast<long>(r.created.size())},
              {"transitions", static_cast<long>(r.transitions.size())},
              {"failed", static_cast<long>(r.failures.size() - r.unknown())},
              {"unknown", static_cast<long>(r.unknown())}};
  return s;
}

}  // namespace

Result<ApplyOutcome> apply_plan(const ApplyRequest& rq, tracker::Tracker& tracker,
                                std::ostream& out, std::ostream& err) {
  const backup::BackupStore& store = *rq.store;
  ApplyOutcome result;

  // The backup and its journal: written (and on disk) before the first request is sent.
  std::optional<backup::JournalWriter> journal;
  std::string prefix;
  if (rq.resumed) {
    result.backup = *rq.resumed;
    result.resumed = true;
    auto opened = store.open_journal(*result.backup);
    if (!opened) return opened.error();
    journal.emplace(std::move(*opened));
    // This run's operation ids, apart from the interrupted run's in the same journal.
    prefix = "r" + std::to_string(journal->next_seq()) + ".";
    if (!rq.quiet) {
      out << "Continuing the interrupted " << rq.mode << " of backup " << result.backup->manifest.id
          << " (it holds the state before that " << rq.mode << ").\n";
    }
  } else if (rq.take_backup) {
    auto made =
        store.create(rq.epic, *rq.before, {rq.trigger, "", rq.backup_notes, rq.backup_files});
    if (!made) return made.error();
    result.backup = *made;
    auto opened = store.open_journal(*result.backup);
    if (!opened) return opened.error();
    journal.emplace(std::move(*opened));
  }

  std::optional<JournalLog> log;
  if (journal) {
    log.emplace(*journal, *rq.plan);
    log->set_prefix(prefix);
  }
  ProgressBar bar(rq.show_progress);
  sync::ExecutorOptions eo;
  eo.concurrency = rq.concurrency;
  eo.status_map = rq.status_map;
  eo.label = rq.progress_label;
  eo.progress = [&bar](const std::string& label, size_t done, size_t total) {
    bar.update(label, done, total);
  };
  if (rq.lease) {
    eo.may_write = [lease = rq.lease] { return lease->held(); };
    eo.run_id = rq.lease->run_id();
  }
  eo.interrupted = interrupt_requested;
  const size_t writes_before = tracker.writes_sent();
  result.report = [&] {
    const InterruptScope graceful;  // Ctrl-C from here on stops before the next write
    return sync::execute(*rq.plan, *rq.before, tracker, eo, log ? &*log : nullptr);
  }();
  const bool wrote = tracker.writes_sent() != writes_before;
  bar.finish();
  const sync::ExecutionReport& report = result.report;
  // A journal that cannot be written is never a note: the executor stopped at it (exit 12).
  if (log && log->failure()) result.storage = log->failure();
  // Unknown outcomes and interruptions leave the journal open: the same command continues the
  // run (same backup), settles them, and one --rollback still undoes both runs.
  if (journal && !result.storage && report.unknown() == 0 && !report.interrupted) {
    if (auto sealed = journal->seal(); !sealed.ok()) result.storage = sealed.error();
  }
  // A run that turned out to write nothing (every operation was in place) is no run to record:
  // a rollback from the tracker undoes the last run that changed something.
  std::optional<sync::RunSummary> summary;
  if (wrote) summary = run_summary(*rq.plan, result);
  if (rq.lease && !rq.lease->release(report.created_ids, summary)) {
    err << "warning: the epic's lease (issue property " << sync::kLeaseProperty << " on " << rq.epic
        << ") could not be released; other runs wait until it expires\n";
  }
  if (result.storage || report.interrupted || report.lease_lost) return result;

  // Every operation turned out to be in place already: the backup would only push a real one
  // out of retention.
  if (rq.drop_unused_backup && result.backup && !result.resumed && !wrote && report.ok()) {
    if (store.remove(*result.backup).ok()) {
      result.dropped_backup = true;
      result.backup.reset();
    }
  }

  // Verify: what was reported done is read back, not assumed.
  if (rq.verify && wrote) {
    auto unheld = rq.verify(tracker, report);
    if (unheld) {
      result.unverified = std::move(*unheld);
    } else {
      result.unverified.push_back("could not read " + rq.epic +
                                  " again to check the writes: " + unheld.error().message);
    }
  }
  if (result.backup && report.ok() && result.verified()) {
    if (auto kept = store.apply_retention(rq.epic, rq.keep_count); !kept.ok()) {
      result.notes.push_back("backup retention: " + kept.error().message);
    }
  }
  return result;
}

}  // namespace epicsync::cli

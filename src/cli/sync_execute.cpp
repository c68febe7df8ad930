#include "cli/sync_execute.h"

#include <unistd.h>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "backup/interrupted_run.h"
#include "cli/error_report.h"
#include "cli/execution_support.h"
#include "cli/interrupt.h"
#include "cli/terminal.h"
#include "plan/display_text.h"
#include "report/json_vocabulary.h"
#include "report/plan_render.h"
#include "source_update.h"
#include "sync/executor.h"
#include "version.h"

namespace epicsync::cli {

int execute_plan(const ExecuteInput& in, tracker::Tracker& tracker, std::ostream& out,
                 std::ostream& err) {
  const Options& o = in.options;
  const bool json = o.output == OutputFormat::kJson;
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };

  backup::BackupStore store({in.config.backup_dir, kVersion, {}});
  // A sync that was killed before it sealed its journal is continued, not begun anew: its
  // backup holds the state before it, so one --rollback undoes both runs (docs/rollback.md).
  std::optional<backup::BackupInfo> resumed;
  if (!o.no_backup) {
    auto open = backup::interrupted_run(store, in.epic_key, backup::Trigger::kPreSync);
    if (!open) return fail(open.error());
    resumed = *open;
  }

  if (in.plan.empty()) {
    if (resumed) {
      // Everything the interrupted run meant to do is done: end its journal.
      auto journal = store.open_journal(*resumed);
      if (!journal) return fail(journal.error());
      if (auto sealed = journal->seal(); !sealed.ok()) return fail(sealed.error());
    }
    if (json) {
      out << nlohmann::json{{"ok", true},
                            {"mode", "execute"},
                            {"epic", in.epic_key},
                            {"plan", report::plan_to_json(in.plan)},
                            {"result",
                             {{"applied", 0},
                              {"failures", nlohmann::json::array()},
                              {"created", nlohmann::json::object()},
                              {"backup", nullptr},
                              {"pinned", 0},
                              {"notes", in.plan.notes}}}}
                 .dump(2)
          << "\n";
    } else {
      out << "Nothing to do: " << in.epic_key << " already says what the file says.\n";
      const Style style = detect_style(o.no_color);
      for (const auto& n : in.plan.notes) out << style.yellow("note") << ": " << n << "\n";
    }
    return 0;
  }
  if (!o.no_confirm) {
    if (!json && !o.quiet)
      out << report::render_plan_text(in.plan, {detect_style(o.no_color).color});
    if (!confirmed(in.plan.issues_affected(), out)) {
      return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
    }
  }

  std::optional<backup::BackupInfo> info;
  std::optional<backup::JournalWriter> journal;
  std::string prefix;
  if (o.no_backup) {
    err << "warning: --no-backup: no backup is taken, this sync cannot be rolled back\n";
  } else if (resumed) {
    info = *resumed;
    auto opened = store.open_journal(*info);
    if (!opened) return fail(opened.error());
    journal.emplace(std::move(*opened));
    prefix = "r" + std::to_string(journal->next_seq()) + ".";
    if (!json && !o.quiet) {
      out << "Continuing the interrupted sync of backup " << info->manifest.id
          << " (it holds the state before that sync).\n";
    }
  } else {
    std::map<std::string, std::string> files;
    if (o.update_source) files["source.md"] = in.source_text;
    auto made = store.create(in.epic_key, in.snapshot, {backup::Trigger::kPreSync, "", "", files});
    if (!made) return fail(made.error());
    info = *made;
    auto opened = store.open_journal(*info);
    if (!opened) return fail(opened.error());
    journal.emplace(std::move(*opened));
  }

  std::optional<JournalLog> log;
  if (journal) {
    log.emplace(*journal, in.plan);
    log->set_prefix(prefix);
  }
  ProgressBar bar(!json && !o.quiet && ::isatty(2) == 1);
  sync::ExecutorOptions eo;
  eo.concurrency = in.config.concurrency;
  eo.status_map = in.status_map;
  eo.progress = [&bar](const std::string& label, size_t done, size_t total) {
    bar.update(label, done, total);
  };
  if (in.lease) eo.may_write = [lease = in.lease] { return lease->held(); };
  eo.interrupted = interrupt_requested;
  const size_t writes_before = tracker.writes_sent();
  const sync::ExecutionReport report = [&] {
    const InterruptScope graceful;  // Ctrl-C from here on stops before the next write
    return sync::execute(in.plan, in.snapshot, tracker, eo, log ? &*log : nullptr);
  }();
  const bool wrote = tracker.writes_sent() != writes_before;
  if (in.lease && !in.lease->release(report.created_ids)) {
    err << "warning: the epic's lease (issue property " << sync::kLeaseProperty << " on "
        << in.epic_key << ") could not be released; other runs wait until it expires\n";
  }

  std::vector<std::string> notes;
  // A journal that cannot be written is never a note: the executor stopped at it, and the run
  // ends with exit 12 (what was sent before it is in the journal, and undoable).
  std::optional<Error> storage;
  if (log && log->failure()) storage = log->failure();
  // A run that leaves outcomes unknown leaves its journal open: the next run continues this
  // sync (same backup), settles them, and one --rollback still undoes both runs.
  // An interrupted run leaves it open too: "run the same command again to finish" continues it.
  if (journal && !storage && report.unknown() == 0 && !report.interrupted) {
    if (auto sealed = journal->seal(); !sealed.ok()) storage = sealed.error();
  }
  if (storage) {
    storage->kind = ErrorKind::kLocalStorage;
    storage->message = "the journal could not be written, so the sync stopped: " + storage->message;
    if (storage->hint.empty()) {
      storage->hint =
          "free space or fix permissions in the backup folder, then run the same "
          "command again";
    }
  }
  // Every operation turned out to be in place already (a status the workflow cannot express, a
  // comment found posted): nothing was written, so the backup would only push a real one out of
  // retention. Not for a continued run: its backup holds the state before the interrupted one.
  bool dropped_backup = false;
  if (info && !resumed && !wrote && report.ok() && !storage && !o.update_source) {
    if (store.remove(*info).ok()) {
      dropped_backup = true;
      info.reset();
    }
  }
  if (info && report.ok() && !storage) {
    if (auto kept = store.apply_retention(in.epic_key, in.config.keep_count); !kept.ok()) {
      notes.push_back("backup retention: " + kept.error().message);
    }
  }

  // --update-source: the keys of every story that now has an issue, written into the file.
  size_t pinned = 0;
  if (o.update_source) {
    std::map<std::string, std::string> keys = in.plan.story_keys;
    for (const auto& s : in.epic.stories) {
      if (auto it = report.created.find(s.id); it != report.created.end()) keys[s.id] = it->second;
      if (s.tracker_key && keys.count(s.id) && *s.tracker_key == keys[s.id]) keys.erase(s.id);
    }
    const std::string updated = markdown::with_tracker_keys(in.source_text, in.epic, keys);
    if (updated != in.source_text) {
      auto written = backup::write_file_atomic(o.markdown_path, updated, {0644, true});
      if (written.ok()) {
        pinned = keys.size();
      } else {
        notes.push_back("could not update " + o.markdown_path + ": " + written.error().message);
      }
    }
  }

  bar.finish();
  if (json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : report.failures) {
      failures.push_back({{"operation", f.index},
                          {"what", f.what},
                          {"message", f.error.message},
                          {"unknown", f.unknown()}});
    }
    nlohmann::json doc = {{"ok", report.ok() && !storage},
                          {"mode", "execute"},
                          {"epic", in.epic_key},
                          {"plan", report::plan_to_json(in.plan)},
                          {"result",
                           {{"applied", report.applied},
                            {"failures", failures},
                            {"created", report.created},
                            {"backup", info ? report::backup_json(info->manifest) : nullptr},
                            {"pinned", pinned},
                            {"notes", notes}}}};
    if (storage) {
      doc["error"] = {{"kind", error_id(storage->kind)},
                      {"code", exit_code(storage->kind)},
                      {"message", storage->message},
                      {"hint", storage->hint}};
    } else if (report.interrupted) {
      doc["error"] = {{"kind", error_id(ErrorKind::kInterrupted)},
                      {"code", exit_code(ErrorKind::kInterrupted)},
                      {"message", interrupted_message(report, in.plan.operations.size())}};
    } else if (report.lease_lost) {
      doc["error"] = {{"kind", error_id(ErrorKind::kLocked)},
                      {"code", exit_code(ErrorKind::kLocked)},
                      {"message", "another epicsync run took over the epic's lease"}};
    } else if (report.unknown() > 0) {
      doc["error"] = {{"kind", error_id(ErrorKind::kUnknownOutcome)},
                      {"code", exit_code(ErrorKind::kUnknownOutcome)},
                      {"message", plan::plural(static_cast<long long>(report.unknown()),
                                               "operation has", "operations have") +
                                      " an unknown outcome"}};
    } else if (!report.ok()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kPartial)},
                      {"code", exit_code(ErrorKind::kPartial)},
                      {"message", plan::plural(static_cast<long long>(report.failures.size()),
                                               "operation", "operations") +
                                      " failed"}};
    }
    out << doc.dump(2) << "\n";
  } else {
    const Style style = detect_style(o.no_color);
    std::set<size_t> failed;
    for (const auto& f : report.failures) failed.insert(f.index);
    out << (report.ok() ? style.green("Synced") : style.yellow("Partly synced")) << " "
        << in.epic_key << ": " << report.applied << " of "
        << plan::plural(static_cast<long long>(in.plan.operations.size()), "operation",
                        "operations")
        << " applied: " << report::sync_summary(report::totals(in.plan, failed)) << "\n";
    std::vector<const sync::Failure*> shown;
    for (const auto& f : report.failures) {
      if (storage && f.error.kind == ErrorKind::kLocalStorage) continue;  // said once, below
      if (f.error.kind == ErrorKind::kInterrupted) continue;              // counted once, below
      shown.push_back(&f);
    }
    const size_t hidden = plan::show_some(shown, [&](const sync::Failure* f) {
      out << "  " << (f->unknown() ? style.yellow("outcome unknown") : style.red("failed")) << ": "
          << f->what << ": " << f->error.message << "\n";
    });
    if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
    if (report.unknown() > 0) {
      out << plan::plural(static_cast<long long>(report.unknown()), "operation", "operations")
          << " may or may not have been applied: nothing was sent twice. Run the same command "
             "again to settle them: it continues this sync, whose backup and journal keep them "
             "open.\n";
    }
    for (const auto& n : notes) out << "  " << style.yellow("note") << ": " << n << "\n";
    if (pinned > 0) {
      out << "Wrote " << plan::plural(static_cast<long long>(pinned), "tracker key", "tracker keys")
          << " into " << o.markdown_path << " (the previous file is in the backup).\n";
    }
    if (info) {
      out << "Backup " << info->manifest.id << " holds the state before this sync.\n";
    } else if (dropped_backup) {
      out << "Nothing was written to " << in.epic_key << ", so no backup was kept.\n";
    }
  }
  if (storage) {
    // The message and hint on stderr like every error; the summary above says what was done.
    if (!json) err << "epicsync: " << storage->message << "\nhint: " << storage->hint << "\n";
    return exit_code(ErrorKind::kLocalStorage);
  }
  if (report.interrupted) {
    if (!json)
      err << "epicsync: " << interrupted_message(report, in.plan.operations.size()) << "\n";
    return exit_code(ErrorKind::kInterrupted);
  }
  if (report.lease_lost) {
    if (!json) {
      err << "epicsync: another epicsync run took over the lease on " << in.epic_key
          << ", so this sync stopped before its next write\nhint: what was sent is in the "
             "journal; run the same command again once the other run has finished\n";
    }
    return exit_code(ErrorKind::kLocked);
  }
  if (report.unknown() > 0) return exit_code(ErrorKind::kUnknownOutcome);
  return report.ok() ? 0 : exit_code(ErrorKind::kPartial);
}

}  // namespace epicsync::cli

#include "cli/restore_command.h"
#include "cli/run_config.h"

#include <unistd.h>

#include <algorithm>

#include "backup/backup_id.h"
#include "backup/backup_store.h"
#include "backup/interrupted_run.h"
#include "cli/apply_session.h"
#include "cli/error_report.h"
#include "cli/execution_support.h"
#include "cli/list_runs_command.h"
#include "cli/terminal.h"
#include "cli/tracker_rollback.h"
#include "cli/tracker_session.h"
#include "config/config.h"
#include "plan/display_text.h"
#include "report/json_vocabulary.h"
#include "report/markdown_render.h"
#include "report/plan_render.h"
#include "report/restore_render.h"
#include "restore/restore_planner.h"
#include "restore/restore_verify.h"
#include "sync/executor.h"
#include "sync/rich_text_ops.h"
#include "version.h"

namespace epicsync::cli {
namespace {

// The backup to go back to: the one taken before the last sync (--rollback), or the one named.
Result<backup::BackupInfo> target_backup(const Options& o, const backup::BackupStore& store) {
  if (o.mode == Mode::kRestore) return store.find(o.epic, o.backup_id);
  if (auto intact = store.check_newest_intact(o.epic); !intact) return intact.error();
  auto latest = store.latest(o.epic, backup::Trigger::kPreSync);
  if (!latest && latest.error().kind == ErrorKind::kNotFound) {
    return Error{ErrorKind::kNotFound, "no sync of " + o.epic + " to roll back: it has no backup",
                 "epicsync --list-backups --epic " + o.epic};
  }
  return latest;
}

// What epicsync wrote since `from`: its journal and those of every later backup of the epic
// (later syncs, earlier rollbacks), oldest first. `undo` gets `from`'s own journal: the sync a
// rollback undoes.
Result<tracker::Done> read_history(const backup::BackupStore& store, const backup::BackupInfo& from,
                                   restore::WriteHistory& since, restore::WriteHistory& undo) {
  auto all = store.list(from.manifest.epic);
  if (!all) return all.error();
  bool reached = false;
  for (const auto& b : *all) {
    reached = reached || b.manifest.id == from.manifest.id;
    if (!reached) continue;
    auto journal = store.read_journal(b);
    if (!journal) {
      if (journal.error().kind == ErrorKind::kNotFound) continue;  // a manual backup
      return journal.error();
    }
    const auto named = [&b](Error e) {
      e.message = "the journal of backup " + b.manifest.id + ": " + e.message;
      return e;
    };
    if (auto added = restore::add_journal(since, *journal); !added) return named(added.error());
    if (b.manifest.id == from.manifest.id) {
      if (auto added = restore::add_journal(undo, *journal); !added) return named(added.error());
    }
  }
  return tracker::Done{};
}

std::string undo_command(const std::string& backup_id, const std::string& epic) {
  return "epicsync --restore-backup " + backup_id + " --epic " + epic + " --execute";
}

}  // namespace

int run_restore(const Options& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool json = o.output == OutputFormat::kJson;
  const bool execute = o.execute && !o.dry_run;
  const char* mode = o.mode == Mode::kRollback ? "rollback" : "restore";
  if (execute && !o.no_confirm && ::isatty(0) != 1) {
    return fail(Error{ErrorKind::kUsage,
                      "--execute asks for confirmation, but stdin is not a terminal",
                      "add --no-confirm to apply without asking (scripts, CI)"});
  }
  if (o.no_backup) {
    return fail(Error{ErrorKind::kUsage, "a rollback or restore always backs up first",
                      "drop --no-backup: the pre-rollback backup is what makes it undoable"});
  }
  auto cfg = load_run_config(o, err);
  if (!cfg) return fail(cfg.error());
  backup::BackupStore store({cfg->backup_dir, kVersion, {}});

  // Where "before" comes from: a local backup, or (a rollback with none, or --from-tracker /
  // --run) the tracker's run record and changelog. No backup and no rollback: said at once,
  // before the tracker is asked anything. The choice is made again under the lock below.
  const bool rollback = o.mode == Mode::kRollback;
  bool from_tracker = rollback && (o.from_tracker || !o.run_id.empty());
  std::string why_tracker;  // said when the rollback goes to the tracker on its own
  std::optional<backup::BackupInfo> early_target;
  if (!from_tracker) {
    auto early = target_backup(o, store);
    if (!early && !(rollback && early.error().kind == ErrorKind::kNotFound)) {
      return fail(early.error());
    }
    if (early) {
      early_target = *early;
    } else {
      from_tracker = true;
      why_tracker = "no local backup of " + o.epic;
    }
  }
  auto session = open_tracker(*cfg, project_of(o.epic, *cfg), o.verbose, err);
  if (!session) return fail(session.error());
  if (rollback && early_target) {
    // The last sync may be one this store has no backup of (--no-backup in CI, another
    // machine): the tracker's run record says so, and the rollback undoes that one.
    auto record = read_run_record(*session->tracker, o.epic);
    if (!record) return fail(record.error());
    const sync::RunRecord* last = newest_sync(*record);
    // The local backup is older than that sync when an older run of the record took it, or
    // (a run that never recorded its end, an epicsync before the record) when it was taken
    // before that sync started: backups are taken right after the lease, their times whole
    // seconds of this machine's clock.
    bool older = false;
    if (last && last->backup != early_target->manifest.id) {
      older = early_target->manifest.created_at + session->tracker->clock_offset() +
                  std::chrono::seconds(2) <
              last->started;
      for (const auto& r : record->runs) {
        older = older || (&r != last && r.backup == early_target->manifest.id);
      }
    }
    if (older) {
      from_tracker = true;
      why_tracker = "the last sync of " + o.epic + " (run " + last->id + ", " +
                    (last->backup.empty() ? "--no-backup" : "backup " + last->backup) +
                    ") is not in the local backups";
    }
  }
  if (from_tracker && !o.quiet && o.output != OutputFormat::kJson) {
    err << (why_tracker.empty() ? std::string() : why_tracker + ": ")
        << "rolling back from Jira's changelog and the epic's run record\n";
  }
  std::optional<backup::EpicLock> lock;
  if (execute) {
    auto held = store.lock(o.epic);
    if (!held) return fail(held.error());
    lock.emplace(std::move(*held));
    (void)store.sweep_interrupted(o.epic);
    auto waited = wait_for_unfinished_tasks(store, o.epic, *session->tracker, o.quiet, err);
    if (!waited.ok()) return fail(waited.error());
  }
  // Chosen under the lock, so a sync finishing meanwhile cannot change which one is undone.
  std::optional<backup::BackupInfo> target;
  std::optional<tracker::EpicSnapshot> wanted;
  restore::WriteHistory since, undo;
  std::optional<sync::RunRecord> run;
  RunRecordRead record;
  std::vector<plan::Conflict> unrestorable;  // what the changelog cannot give back
  std::vector<std::string> changelog_notes;
  // The run to undo, from the epic's run record as the tracker holds it now.
  auto choose_run = [&]() -> std::optional<Error> {
    auto read = read_run_record(*session->tracker, o.epic);
    if (!read) return read.error();
    record = std::move(*read);
    auto chosen = run_to_undo(record, o.epic, o.run_id);
    if (!chosen) return chosen.error();
    run = *chosen;
    return std::nullopt;
  };
  if (from_tracker) {
    if (auto e = choose_run()) return fail(*e);
  } else {
    auto chosen = target_backup(o, store);
    if (!chosen) return fail(chosen.error());
    target = *chosen;
    auto loaded = store.load_snapshot(*target);
    if (!loaded) return fail(loaded.error());
    wanted = std::move(*loaded);
    if (auto read = read_history(store, *target, since, undo); !read.ok()) {
      return fail(read.error());
    }
  }
  auto current = session->tracker->read_epic(o.epic);
  if (!current) return fail(current.error());
  // From the tracker, "before" and the run's writes are rebuilt from what it holds now.
  auto rebuild = [&]() -> std::optional<Error> {
    if (!run) return std::nullopt;
    auto made = rebuild_before_run(*session->tracker, session->info, record, *run, *current);
    if (!made) return made.error();
    wanted = std::move(made->before);
    since = made->writes;
    undo = std::move(made->writes);
    unrestorable = std::move(made->conflicts);
    changelog_notes = std::move(made->notes);
    return std::nullopt;
  };
  if (auto e = rebuild()) return fail(*e);

  restore::RestoreOptions ro;
  ro.mode =
      o.mode == Mode::kRollback ? restore::RestoreMode::kRollback : restore::RestoreMode::kRestore;
  ro.force = o.force;
  ro.issues = std::set<std::string>(o.issues.begin(), o.issues.end());
  ro.stories = std::set<std::string>(o.stories.begin(), o.stories.end());
  ro.rich_text = sync::rich_text_ops();
  // Issues re-created by a restore get their fields back only where their type's screen has them.
  auto every = session->tracker->fields_on_every_screen();
  if (!every) return fail(every.error());
  ro.fields = *every;
  std::optional<plan::Plan> made;
  auto replan = [&]() -> std::optional<Error> {
    auto p = restore::make_restore_plan(*wanted, *current, since, undo, ro);
    if (!p) return p.error();
    p->notes.insert(p->notes.end(), since.notes.begin(), since.notes.end());
    p->notes.insert(p->notes.end(), changelog_notes.begin(), changelog_notes.end());
    for (const auto& c : unrestorable) {
      if (ro.issues.empty() || ro.issues.count(c.issue)) p->conflicts.push_back(c);
    }
    made = std::move(*p);
    return std::nullopt;
  };
  if (auto e = replan()) return fail(*e);
  plan::Plan& plan = *made;

  const Style style = detect_style(o.no_color);
  const report::RenderStyle rs{style.color};
  // What the run goes back to: a backup, or the state before a run as the tracker tells it.
  const nlohmann::json backup_json =
      target ? report::backup_json(target->manifest) : nlohmann::json();
  // A rollback from the tracker: the run it undoes (no backup).
  const nlohmann::json run_doc = run ? run_json(*run, record.lease) : nlohmann::json();
  const std::string source =
      target ? "backup " + target->manifest.id : "the state before run " + run->id;
  const std::string source_id = target ? target->manifest.id : "run " + run->id;
  int conflict_exit = plan.conflicts.empty() ? 0 : exit_code(ErrorKind::kConflict);

  // A rollback (or restore) to the same backup that was killed before it sealed its journal is
  // continued: its pre-rollback backup holds the state before it, so undoing it stays one step.
  const std::string pre_notes = std::string(mode) + " to " + source_id;
  std::optional<backup::BackupInfo> resumed;
  if (execute) {
    auto open = backup::interrupted_run(store, o.epic, backup::Trigger::kPreRollback);
    if (!open) return fail(open.error());
    if (*open && (*open)->manifest.notes == pre_notes) resumed = *open;
  }
  if (execute && plan.empty() && resumed) {
    auto journal = store.open_journal(*resumed);
    if (!journal) return fail(journal.error());
    if (auto sealed = journal->seal(); !sealed.ok()) return fail(sealed.error());
  }

  if (!execute || plan.empty()) {
    if (json) {
      out << nlohmann::json{{"ok", true},
                            {"mode", mode},
                            {"execute", false},
                            {"epic", o.epic},
                            {"backup", backup_json},
                            {"run", run_doc},
                            {"plan", report::plan_to_json(plan)},
                            {"totals", report::restore_totals_json(report::restore_totals(plan))},
                            {"conflicts", report::conflicts_json(plan)},
                            {"notes", plan.notes}}
                 .dump(2)
          << "\n";
    } else if (o.output == OutputFormat::kMarkdown) {
      const report::RenderStyle plain{false};
      out << report::render_restore_markdown(
          plan,
          std::string(o.mode == Mode::kRollback ? "rollback of " : "restore of ") + o.epic +
              " to " + source + " (preview)",
          report::render_restore_plan(plan, plain) + report::render_conflicts(plan, plain));
    } else if (o.quiet) {
      // -q: the summary line and the problems (conflicts) only.
      if (plan.empty()) {
        out << "Nothing to " << (o.mode == Mode::kRollback ? "undo" : "restore") << ": " << o.epic
            << " already holds " << source << "\n";
      } else {
        out << "Preview of the " << mode << " to " << source << ": "
            << report::restore_summary(report::restore_totals(plan),
                                       static_cast<int>(plan.conflicts.size()))
            << " (nothing was changed; apply it with --execute)\n";
      }
      out << report::render_conflicts(plan, rs);
    } else {
      out << (run ? "Rolling back run " + run->id + " of " + o.epic + " from Jira's changelog"
              : o.mode == Mode::kRollback
                  ? "Rolling back the sync backed up in " + target->manifest.id + " of " + o.epic
                  : "Restoring backup " + target->manifest.id + " of " + o.epic)
          << "\n\n";
      if (plan.empty()) {
        out << "Nothing to " << (o.mode == Mode::kRollback ? "undo" : "restore") << ": " << o.epic
            << (run ? " already holds what it held before that run"
                    : " already holds what the backup says")
            << (plan.conflicts.empty() ? "" : ", apart from the conflicts below") << ".\n";
        out << report::render_conflicts(plan, rs);
        for (const auto& n : plan.notes) out << style.yellow("note") << ": " << n << "\n";
      } else {
        out << report::render_restore_plan(plan, rs);
        out << "\nPreview: nothing was changed. Apply it with --execute.\n";
      }
    }
    // A preview succeeds; an execute with nothing to do but conflicts stopped on them.
    return execute ? conflict_exit : 0;
  }

  if (!o.no_confirm) {
    if (!json && !o.quiet) out << report::render_restore_plan(plan, rs);
    if (!confirmed(plan.issues_affected(), out)) {
      return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
    }
  }

  // Like a sync, the writing run holds the epic's lease on the tracker, and plans again from
  // what the tracker holds once it has it (another machine may have written meanwhile).
  auto taken = take_lease(*session->tracker, o.epic, mode, cfg->search_wait, o.quiet || json, err);
  if (!taken) return fail(taken.error());
  std::unique_ptr<sync::TrackerLease> lease = std::move(*taken);
  // Again under the lease: a run that wrote while the person was asked bounds the run's
  // stretch of the changelog, and may be the newest sync itself.
  if (run) {
    if (auto e = choose_run()) return fail(*e);
  }
  current = session->tracker->read_epic(o.epic);
  if (!current) return fail(current.error());
  if (auto e = rebuild()) return fail(*e);
  if (auto e = replan()) return fail(*e);
  conflict_exit = plan.conflicts.empty() ? 0 : exit_code(ErrorKind::kConflict);

  // The pre-rollback backup (the state this run changes, with the journal of what it does) makes
  // the rollback itself undoable: restore that backup.
  ApplyRequest rq;
  rq.store = &store;
  rq.epic = o.epic;
  rq.mode = mode;
  rq.trigger = backup::Trigger::kPreRollback;
  rq.backup_notes = pre_notes;
  rq.resumed = resumed;
  rq.keep_count = cfg->keep_count;
  rq.before = &*current;
  rq.plan = &plan;
  rq.concurrency = cfg->concurrency;
  rq.progress_label = o.mode == Mode::kRollback ? "Rolling back" : "Restoring";
  rq.show_progress = !json && !o.quiet && ::isatty(2) == 1;
  rq.quiet = json || o.quiet;
  rq.lease = lease.get();
  // Verify: read the epic again and check every write that was reported done.
  rq.verify = [&](tracker::Tracker& t,
                  const sync::ExecutionReport& done) -> Result<std::vector<std::string>> {
    auto after = t.read_epic(o.epic);
    if (!after) return after.error();
    return restore::verify_restore(plan, done, *after, ro.rich_text);
  };
  auto applied = apply_plan(rq, *session->tracker, out, err);
  if (!applied) return fail(applied.error());
  const sync::ExecutionReport& report = applied->report;
  const backup::BackupInfo& pre = *applied->backup;
  std::vector<std::string> notes = plan.notes;
  notes.insert(notes.end(), applied->notes.begin(), applied->notes.end());
  if (applied->storage) {
    return fail(Error{ErrorKind::kLocalStorage,
                      "the journal could not be written, so the " + std::string(mode) +
                          " stopped after " + std::to_string(report.applied) +
                          " operations: " + applied->storage->message,
                      "free space or fix permissions in the backup folder, then run the same "
                      "command again"});
  }
  if (report.interrupted) {
    return fail(
        Error{ErrorKind::kInterrupted, interrupted_message(report, plan.operations.size()),
              "what was done is in the journal of backup " + pre.manifest.id + ", and undoable"});
  }
  if (report.lease_lost) {
    return fail(Error{ErrorKind::kLocked,
                      "another epicsync run took over the lease on " + o.epic + ", so the " +
                          std::string(mode) + " stopped before its next write",
                      "what was sent is in the journal; run the same command again once the "
                      "other run has finished"});
  }
  const std::vector<std::string>& mismatches = applied->unverified;

  std::set<size_t> failed;
  for (const auto& f : report.failures) failed.insert(f.index);
  const auto totals = report::restore_totals(plan, failed);
  const bool clean = report.ok() && mismatches.empty();
  const int code = !clean ? exit_code(ErrorKind::kPartial) : conflict_exit;
  const std::string undo_cmd = undo_command(pre.manifest.id, o.epic);
  if (json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : report.failures) {
      failures.push_back({{"operation", f.index},
                          {"what", f.what},
                          {"message", f.error.message},
                          {"unknown", f.unknown()}});
    }
    nlohmann::json doc = {{"ok", code == 0},
                          {"mode", mode},
                          {"execute", true},
                          {"epic", o.epic},
                          {"backup", backup_json},
                          {"run", run_doc},
                          {"plan", report::plan_to_json(plan)},
                          {"conflicts", report::conflicts_json(plan)},
                          {"notes", notes},
                          {"result",
                           {{"applied", report.applied},
                            {"failures", failures},
                            {"created", report.created},
                            {"verification", mismatches},
                            {"totals", report::restore_totals_json(totals)},
                            {"pre_rollback_backup", report::backup_json(pre.manifest)},
                            {"undo_command", undo_cmd}}}};
    if (code != 0) {
      const ErrorKind kind = clean ? ErrorKind::kConflict : ErrorKind::kPartial;
      doc["error"] = {{"kind", error_id(kind)},
                      {"code", exit_code(kind)},
                      {"message", clean ? std::to_string(plan.conflicts.size()) + " conflicts"
                                        : "the restore is incomplete"}};
    }
    out << doc.dump(2) << "\n";
    return code;
  }
  out << (clean
              ? style.green(o.mode == Mode::kRollback ? "Rolled back" : "Restored")
              : style.yellow(o.mode == Mode::kRollback ? "Partly rolled back" : "Partly restored"))
      << " " << o.epic << " to " << source << ": "
      << report::restore_summary(totals, static_cast<int>(plan.conflicts.size())) << "\n";
  size_t hidden = plan::show_some(report.failures, [&](const sync::Failure& f) {
    out << "  " << (f.unknown() ? style.yellow("outcome unknown") : style.red("failed")) << ": "
        << f.what << ": " << f.error.message << "\n";
  });
  if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
  hidden = plan::show_some(mismatches, [&](const std::string& m) {
    out << "  " << style.red("not restored") << ": " << m << "\n";
  });
  if (hidden > 0) out << "  " << plan::and_more(hidden) << "\n";
  if (!o.quiet) {
    for (const auto& [identity, key] : report.created) {
      out << "  created again: " << key << " (" << identity << ")\n";
    }
  }
  out << report::render_conflicts(plan, rs);
  for (const auto& n : notes) out << "  " << style.yellow("note") << ": " << n << "\n";
  out << "Backup " << pre.manifest.id << " holds the state before this " << mode << ".\n"
      << "Undo it with: " << undo_cmd << "\n";
  return code;
}

}  // namespace epicsync::cli

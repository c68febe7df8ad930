#include "cli/sync_execute.h"

#include <unistd.h>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "backup/interrupted_run.h"
#include "cli/apply_session.h"
#include "cli/error_report.h"
#include "cli/execution_support.h"
#include "cli/run_config.h"
#include "cli/terminal.h"
#include "epic_parser.h"
#include "input_file.h"
#include "plan/display_text.h"
#include "plan/planner.h"
#include "report/json_vocabulary.h"
#include "report/plan_render.h"
#include "report/restore_render.h"
#include "source_update.h"
#include "sync/executor.h"
#include "sync/write_check.h"
#include "version.h"

namespace epicsync::cli {

nlohmann::json conflict_error(const plan::Plan& plan) {
  const auto& c = plan.conflicts.front();
  return {{"kind", error_id(ErrorKind::kConflict)},
          {"code", exit_code(ErrorKind::kConflict)},
          {"message",
           plan::plural(static_cast<long long>(plan.conflicts.size()), "field was", "fields were") +
               " changed in Jira since epicsync wrote them and left alone (" + c.issue + " " +
               c.field + (plan.conflicts.size() > 1 ? ", …" : "") + ")"},
          {"hint", "see plan.conflicts; --force writes the file's values over them"}};
}

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
    const bool conflicts = !in.plan.conflicts.empty();
    if (json) {
      nlohmann::json doc = {{"ok", !conflicts},
                            {"mode", "execute"},
                            {"epic", in.epic_key},
                            {"plan", report::plan_to_json(in.plan)},
                            {"result",
                             {{"applied", 0},
                              {"failures", nlohmann::json::array()},
                              {"created", nlohmann::json::object()},
                              {"backup", nullptr},
                              {"pinned", 0},
                              {"verification", nlohmann::json::array()},
                              {"notes", in.plan.notes}}}};
      if (conflicts) doc["error"] = conflict_error(in.plan);
      out << doc.dump(2) << "\n";
    } else {
      const Style style = detect_style(o.no_color);
      out << (conflicts ? "Nothing written: " + in.epic_key +
                              " says what the file says, apart from the conflicts below.\n"
                        : "Nothing to do: " + in.epic_key + " already says what the file says.\n");
      for (const auto& n : in.plan.notes) out << style.yellow("note") << ": " << n << "\n";
      out << report::render_orphans(in.plan, {style.color})
          << report::render_conflicts(in.plan, {style.color});
    }
    return conflicts ? exit_code(ErrorKind::kConflict) : 0;
  }
  if (!o.no_confirm) {
    if (!json && !o.quiet)
      out << report::render_plan_text(in.plan, {detect_style(o.no_color).color});
    if (!confirmed(in.plan.issues_affected(), out)) {
      return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
    }
  }

  if (o.no_backup) {
    err << "warning: --no-backup: no local backup is taken; --rollback undoes this sync from "
           "Jira's changelog (docs/rollback.md)\n";
  }
  ApplyRequest rq;
  rq.store = &store;
  rq.epic = in.epic_key;
  rq.mode = "sync";
  rq.take_backup = !o.no_backup;
  rq.trigger = backup::Trigger::kPreSync;
  if (o.update_source) rq.backup_files["source.md"] = in.source_text;
  rq.resumed = resumed;
  // The file's previous text is in the backup only when it is kept.
  rq.drop_unused_backup = !o.update_source;
  rq.keep_count = in.config.keep_count;
  rq.before = &in.snapshot;
  rq.plan = &in.plan;
  rq.concurrency = in.config.concurrency;
  rq.status_map = in.status_map;
  rq.show_progress = !json && !o.quiet && !o.no_progress && ::isatty(2) == 1;
  rq.quiet = json || o.quiet;
  rq.lease = in.lease;
  if (in.replan) {
    // The issues written, read again, planned again from the same file: nothing done may be
    // wanted still.
    rq.verify = [&in](tracker::Tracker& t,
                      const sync::ExecutionReport& report) -> Result<std::vector<std::string>> {
      const auto ids = sync::written_issue_ids(in.plan, report, in.snapshot);
      auto fresh = t.read_issues(ids);
      if (!fresh) return fresh.error();
      sync::ReadBack after = sync::with_fresh_issues(in.plan, report, in.snapshot, ids, *fresh);
      std::vector<std::string> unheld =
          sync::unheld_writes(in.plan, report, in.replan(after.snapshot));
      unheld.insert(unheld.end(), after.unreadable.begin(), after.unreadable.end());
      return unheld;
    };
  }
  auto applied = apply_plan(rq, tracker, out, err);
  if (!applied) return fail(applied.error());
  const sync::ExecutionReport& report = applied->report;
  std::optional<backup::BackupInfo> info = applied->backup;
  const bool dropped_backup = applied->dropped_backup;
  std::vector<std::string> notes = applied->notes;
  std::optional<Error> storage = applied->storage;
  if (storage) {
    storage->kind = ErrorKind::kLocalStorage;
    storage->message = "the journal could not be written, so the sync stopped: " + storage->message;
    if (storage->hint.empty()) {
      storage->hint =
          "free space or fix permissions in the backup folder, then run the same "
          "command again";
    }
  }
  const std::vector<std::string>& unverified = applied->unverified;
  const bool clean = report.ok() && unverified.empty();

  // --update-source: the keys of every story that now has an issue, written into the file.
  size_t pinned = 0;
  if (o.update_source) {
    std::map<std::string, std::string> keys = in.plan.story_keys;
    for (const auto& s : in.epic.stories) {
      if (auto it = report.created.find(s.id); it != report.created.end()) keys[s.id] = it->second;
      if (s.tracker_key && keys.count(s.id) && *s.tracker_key == keys[s.id]) keys.erase(s.id);
    }
    markdown::SubtaskKeys subtask_keys;
    for (const auto& s : in.epic.stories) {
      for (size_t i = 0; i < s.subtasks.size(); ++i) {
        if (s.subtasks[i].tracker_key) continue;
        const std::string identity = plan::subtask_identity(s, s.subtasks[i]);
        auto it = report.created.find(identity);
        if (it == report.created.end()) {
          it = in.plan.subtask_keys.find(identity);
          if (it == in.plan.subtask_keys.end()) continue;
        }
        subtask_keys[{s.id, i}] = it->second;
      }
    }
    std::string updated = markdown::with_tracker_keys(in.source_text, in.epic, keys, subtask_keys);
    // Written only as it reads back: a sub-task whose pin would not read back with the same name
    // and key (an item wrapped over lines, say) is left unpinned rather than renamed.
    const auto reread = markdown::parse_epic(
        updated,
        {false, in.epic_key.substr(0, in.epic_key.find('-')), custom_field_names(in.config)});
    size_t dropped = 0;
    for (auto it = subtask_keys.begin(); it != subtask_keys.end();) {
      const auto& [story, index] = it->first;
      const auto& before = in.epic.stories;
      const auto& after = reread.epic.stories;
      bool holds = false;
      for (size_t s = 0; s < before.size() && s < after.size(); ++s) {
        if (before[s].id != story || index >= after[s].subtasks.size() ||
            index >= before[s].subtasks.size()) {
          continue;
        }
        holds = after[s].subtasks[index].tracker_key == it->second &&
                after[s].subtasks[index].name == before[s].subtasks[index].name;
      }
      if (holds) {
        ++it;
      } else {
        it = subtask_keys.erase(it);
        ++dropped;
      }
    }
    if (dropped > 0) {
      updated = markdown::with_tracker_keys(in.source_text, in.epic, keys, subtask_keys);
      notes.push_back(
          plan::plural(static_cast<long long>(dropped), "sub-task was", "sub-tasks were") +
          " not pinned: the key would not read back as written (write it by hand, "
          "in a Key column)");
    }
    // The file as it is now: an edit made while the run wrote (an editor saving it) must not be
    // overwritten with the keys added to the older text.
    const auto on_disk = read_input_file(o.markdown_path);
    if (updated != in.source_text && (!on_disk || *on_disk != in.source_text)) {
      notes.push_back(o.markdown_path +
                      " changed on disk during the run, so the keys were not written into it "
                      "(run the same command with --update-source again)");
    } else if (updated != in.source_text) {
      auto written = backup::write_file_atomic(o.markdown_path, updated, {0644, true});
      if (written.ok()) {
        pinned = keys.size() + subtask_keys.size();
      } else {
        notes.push_back("could not update " + o.markdown_path + ": " + written.error().message);
      }
    }
  }

  if (json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : report.failures) {
      failures.push_back({{"operation", f.index},
                          {"what", f.what},
                          {"message", f.error.message},
                          {"unknown", f.unknown()}});
    }
    nlohmann::json doc = {{"ok", clean && !storage && in.plan.conflicts.empty()},
                          {"mode", "execute"},
                          {"epic", in.epic_key},
                          {"plan", report::plan_to_json(in.plan)},
                          {"result",
                           {{"applied", report.applied},
                            {"failures", failures},
                            {"created", report.created},
                            {"backup", info ? report::backup_json(info->manifest) : nullptr},
                            {"pinned", pinned},
                            {"verification", unverified},
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
    } else if (!unverified.empty()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kPartial)},
                      {"code", exit_code(ErrorKind::kPartial)},
                      {"message", plan::plural(static_cast<long long>(unverified.size()),
                                               "write does", "writes do") +
                                      " not hold when the epic is read again"}};
    } else if (!in.plan.conflicts.empty()) {
      doc["error"] = conflict_error(in.plan);
    }
    out << doc.dump(2) << "\n";
  } else {
    const Style style = detect_style(o.no_color);
    std::set<size_t> failed;
    for (const auto& f : report.failures) failed.insert(f.index);
    out << (clean ? style.green("Synced") : style.yellow("Partly synced")) << " " << in.epic_key
        << ": " << report.applied << " of "
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
    const size_t unheld = plan::show_some(unverified, [&](const std::string& u) {
      out << "  " << style.red("not as written") << ": " << u << "\n";
    });
    if (unheld > 0) out << "  " << plan::and_more(unheld) << "\n";
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
    out << report::render_conflicts(in.plan, {style.color});
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
  if (!clean) return exit_code(ErrorKind::kPartial);
  return in.plan.conflicts.empty() ? 0 : exit_code(ErrorKind::kConflict);
}

}  // namespace epicsync::cli

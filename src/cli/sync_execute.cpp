#include "cli/sync_execute.h"

#include <unistd.h>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "cli/error_report.h"
#include "cli/execution_support.h"
#include "cli/terminal.h"
#include "report/plan_render.h"
#include "source_update.h"
#include "sync/executor.h"
#include "sync/operation_record.h"
#include "version.h"

namespace epicsync::cli {

int execute_plan(const ExecuteInput& in, tracker::Tracker& tracker, std::ostream& out,
                 std::ostream& err) {
  const Options& o = in.options;
  const bool json = o.output == OutputFormat::kJson;
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };

  if (in.plan.empty()) {
    if (json) {
      out << nlohmann::json{{"ok", true},
                            {"mode", "execute"},
                            {"epic", in.epic_key},
                            {"plan", report::plan_to_json(in.plan)},
                            {"result",
                             {{"applied", 0},
                              {"failures", nlohmann::json::array()},
                              {"backup", nullptr}}}}
                 .dump(2)
          << "\n";
    } else {
      out << "Nothing to do: " << in.epic_key << " already says what the file says.\n";
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

  backup::BackupStore store({in.config.backup_dir, kVersion, {}});
  std::optional<backup::BackupInfo> info;
  std::optional<backup::JournalWriter> journal;
  if (o.no_backup) {
    err << "warning: --no-backup: no backup is taken, this sync cannot be rolled back\n";
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

  nlohmann::json operations = report::plan_to_json(in.plan)["operations"];
  for (size_t i = 0; i < in.plan.operations.size(); ++i) {
    operations[i] = sync::operation_record(in.plan.operations[i], std::move(operations[i]));
  }
  std::optional<JournalLog> log;
  if (journal) log.emplace(*journal, operations);
  ProgressBar bar(!json && !o.quiet && ::isatty(2) == 1);
  sync::ExecutorOptions eo;
  eo.concurrency = in.config.concurrency;
  eo.status_map = in.status_map;
  eo.progress = [&bar](const std::string& label, size_t done, size_t total) {
    bar.update(label, done, total);
  };
  const sync::ExecutionReport report =
      sync::execute(in.plan, in.snapshot, tracker, eo, log ? &*log : nullptr);

  std::vector<std::string> notes;
  if (log && log->failure()) notes.push_back("journal incomplete: " + log->failure()->message);
  if (journal) {
    if (auto sealed = journal->seal(); !sealed.ok()) {
      notes.push_back("journal not sealed: " + sealed.error().message);
    }
  }
  if (info && report.ok()) {
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

  const auto t = report::totals(in.plan);
  if (json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : report.failures) {
      failures.push_back({{"operation", f.index}, {"what", f.what}, {"message", f.error.message}});
    }
    nlohmann::json doc = {{"ok", report.ok()},
                          {"mode", "execute"},
                          {"epic", in.epic_key},
                          {"plan", report::plan_to_json(in.plan)},
                          {"result",
                           {{"applied", report.applied},
                            {"failures", failures},
                            {"created", report.created},
                            {"backup", info ? nlohmann::json(info->manifest.id) : nullptr},
                            {"pinned", pinned},
                            {"notes", notes}}}};
    if (!report.ok()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kPartial)},
                      {"code", exit_code(ErrorKind::kPartial)},
                      {"message", std::to_string(report.failures.size()) + " operations failed"}};
    }
    out << doc.dump(2) << "\n";
  } else {
    const Style style = detect_style(o.no_color);
    out << (report.ok() ? style.green("Synced") : style.yellow("Partly synced")) << " "
        << in.epic_key << ": " << report.applied << " of " << in.plan.operations.size()
        << " operations applied (" << t.stories_created << " stories and " << t.subtasks_created
        << " sub-tasks planned, " << t.issues_updated << " issues to update, " << t.transitions
        << " transitions)\n";
    for (const auto& f : report.failures) {
      out << "  " << style.red("failed") << ": " << f.what << ": " << f.error.message << "\n";
    }
    for (const auto& n : notes) out << "  " << style.yellow("note") << ": " << n << "\n";
    if (pinned > 0) {
      out << "Wrote " << pinned << " tracker key" << (pinned == 1 ? "" : "s") << " into "
          << o.markdown_path << " (the previous file is in the backup).\n";
    }
    if (info) {
      out << "Backup " << info->manifest.id << " holds the state before this sync.\n";
    }
  }
  return report.ok() ? 0 : exit_code(ErrorKind::kPartial);
}

}  // namespace epicsync::cli

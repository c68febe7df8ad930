#include "cli/diff_command.h"
#include "cli/run_config.h"

#include "backup/backup_store.h"
#include "cli/error_report.h"
#include "cli/terminal.h"
#include "cli/tracker_session.h"
#include "config/config.h"
#include "report/json_vocabulary.h"
#include "report/markdown_render.h"
#include "report/snapshot_diff.h"
#include "sync/rich_text_ops.h"
#include "tracker/tracker.h"
#include "version.h"

namespace epicsync::cli {
namespace {

// The backup asked for: --diff-backup ID, or the newest backup of the epic whatever took it.
Result<backup::BackupInfo> backup_to_compare(const backup::BackupStore& store, const Options& o) {
  if (!o.backup_id.empty()) return store.find(o.epic, o.backup_id);
  if (auto intact = store.check_newest_intact(o.epic); !intact) {
    Error e = intact.error();
    e.hint =
        "epicsync will not compare with an older one instead; name one: epicsync "
        "--diff-backup ID --epic " +
        o.epic + " (epicsync --list-backups --epic " + o.epic + " lists them)";
    return e;
  }
  auto latest = store.latest(o.epic);
  if (!latest && latest.error().kind == ErrorKind::kNotFound && latest.error().hint.empty()) {
    return Error{latest.error().kind, latest.error().message + " in " + store.root().string(),
                 "a backup is taken before every --execute, or by --backup NAME --epic " + o.epic +
                     "; --backup-dir says where to look"};
  }
  return latest;
}

// "pre-sync" or "manual 'before-sprint-5'": how a person recognises the backup.
std::string describe(const backup::Manifest& m) {
  std::string what(backup::trigger_name(m.trigger));
  if (!m.name.empty()) what += " '" + m.name + "'";
  return what;
}

}  // namespace

int run_diff(const Options& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  if (o.epic.empty()) {
    return fail(Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                      "epicsync --diff-latest --epic PROJ-123"});
  }
  auto cfg = load_run_config(o, err);
  if (!cfg) return fail(cfg.error());

  // The backup first: without one there is nothing to compare, and no reason to ask the
  // tracker anything. Reading needs no lock: nothing is written.
  const backup::BackupStore store({cfg->backup_dir, kVersion, {}});
  auto info = backup_to_compare(store, o);
  if (!info) return fail(info.error());
  auto then = store.load_snapshot(*info);
  if (!then) return fail(then.error());

  const std::string project =
      !cfg->project.empty() ? cfg->project : o.epic.substr(0, o.epic.find('-'));
  auto session = open_tracker(*cfg, project, o.verbose, err);
  if (!session) return fail(session.error());
  auto now = session->tracker->read_epic(o.epic);
  if (!now) return fail(now.error());

  const report::SnapshotDiff diff =
      report::diff_snapshots(*then, *now, sync::rich_text_ops().to_markdown, session->info.fields);
  const backup::Manifest& m = info->manifest;
  if (o.output == OutputFormat::kJson) {
    nlohmann::json doc = {
        {"ok", true}, {"mode", "diff"}, {"epic", o.epic}, {"backup", report::backup_json(m)}};
    doc.update(report::snapshot_diff_to_json(diff));
    out << doc.dump(2) << "\n";
    return 0;
  }
  if (o.output == OutputFormat::kMarkdown) {
    out << report::render_diff_markdown(diff, m.id);
    return 0;
  }
  if (o.quiet) {
    out << report::render_snapshot_diff_summary(diff);
    return 0;
  }
  out << o.epic << " now, compared with backup " << m.id << " (" << describe(m) << ", taken "
      << backup::format_utc(m.created_at) << ")\n\n"
      << report::render_snapshot_diff_text(diff, {detect_style(o.no_color).color});
  return 0;
}

}  // namespace epicsync::cli

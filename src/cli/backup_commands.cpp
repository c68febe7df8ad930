#include "cli/backup_commands.h"
#include "cli/run_config.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "backup/backup_transfer.h"
#include "cli/error_report.h"
#include "cli/terminal.h"
#include "cli/tracker_session.h"
#include "config/config.h"
#include "plan/display_text.h"
#include "report/json_vocabulary.h"
#include "version.h"

namespace epicsync::cli {
namespace {

std::string age(backup::TimePoint then) {
  const auto s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - then)
          .count();
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string pad(const std::string& s, size_t width) {
  return s + std::string(width > display_width(s) ? width - display_width(s) : 0, ' ');
}

std::optional<std::string> epic_filter(const Options& o) {
  return o.epic.empty() ? std::nullopt : std::optional<std::string>(o.epic);
}

nlohmann::json info_json(const backup::BackupInfo& b) {
  return report::backup_json(b.manifest, b.dir.string());
}

// "by dana@laptop on 2026-12-07T10:00:00Z", as far as the backup says.
std::string taken_by(const backup::Manifest& m) {
  std::string by = m.user + (m.host.empty() ? "" : "@" + m.host);
  return (by.empty() ? "" : "by " + by + " ") + "on " + backup::format_utc(m.created_at);
}

// The backup an export names: in --epic's backups, or in every epic's when --epic is not given
// (ids are times, so two epics may share one).
Result<backup::BackupInfo> backup_to_export(const backup::BackupStore& store, const Options& o) {
  if (!o.epic.empty()) return store.find(o.epic, o.backup_id);
  if (auto valid = backup::validate_backup_id(o.backup_id); !valid) return valid.error();
  auto all = store.list();
  if (!all) return all.error();
  std::vector<backup::BackupInfo> found;
  for (const auto& b : *all) {
    if (b.manifest.id == o.backup_id) found.push_back(b);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return Error{ErrorKind::kNotFound, "no backup " + o.backup_id + " in " + store.root().string(),
                 "epicsync --list-backups shows the ids"};
  }
  return Error{ErrorKind::kUsage, "backup " + o.backup_id + " exists for several epics",
               "name the epic: --epic KEY"};
}

}  // namespace

int run_backup_command(const Options& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool json = o.output == OutputFormat::kJson;
  auto cfg = load_run_config(o, err);
  if (!cfg) return fail(cfg.error());
  const backup::BackupStore store({cfg->backup_dir, kVersion, {}});

  switch (o.mode) {
    case Mode::kListBackups: {
      auto list = store.list(epic_filter(o));
      if (!list) return fail(list.error());
      // A backup whose manifest cannot be read is shown, not hidden: hiding it would make an
      // older backup look like the newest.
      auto damaged = store.damaged(epic_filter(o));
      if (!damaged) return fail(damaged.error());
      if (json) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& b : *list) all.push_back(info_json(b));
        nlohmann::json bad = nlohmann::json::array();
        for (const auto& d : *damaged) {
          bad.push_back({{"id", d.backup.id},
                         {"epic", d.backup.epic},
                         {"path", d.dir.string()},
                         {"problem", d.problem}});
        }
        out << nlohmann::json{{"ok", true},
                              {"mode", "list-backups"},
                              {"backups", all},
                              {"damaged", bad}}
                   .dump(2)
            << "\n";
        return 0;
      }
      if (list->empty() && damaged->empty()) {
        out << "No backups in " << cfg->backup_dir << "\n";
        return 0;
      }
      out << pad("ID", 27) << pad("EPIC", 12) << pad("TRIGGER / NAME", 30) << pad("ISSUES", 8)
          << pad("AGE", 6) << "BY\n";
      for (const auto& b : *list) {
        const auto& m = b.manifest;
        std::string what(backup::trigger_name(m.trigger));
        if (!m.name.empty()) what += " / " + m.name;
        std::string by = m.user + (m.host.empty() ? "" : "@" + m.host);
        out << pad(m.id, 27) << pad(m.epic, 12) << pad(fit(what, 28), 30)
            << pad(std::to_string(m.issue_count), 8) << pad(age(m.created_at), 6)
            << (by.empty() ? "-" : by) << "\n";
      }
      for (const auto& d : *damaged) {
        out << pad(d.backup.id, 27) << pad(d.backup.epic, 12) << "DAMAGED: " << d.problem << "\n";
      }
      if (!damaged->empty()) {
        out << "\n"
            << damaged->size() << " damaged backup" << (damaged->size() == 1 ? "" : "s")
            << " cannot be used; epicsync --verify-backups says what is wrong.\n";
      }
      return 0;
    }
    case Mode::kBackup: {
      if (o.epic.empty()) {
        return fail(Error{ErrorKind::kUsage, "--backup needs --epic KEY", ""});
      }
      const std::string project =
          !cfg->project.empty() ? cfg->project : o.epic.substr(0, o.epic.find('-'));
      auto session = open_tracker(*cfg, project, o.verbose, err);
      if (!session) return fail(session.error());
      auto held = store.lock(o.epic);
      if (!held) return fail(held.error());
      auto snapshot = session->tracker->read_epic(o.epic);
      if (!snapshot) return fail(snapshot.error());
      auto made =
          store.create(o.epic, *snapshot, {backup::Trigger::kManual, o.backup_name, o.notes, {}});
      if (!made) return fail(made.error());
      if (json) {
        out << nlohmann::json{{"ok", true}, {"mode", "backup"}, {"backup", info_json(*made)}}.dump(
                   2)
            << "\n";
      } else {
        out << "Backup " << made->manifest.id << " of " << o.epic << " ("
            << made->manifest.issue_count << " issues) saved as '" << o.backup_name << "' in "
            << made->dir.string() << "\n";
      }
      return 0;
    }
    case Mode::kExportBackup: {
      auto chosen = backup_to_export(store, o);
      if (!chosen) return fail(chosen.error());
      auto text = backup::export_backup(store, *chosen);
      if (!text) return fail(text.error());
      // Written beside FILE, then hard-linked to its name: link() refuses a name that exists (a
      // file or a symbolic link, dangling or not), so FILE is never replaced, not even by a race.
      const std::string staged = o.transfer_file + ".tmp-" + std::to_string(::getpid());
      auto written = backup::write_file_atomic(staged, *text);
      if (!written) return fail(written.error());
      const int linked = ::link(staged.c_str(), o.transfer_file.c_str()) == 0 ? 0 : errno;
      ::unlink(staged.c_str());
      if (linked == EEXIST) {
        return fail(Error{ErrorKind::kUsage, o.transfer_file + " exists; it is not overwritten",
                          "give a new file name"});
      }
      if (linked != 0) {
        return fail(
            backup::os_error(ErrorKind::kLocalStorage, "cannot write", o.transfer_file, linked));
      }
      if (json) {
        out << nlohmann::json{{"ok", true},
                              {"mode", "export-backup"},
                              {"backup", info_json(*chosen)},
                              {"file", o.transfer_file}}
                   .dump(2)
            << "\n";
      } else {
        out << "Exported backup " << chosen->manifest.id << " of " << chosen->manifest.epic << " ("
            << chosen->manifest.issue_count << " issues, " << taken_by(chosen->manifest) << ") to "
            << o.transfer_file << "\n";
      }
      return 0;
    }
    case Mode::kImportBackup: {
      auto text = backup::read_file(o.transfer_file);
      if (!text) {
        return fail(Error{ErrorKind::kInputFile,
                          "cannot read " + o.transfer_file + ": " + text.error().message, ""});
      }
      auto imported = backup::import_backup(store, *text);
      if (!imported) return fail(imported.error());
      const auto& m = imported->backup.manifest;
      if (json) {
        out << nlohmann::json{{"ok", true},
                              {"mode", "import-backup"},
                              {"backup", info_json(imported->backup)},
                              {"already_there", imported->already_there}}
                   .dump(2)
            << "\n";
      } else if (imported->already_there) {
        out << "Backup " << m.id << " of " << m.epic
            << " is already in the store, exactly as exported: nothing to import\n";
      } else {
        out << "Imported backup " << m.id << " of " << m.epic << " (" << m.issue_count
            << " issues, " << taken_by(m) << ") into " << imported->backup.dir.string()
            << "\n  epicsync --rollback --epic " << m.epic << " now uses it if it is the newest\n";
      }
      return 0;
    }
    case Mode::kCleanupBackups: {
      if (o.keep < 1) return fail(Error{ErrorKind::kUsage, "--keep must be at least 1", ""});
      auto removed = store.cleanup(epic_filter(o), static_cast<size_t>(o.keep));
      if (!removed) return fail(removed.error());
      if (json) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& r : *removed) all.push_back({{"epic", r.epic}, {"id", r.id}});
        out << nlohmann::json{{"ok", true}, {"mode", "cleanup-backups"}, {"removed", all}}.dump(2)
            << "\n";
      } else {
        for (const auto& r : *removed) out << "removed " << r.epic << "/" << r.id << "\n";
        out << plan::plural(static_cast<long long>(removed->size()), "backup", "backups")
            << " removed; manual backups are never removed automatically\n";
      }
      return 0;
    }
    case Mode::kVerifyBackups: {
      auto reports = store.verify(epic_filter(o));
      if (!reports) return fail(reports.error());
      size_t failed = 0;
      nlohmann::json all = nlohmann::json::array();
      const Style style = detect_style(o.no_color);
      for (const auto& r : *reports) {
        const char* status = r.status == backup::VerifyReport::Status::kOk ? "ok"
                             : r.status == backup::VerifyReport::Status::kInterrupted
                                 ? "interrupted"
                                 : "failed";
        failed += r.status == backup::VerifyReport::Status::kFailed;
        all.push_back({{"epic", r.backup.epic},
                       {"id", r.backup.id},
                       {"status", status},
                       {"problems", r.problems},
                       {"notes", r.notes}});
        if (!json) {
          const std::string shown = std::string(status) == "ok"       ? style.green(status)
                                    : std::string(status) == "failed" ? style.red(status)
                                                                      : style.yellow(status);
          out << r.backup.epic << "/" << r.backup.id << ": " << shown << "\n";
          for (const auto& p : r.problems) out << "  problem: " << p << "\n";
          for (const auto& n : r.notes) out << "  note: " << n << "\n";
        }
      }
      if (json) {
        out << nlohmann::json{{"ok", failed == 0}, {"mode", "verify-backups"}, {"backups", all}}
                   .dump(2)
            << "\n";
      } else {
        out << reports->size() << " checked, " << failed << " failed\n";
      }
      return failed == 0 ? 0 : exit_code(ErrorKind::kInputFile);
    }
    case Mode::kValidate:
    case Mode::kSync:
    case Mode::kDiff:
    case Mode::kRollback:
    case Mode::kRestore:
    case Mode::kPull:
    case Mode::kListRuns:
      break;
  }
  return fail(Error{ErrorKind::kInternal, "not a backup command", ""});
}

}  // namespace epicsync::cli
